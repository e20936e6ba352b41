"""The workspace (raw/, aligned/, exports/, notes.db) and the `add` flow that runs the stages.

ingest → segment → align → store → export. Every stage is a plain function; this module only
wires them together for one article, so the CLI stays a thin layer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from sqlite_utils import Database

from pipeline import align, db, export, ingest, segment, translate
from pipeline.document import Article, Document

Progress = Callable[[str], None]


class MissingKorean(FileNotFoundError):
    "No Korean side was given, found beside the English, or requested from a translator"


@dataclass
class Workspace:
    home: Path
    db_path: Path = field(init=False)

    def __post_init__(self) -> None:
        self.home = Path(self.home)
        self.db_path = self.home / "notes.db"

    @property
    def raw(self) -> Path:
        return self.home / "raw"

    @property
    def aligned(self) -> Path:
        return self.home / "aligned"

    @property
    def exports(self) -> Path:
        return self.home / "exports"

    @cached_property
    def db(self) -> Database:
        self.home.mkdir(parents=True, exist_ok=True)
        return db.open_db(self.db_path)


def _no_progress(_stage: str) -> None:
    pass


def build_article(
    en_doc: Document,
    ko_doc: Document,
    slug: str,
    provenance: str,
    aligner: align.Aligner | None = None,
    progress: Progress = _no_progress,
) -> Article:
    """Segment and align two parsed documents into an Article (no I/O)."""
    progress("segmenting English")
    en_sentences = segment.split_english(en_doc)
    progress("segmenting Korean")
    ko_sentences = segment.split_korean(ko_doc)
    progress("aligning")
    beads = align.align(en_sentences, ko_sentences, aligner)
    return Article(slug, en_doc, ko_doc, en_sentences, ko_sentences, beads, provenance)


def add_article(
    ws: Workspace,
    en_path: Path,
    ko_path: Path | None = None,
    slug: str | None = None,
    progress: Progress = _no_progress,
    translator: translate.Translator | None = None,
    refresh: bool = False,
    on_block: translate.BlockProgress | None = None,
) -> tuple[Article, dict[str, Path]]:
    """Process one article pair into the workspace: notes.db, aligned/ and exports/.

    With a translator (and no ko_path), the Korean side is machine-translated block by block through
    the translation cache in notes.db; a ServiceUnreachable leaves the blocks done in the cache.
    """
    progress("reading")
    en_doc = ingest.read_document(en_path, "en")
    if translator is not None and ko_path is None:
        progress("translating")
        cache = translate.TranslationCache(ws.db)
        ko_doc = translate.translate_document(
            en_doc, translator, cache, refresh, on_block or translate.no_block_progress
        )
        provenance = translate.provenance(translator.name)
    else:
        if ko_path is None:
            ko_path = ingest.find_korean_sibling(en_path)
        if ko_path is None:
            raise MissingKorean(f"no Korean file for {en_path}")
        ko_doc = ingest.read_document(ko_path, "ko")
        provenance = f"file:{ko_path}"
    slug = ingest.check_slug(slug) if slug else ingest.slug_for(en_path)
    article = build_article(en_doc, ko_doc, slug, provenance, progress=progress)
    progress("storing")
    db.save_article(ws.db, article)
    progress("writing the study sheet")
    paths = export.write_outputs(article, ws.aligned, ws.exports)
    return article, paths

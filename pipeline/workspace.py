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

from pipeline import align, checks, db, export, ingest, review, segment, terms
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
    termbase: terms.TermBase | None = None,
    usage: dict[str, dict[str, set[str]]] | None = None,
) -> Article:
    """Segment, align and check two parsed documents into an Article (no I/O).

    `termbase` defaults to the bundled glossary; `usage` is how the reader's other articles render
    terms (for the cross-article `inconsistent` check)."""
    progress("segmenting English")
    en_sentences = segment.split_english(en_doc)
    progress("segmenting Korean")
    ko_sentences = segment.split_korean(ko_doc)
    progress("aligning")
    beads = align.align(en_sentences, ko_sentences, aligner)
    article = Article(slug, en_doc, ko_doc, en_sentences, ko_sentences, beads, provenance)
    progress("checking")
    article.flags = checks.run_checks(article, termbase, usage)
    return article


def add_article(
    ws: Workspace,
    en_path: Path,
    ko_path: Path | None = None,
    slug: str | None = None,
    progress: Progress = _no_progress,
) -> tuple[Article, dict[str, Path]]:
    """Process one article pair into the workspace: notes.db, aligned/ and exports/."""
    progress("reading")
    en_doc = ingest.read_document(en_path, "en")
    if ko_path is None:
        ko_path = ingest.find_korean_sibling(en_path)
    if ko_path is None:
        raise MissingKorean(f"no Korean file for {en_path}")
    ko_doc = ingest.read_document(ko_path, "ko")
    slug = slug or ingest.slug_for(en_path)
    article = build_article(
        en_doc,
        ko_doc,
        slug,
        f"file:{ko_path}",
        progress=progress,
        termbase=terms.load(ws.db),
        usage=db.term_usage(ws.db, exclude=slug),
    )
    progress("storing")
    db.save_article(ws.db, article)
    progress("writing the study sheet")
    paths = export.write_outputs(article, ws.aligned, ws.exports, review.corrections(ws.db, slug))
    return article, paths


def check_article(ws: Workspace, slug: str) -> Article:
    """Re-run the checks on a stored article with the current term base; store its new flags."""
    article = db.load_article(ws.db, slug)
    article.flags = checks.run_checks(article, terms.load(ws.db), db.term_usage(ws.db, exclude=slug))
    with ws.db.atomic():
        db.replace_flags(ws.db, slug, article.flags)
        db.save_term_uses(ws.db, article)
    return article

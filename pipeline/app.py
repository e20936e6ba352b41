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

from pipeline import store as db
from pipeline.models import Article, Document
from pipeline.output import export
from pipeline.stages import align, checks, ingest, review, segment, semantic, terms, translate, vocab
from pipeline.stages import search as search_module

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
    tagger: vocab.Tagger | None = None,
    termbase: terms.TermBase | None = None,
    usage: dict[str, dict[str, set[str]]] | None = None,
    use_semantic: bool | None = None,
    embeddings: Path | None = None,
) -> Article:
    """Segment, align, tag and check two parsed documents into an Article (no I/O).

    `termbase` defaults to the bundled glossary; `usage` is how the reader's other articles render
    terms (for the cross-article `inconsistent` check). `use_semantic` and `embeddings` choose the
    aligner's sentence encoder (see semantic.resolve_encoder): by default the `semantic` extra when
    it is installed; False aligns and checks without embeddings."""
    encoder = semantic.resolve_encoder(use_semantic, embeddings)
    progress("segmenting English")
    en_sentences = segment.split_english(en_doc)
    progress("segmenting Korean")
    ko_sentences = segment.split_korean(ko_doc)
    aligner = aligner or align.Aligner(extra_scorers=[dictionary_scorer(termbase or terms.bundled(), tagger)])
    if encoder is not None and aligner.encoder is None:
        # Embedding is model time: done here, as its own stage; the aligner then reads the cache.
        progress("embedding")
        encoder.encode([s.text for s in en_sentences])
        encoder.encode([s.text for s in ko_sentences])
        aligner = aligner.with_encoder(encoder)
    progress("aligning")
    beads = align.align(en_sentences, ko_sentences, aligner)
    article = Article(slug, en_doc, ko_doc, en_sentences, ko_sentences, beads, provenance)
    progress("tagging vocabulary")
    if tagger is not None and len(tagger):
        article.hits = vocab.tag_article(article, tagger)
    progress("checking")
    article.flags = checks.run_checks(article, termbase, usage)
    return article


def dictionary_scorer(termbase: terms.TermBase, tagger: vocab.Tagger | None) -> align.Scorer:
    """The term base and the reader's vocabulary glosses as one alignment signal."""
    entries = [(t.english_forms, t.accepted) for t in termbase]
    if tagger is not None:
        entries += [
            ([t.term, *t.aliases], vocab.gloss_alternatives(t.glosses)) for t in tagger.terms.values()
        ]
    return align.dictionary_scorer(entries)


def add_article(
    ws: Workspace,
    en_path: Path,
    ko_path: Path | None = None,
    slug: str | None = None,
    progress: Progress = _no_progress,
    translator: translate.Translator | None = None,
    refresh: bool = False,
    on_block: translate.BlockProgress | None = None,
    use_semantic: bool | None = None,
    embeddings: Path | None = None,
) -> tuple[Article, dict[str, Path]]:
    """Process one article pair into the workspace: notes.db, aligned/ and exports/.

    With a translator (and no ko_path), the Korean side is machine-translated block by block through
    the translation cache in notes.db; a ServiceUnreachable leaves the blocks done in the cache.
    `use_semantic` and `embeddings` are build_article's.
    """
    # A missing model is the user's to fix before anything is read, translated or stored.
    semantic.resolve_encoder(use_semantic, embeddings)
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
    tagger = vocab.Tagger(db.load_vocab(ws.db))
    article = build_article(
        en_doc,
        ko_doc,
        slug,
        provenance,
        progress=progress,
        tagger=tagger,
        termbase=load_termbase(ws),
        usage=db.term_usage(ws.db, exclude=slug),
        use_semantic=use_semantic,
        embeddings=embeddings,
    )
    progress("storing")
    db.save_article(ws.db, article)
    progress("writing the study sheet")
    paths = export.write_outputs(article, ws.aligned, ws.exports, sheet_notes(ws, article))
    return article, paths


# --- vocabulary (issue 4) ------------------------------------------------------------------------


@dataclass
class RetagSummary:
    articles: int = 0
    hits: int = 0  # English sentences × terms found
    by_slug: dict[str, int] = field(default_factory=dict)


def retag(ws: Workspace, progress: Progress = _no_progress) -> RetagSummary:
    """Tag every stored article again with the current word list (after it changed)."""
    tagger = vocab.Tagger(db.load_vocab(ws.db))
    summary = RetagSummary()
    for row in list(db.article_rows(ws.db)):
        progress(row["slug"])
        article = db.load_article(ws.db, row["slug"])
        hits = vocab.tag_article(article, tagger) if len(tagger) else []
        db.replace_vocab_hits(ws.db, article.slug, hits)
        n = sum(1 for h in hits if h.lang == "en")
        summary.articles += 1
        summary.hits += n
        summary.by_slug[article.slug] = n
    return summary


def import_vocab(ws: Workspace, notes: Path) -> tuple[vocab.ImportReport, RetagSummary | None]:
    """Import a notes file into the word list; re-tag the stored articles if anything changed."""
    parsed = vocab.read_notes(notes)
    report = vocab.merge_terms(db.load_vocab(ws.db), parsed)
    return report, _save_and_retag(ws, report)


def add_vocab_term(ws: Workspace, term: vocab.VocabTerm) -> tuple[vocab.ImportReport, RetagSummary | None]:
    report = vocab.merge_terms(db.load_vocab(ws.db), vocab.ParsedNotes([vocab.NoteEntry(0, term)]))
    return report, _save_and_retag(ws, report)


def _save_and_retag(ws: Workspace, report: vocab.ImportReport) -> RetagSummary | None:
    if not report.changed:
        return None
    db.save_vocab_terms(ws.db, report.terms)
    return retag(ws)


def set_vocab_status(ws: Workspace, query: str, status: str) -> tuple[vocab.VocabTerm, RetagSummary | None]:
    """Move a term on the status ladder; ignoring (or un-ignoring) it re-tags the articles."""
    vocab.check_status(status)
    term = vocab.find_term(db.load_vocab(ws.db), query)
    previous, term.status = term.status, status
    db.set_vocab_status(ws.db, term.key, status)
    retagged = retag(ws) if "ignored" in (previous, status) and previous != status else None
    return term, retagged


def export_article(ws: Workspace, slug: str, fmt: str) -> export.ExportResult:
    """Run one exporter (export.EXPORTERS) on a stored article, its vocabulary hits included."""
    article = load_full_article(ws, slug)
    job = export.ExportJob(article, ws.exports, db.load_vocab(ws.db))
    return export.EXPORTERS[fmt](job)


# --- study sheets and exports (issue 7) ----------------------------------------------------------


def sheet_notes(ws: Workspace, article: Article) -> export.SheetNotes:
    """Glosses, term statuses, review decisions (flag statuses, fixes) and the date read, for the
    sheet of a stored article."""
    vocab_terms = db.load_vocab(ws.db)
    row = db.get_article_row(ws.db, article.slug)
    views = review.flag_views(ws.db, article.slug)
    return export.SheetNotes(
        glosses={t.term: t.gloss for t in vocab_terms if t.gloss},
        term_status={t.term: t.status for t in vocab_terms},
        flag_status={v.id: v.status for v in views},
        fixes={v.id: v.fix for v in views if v.fix},
        read_on=(row.get("added_at") or "")[:10],
    )


def load_full_article(ws: Workspace, slug: str) -> Article:
    """A stored article with everything later stages attached: vocabulary hits and flags."""
    article = db.load_article(ws.db, slug)
    article.hits = db.load_vocab_hits(ws.db, slug)
    article.flags = db.load_flags(ws.db, slug)
    return article


def write_sheet(ws: Workspace, slug: str) -> Path:
    """Rewrite exports/<slug>.md from the stored article, with the current review decisions."""
    article = load_full_article(ws, slug)
    out = ws.exports / f"{slug}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    export.write_atomically(out, export.sheet_md(article, sheet_notes(ws, article)))
    return out


def search(ws: Workspace, query: str, limit: int = 20) -> list[search_module.Match]:
    """Sentences of every stored article matching the query (either language), best first."""
    query_terms = search_module.query_terms(query)
    rows = db.search_sentences(ws.db, search_module.fts_query(query_terms), limit)
    return [
        search_module.Match(
            r["slug"],
            r["title"],
            r["lang"],
            r["sentence"],
            r["text"],
            search_module.matched_spans(r["text"], r["lang"], query_terms),
            r["paired"],
        )
        for r in rows
    ]


# --- checks and review (issue 5) -----------------------------------------------------------------


def check_article(ws: Workspace, slug: str) -> Article:
    """Re-run the checks on a stored article with the current term base; store its new flags."""
    article = db.load_article(ws.db, slug)
    article.flags = checks.run_checks(article, load_termbase(ws), db.term_usage(ws.db, exclude=slug))
    with ws.db.atomic():
        db.replace_flags(ws.db, slug, article.flags)
        db.save_term_uses(ws.db, article)
    return article


# --- the term base ---------------------------------------------------------------------------------


def load_termbase(ws: Workspace) -> terms.TermBase:
    """The bundled glossary with the reader's own entries laid over it."""
    return terms.bundled().merged(db.user_terms(ws.db))


def add_term(ws: Workspace, term: terms.Term) -> terms.Term:
    """Add an entry, or extend the existing one (bundled or user) with the new forms and renderings."""
    entry = terms.merged_entry(load_termbase(ws), term)
    db.save_terms(ws.db, [entry])
    return entry


def import_terms(ws: Workspace, text: str) -> int:
    """Import a whole TSV or nothing: every line is checked before anything is written."""
    return db.save_terms(ws.db, terms.parse_tsv(text, source="import"))


def promote_term(ws: Workspace, name: str, accepted: list[str], forbidden: list[str]) -> terms.Term:
    """Record a reviewed rendering in the term base: accept it, or forbid it, for term `name`."""
    entry = terms.promoted_entry(load_termbase(ws), name, accepted, forbidden)
    db.save_terms(ws.db, [entry])
    return entry

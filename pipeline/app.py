"""The workspace (raw/, aligned/, exports/, notes.db) and the `add` flow that runs the stages.

ingest → segment → align → store → export. Every stage is a plain function; this module only
wires them together for one article, so the CLI stays a thin layer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline import store as db
from pipeline.models import Article, Document
from pipeline.output import export
from pipeline.stages import align, checks, ingest, paste, review, segment, semantic, terms, translate, vocab
from pipeline.stages import search as search_module
from pipeline.workspace import Workspace

Progress = Callable[[str], None]


class MissingKorean(FileNotFoundError):
    "No Korean side was given, found beside the English, or requested from a translator"


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
        aligner = replace(aligner, encoder=encoder)
    progress("aligning")
    beads = align.align(en_sentences, ko_sentences, aligner)
    article = Article(slug, en_doc, ko_doc, en_sentences, ko_sentences, beads, provenance)
    progress("tagging vocabulary")
    if tagger is not None and len(tagger):
        article.hits = vocab.tag_article(article, tagger)
    progress("checking")
    # The cross-check's thresholds are calibrated on the extra's model: it never uses --embeddings.
    article.flags = checks.run_checks(
        article, termbase, usage, semantic=False if use_semantic is False else None
    )
    return article


def dictionary_scorer(termbase: terms.TermBase, tagger: vocab.Tagger | None) -> align.Scorer:
    """The term base and the reader's vocabulary glosses as one alignment signal."""
    entries = [(t.english_forms, t.accepted) for t in termbase] + list(paste.PAGE_CHROME)
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
            raise MissingKorean(
                f"no Korean file for {en_path}. Pass it with --ko KO_FILE, put "
                f"{ingest.korean_sibling_name(en_path)} beside it, or translate it with --translate google."
            )
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


def add_vocab(
    ws: Workspace, term: str, gloss: str = "", note: str = "", example: str = ""
) -> tuple[vocab.ImportReport, RetagSummary | None]:
    """`readnotes vocab add`: one term, or another gloss for a term already on the list."""
    return add_vocab_term(ws, vocab.new_term(term, gloss, note, example))


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


# ---------------------------------------------------------------------------------------------
# One function per command: what the CLI calls (it prints; these compute and store)
# ---------------------------------------------------------------------------------------------


@dataclass
class ArticleReport:
    """What `add` and `check` tell the reader about one article."""

    slug: str
    title: str
    provenance: str
    counts: export.SheetCounts
    flags: dict[str, int]  # severity → number of flags
    open_flags: int  # errors and warnings not yet reviewed
    coverage_text: str  # the untranslated runs, "" when everything is paired
    untranslated_share: float
    paths: dict[str, Path] = field(default_factory=dict)

    @property
    def coverage_warnings(self) -> list[str]:
        return self.counts.coverage_warnings()


def article_report(ws: Workspace, article: Article, paths: dict[str, Path] | None = None) -> ArticleReport:
    summary = checks.coverage_summary(article)
    open_flags = review.flag_views(ws.db, article.slug, status="open", severities=["error", "warning"])
    return ArticleReport(
        article.slug,
        article.title,
        article.provenance,
        export.SheetCounts.of(article),
        checks.counts(article.flags),
        len(open_flags),
        summary.text if summary.untranslated else "",
        summary.untranslated_share,
        paths or {},
    )


def add(ws: Workspace, en_path: Path, ko_path: Path | None = None, **options) -> ArticleReport:
    """`readnotes add`: process one article pair into the workspace (see add_article)."""
    article, paths = add_article(ws, en_path, ko_path, **options)
    return article_report(ws, article, paths)


def translator(provider: str) -> translate.Translator:
    """The machine translator for `add --translate PROVIDER`."""
    return translate.Translator(provider)


def check(ws: Workspace, slug: str | None) -> list[ArticleReport]:
    """`readnotes check`: re-run the checks on one stored article, or all of them."""
    return [article_report(ws, check_article(ws, s)) for s in slugs(ws, slug)]


def slugs(ws: Workspace, slug: str | None = None) -> list[str]:
    """[slug] when it is stored (else UnknownArticle), or every stored slug."""
    if slug:
        db.get_article_row(ws.db, slug)
        return [slug]
    return [r["slug"] for r in db.article_rows(ws.db)]


@dataclass
class Alignment:
    beads: list
    counts: export.SheetCounts


def align_files(
    en_path: Path,
    ko_path: Path,
    presplit: bool = False,
    use_semantic: bool | None = None,
    embeddings: Path | None = None,
) -> Alignment:
    """`readnotes align`: two files to beads, no workspace. `presplit`: one sentence per line."""
    aligner = align.Aligner(
        encoder=semantic.resolve_encoder(use_semantic, embeddings),
        extra_scorers=[dictionary_scorer(terms.bundled(), None)],
    )
    if presplit:
        en_sentences, ko_sentences = (
            align.presplit_sentences(ingest.read_language_text(path, lang))
            for path, lang in ((en_path, "en"), (ko_path, "ko"))
        )
    else:
        en_sentences = segment.split_english(ingest.read_document(en_path, "en"))
        ko_sentences = segment.split_korean(ingest.read_document(ko_path, "ko"))
    beads = align.align(en_sentences, ko_sentences, aligner)
    return Alignment(beads, export.SheetCounts.of_beads(beads, len(en_sentences), len(ko_sentences)))


def write_file(path: Path, text: str) -> Path:
    """Write an output file atomically, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    export.write_atomically(path, text)
    return path


def render_sheet(
    ws: Workspace, slug: str, fmt: str = "md", paper: str = "a4", layout: str = "interleaved"
) -> str:
    """`readnotes sheet`: the study sheet of a stored article, Markdown or printable HTML."""
    from pipeline.output import sheet_html

    article = load_full_article(ws, slug)
    text = export.sheet_md(article, sheet_notes(ws, article))
    if fmt == "html":
        text = sheet_html.study_sheet_html(text, article.title, paper=paper, layout=layout)
    return text


def article_summaries(ws: Workspace, slug: str | None = None) -> list[dict]:
    """`readnotes list` (all) and `readnotes show` (one slug)."""
    return db.article_summaries(ws.db, slug)


def vocab_list(ws: Workspace, status: str | None = None) -> list[tuple[vocab.VocabTerm, int]]:
    """`readnotes vocab list`: the terms with the number of English sentences each was found in."""
    counts = db.vocab_hit_counts(ws.db)
    return [(t, counts.get(t.key, 0)) for t in db.load_vocab(ws.db, status)]


def vocab_occurrences(ws: Workspace, term: str | None = None) -> list[dict]:
    """`readnotes vocab hits`: every sentence holding a term (or any term), with its Korean pair."""
    key = vocab.find_term(db.load_vocab(ws.db), term).key if term is not None else None
    return db.vocab_occurrences(ws.db, key)


def flag_views(ws: Workspace, slug: str | None = None, **filters) -> list[review.FlagView]:
    """`readnotes flags`: stored flags with their review status (filters: status, severities, check)."""
    if slug:
        db.get_article_row(ws.db, slug)
    return review.flag_views(ws.db, slug, **filters)


def review_queue(ws: Workspace, slug: str | None, include_info: bool) -> list[review.FlagView]:
    """`readnotes review`: the open flags to go through, most severe first."""
    return review.queue(ws.db, slug, include_info)


def user_terms(ws: Workspace) -> list[terms.Term]:
    return db.user_terms(ws.db)


def find_terms(ws: Workspace, query: str | None = None, user_only: bool = False) -> list[terms.Term]:
    """`readnotes terms list`: the term base (or the reader's own entries), optionally those whose
    English, acronym or Korean contains `query`."""
    entries = db.user_terms(ws.db) if user_only else list(load_termbase(ws))
    if not query:
        return entries
    q = query.casefold()
    forms = lambda t: (*t.english_forms, *t.accepted, *t.forbidden)  # noqa: E731
    return [t for t in entries if any(q in x.casefold() for x in forms(t))]


def import_terms_file(ws: Workspace, path: Path) -> int:
    """`readnotes terms import`: a whole TSV file or nothing."""
    text, _ = ingest.read_text(path)
    return import_terms(ws, text)


def terms_tsv(ws: Workspace, user_only: bool = False) -> str:
    """`readnotes terms export`: the term base (or the reader's own entries) as TSV."""
    return terms.to_tsv(db.user_terms(ws.db) if user_only else load_termbase(ws))


def harvest(ws: Workspace, source: Path | str) -> list[terms.Candidate]:
    """`readnotes terms harvest`: 한국어(English) pairs in a Korean file or a stored article."""
    base = load_termbase(ws)
    path = Path(source)
    if path.is_file():
        text, _ = ingest.read_text(path)
        return terms.harvest_text(text, base)
    return terms.harvest_article(db.load_article(ws.db, str(source)), base)

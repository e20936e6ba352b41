"""Articles: add (ingest → segment → align → tag → check → store → outputs), align, check, search,
list and show. Each stage is a plain function; this module wires them together for one article."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import store
from pipeline.app import meaning
from pipeline.app.library import slugs
from pipeline.app.progress import Progress, no_progress
from pipeline.app.searching import index_unindexed
from pipeline.app.sheets import load_full_article, sheet_notes, write_article_sheet
from pipeline.app.terms import load_termbase
from pipeline.errors import ReadnotesError
from pipeline.models import Article, Document, FlagCounts
from pipeline.output import export
from pipeline.stages import (
    align,
    checks,
    ingest,
    paste,
    segment,
    semantic,
    sentence_lines,
    terms,
    translate,
    vocab,
)
from pipeline.stages import search as search_module
from pipeline.workspace import Workspace


class MissingKorean(ReadnotesError, FileNotFoundError):
    "No Korean side was given, found beside the English, or requested from a translator"


def build_article(
    en_doc: Document,
    ko_doc: Document,
    slug: str,
    provenance: str,
    aligner: align.Aligner | None = None,
    progress: Progress = no_progress,
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
    # They read the beads' cosines; an acronym gloss nothing else can judge asks the encoder.
    article.flags = checks.run_checks(article, termbase, usage, encoder=lambda: encoder)
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
    progress: Progress = no_progress,
    translator: translate.Translator | None = None,
    refresh: bool = False,
    on_block: translate.BlockProgress | None = None,
    use_semantic: bool | None = None,
    embeddings: Path | None = None,
    model_checks: meaning.ModelChecks | None = None,
) -> tuple[Article, dict[str, Path]]:
    """Process one article pair into the workspace: notes.db, aligned/ and exports/.

    With a translator (and no ko_path), the Korean side is machine-translated block by block through
    the translation cache in notes.db; a ServiceUnreachable leaves the blocks done in the cache.
    `use_semantic` and `embeddings` are build_article's. `model_checks`: the back-translation and
    LLM checks to run now; those that ran on this article before are re-derived from their caches.
    """
    # A missing model is the user's to fix before anything is read, translated or stored.
    semantic.resolve_encoder(use_semantic, embeddings)
    # So is a bad slug, or one that would replace the article of another English file.
    slug = ingest.check_slug(slug) if slug else ingest.slug_for(en_path)
    try:  # (no notes.db is made for this: bad input must leave a fresh workspace empty)
        stored_en_path = store.get_article_row(ws.db, slug)["en_path"] if ws.db_path.exists() else None
    except store.UnknownArticle:
        stored_en_path = None
    ingest.check_slug_free(slug, en_path, stored_en_path)
    progress("reading")
    en_doc = ingest.read_document(en_path, "en")
    if translator is not None and ko_path is None:
        progress("translating")
        cache = meaning.translation_cache(ws)
        ko_doc = translate.translate_document(
            en_doc, translator, cache, refresh, on_block or translate.no_block_progress
        )
        provenance = translate.provenance(translator.name)
    else:
        if ko_path is None:
            ko_path = ingest.find_korean_sibling(en_path)
        if ko_path is None:
            raise MissingKorean(
                f"no Korean file for {en_path}",
                hint=f"Pass it with --ko KO_FILE, put {ingest.korean_sibling_name(en_path)} beside it, "
                "or translate it with --translate google.",
            )
        ko_doc = ingest.read_document(ko_path, "ko")
        provenance = f"file:{ko_path}"
    tagger = vocab.Tagger(store.load_vocab(ws.db))
    termbase = load_termbase(ws)
    article = build_article(
        en_doc,
        ko_doc,
        slug,
        provenance,
        progress=progress,
        tagger=tagger,
        termbase=termbase,
        usage=store.term_usage(ws.db, exclude=slug),
        use_semantic=use_semantic,
        embeddings=embeddings,
    )
    article.flags, ran = meaning.model_check_flags(
        ws, article, article.flags, termbase, model_checks or meaning.ModelChecks()
    )
    index_article(article, termbase)
    progress("storing")
    with ws.db.atomic():
        store.save_article(ws.db, article)
        meaning.record_model_checks(ws, slug, ran)
    article.flags = store.load_flags(ws.db, slug)  # with the reader's earlier decisions on them
    index_unindexed(ws)  # articles stored before the search index existed
    progress("writing the study sheet")
    paths = export.write_outputs(article, ws.aligned, ws.exports, sheet_notes(ws, article))
    return article, paths


def index_article(article: Article, termbase: terms.TermBase) -> None:
    """Attach what the store indexes: term renderings (for the cross-article check) and search terms.

    Kiwi and spaCy run here, before the save, never inside its transaction."""
    article.term_uses = term_uses(article, termbase)
    article.search_terms = {
        lang: [search_module.index_terms(s.text, lang) for s in sentences]
        for lang, sentences in (("en", article.en_sentences), ("ko", article.ko_sentences))
    }


def term_uses(article: Article, termbase: terms.TermBase) -> dict[str, dict[str, int]]:
    """How the article renders term-base terms: term key → rendering → uses."""
    uses = checks.term_uses(checks.gather(article, termbase))
    return {key: dict(counter) for key, counter in uses.items()}


def check_article(ws: Workspace, slug: str, options: meaning.ModelChecks | None = None) -> Article:
    """Re-run the checks on a stored article with the current term base (and the model checks asked
    for, or run before: see meaning.model_check_flags); store its new flags in one transaction and
    rewrite its study sheet. The returned flags carry the reader's decisions (status, fix)."""
    article = load_full_article(ws, slug)
    termbase = load_termbase(ws)
    usage = store.term_usage(ws.db, exclude=slug)
    rule_flags = checks.run_checks(article, termbase, usage, encoder=semantic.default_encoder)
    article.flags, ran = meaning.model_check_flags(
        ws, article, rule_flags, termbase, options or meaning.ModelChecks()
    )
    article.term_uses = term_uses(article, termbase)
    with ws.db.atomic():
        store.replace_checks(ws.db, article)
        meaning.record_model_checks(ws, slug, ran)
    article.flags = store.load_flags(ws.db, slug)
    write_article_sheet(ws, article)
    return article


@dataclass
class ArticleReport:
    """What `add` and `check` tell the reader about one article."""

    slug: str
    title: str
    provenance: str
    counts: export.SheetCounts
    flags: FlagCounts  # by severity, and errors and warnings by review status
    coverage_text: str  # the untranslated runs, "" when everything is paired
    untranslated_share: float
    paths: dict[str, Path] = field(default_factory=dict)

    @property
    def coverage_warnings(self) -> list[str]:
        return self.counts.coverage_warnings()


def article_report(article: Article, paths: dict[str, Path] | None = None) -> ArticleReport:
    summary = checks.coverage_summary(article)
    return ArticleReport(
        article.slug,
        article.title,
        article.provenance,
        export.SheetCounts.of(article),
        FlagCounts.of(article.flags),  # the flags carry the reader's decisions
        summary.text if summary.untranslated else "",
        summary.untranslated_share,
        paths or {},
    )


def add(ws: Workspace, en_path: Path, ko_path: Path | None = None, **options) -> ArticleReport:
    """`readnotes add`: process one article pair into the workspace (see add_article)."""
    article, paths = add_article(ws, en_path, ko_path, **options)
    return article_report(article, paths)


class NoEnglishFiles(ReadnotesError):
    "A folder given to `add` holds no <name>.en.md or .en.txt"

    hint = "Name the English side <name>.en.md (its Korean <name>.ko.md), or pass the files themselves."


#: How a file in a folder says it is an English side: <name>.en.md, <name>-en.txt, …
_ENGLISH_NAME = re.compile(r"[._-]en\.(md|markdown|txt)$", re.IGNORECASE)


def english_sides(paths: Sequence[Path]) -> list[Path]:
    """The English files to add: files as given, and for a folder its <name>.en.md / .en.txt files
    (sorted), so a folder holding Korean sides and vocabulary notes adds only the articles."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and _ENGLISH_NAME.search(p.name))
            if not found:
                raise NoEnglishFiles(f"no English article files in {path}")
            out += found
        else:
            out.append(path)
    return list(dict.fromkeys(out))


def translator(provider: str) -> translate.Translator:
    """The machine translator for `add --translate PROVIDER`."""
    return translate.Translator(provider)


def check(ws: Workspace, slug: str | None, options: meaning.ModelChecks | None = None) -> list[ArticleReport]:
    """`readnotes check`: re-run the checks on one stored article, or all of them."""
    return [article_report(check_article(ws, s, options)) for s in slugs(ws, slug)]


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
    if presplit:
        # The size guard first: a pair past the limit is refused before it is decoded or checked,
        # and before the term base and the encoder load.
        align.check_size(
            sentence_lines.line_count(en_path), sentence_lines.line_count(ko_path), align.Aligner()
        )
    aligner = align.Aligner(extra_scorers=[dictionary_scorer(terms.bundled(), None)]).with_encoder(
        semantic.resolve_encoder(use_semantic, embeddings)
    )
    if presplit:
        en_sentences, ko_sentences = (
            align.presplit_sentences(sentence_lines.read_language_text(path, lang))
            for path, lang in ((en_path, "en"), (ko_path, "ko"))
        )
    else:
        en_sentences = segment.split_english(ingest.read_document(en_path, "en"))
        ko_sentences = segment.split_korean(ingest.read_document(ko_path, "ko"))
    beads = align.align(en_sentences, ko_sentences, aligner)
    return Alignment(beads, export.SheetCounts.of_beads(beads, len(en_sentences), len(ko_sentences)))

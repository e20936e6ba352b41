"""The reader's word list: import, add, set a status, list, hits; re-tagging stored articles."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline import store
from pipeline.app.progress import Progress, no_progress
from pipeline.stages import vocab
from pipeline.workspace import Workspace


@dataclass
class RetagSummary:
    articles: int = 0
    hits: int = 0  # English sentences × terms found
    by_slug: dict[str, int] = field(default_factory=dict)


def retag(ws: Workspace, progress: Progress = no_progress) -> RetagSummary:
    """Tag every stored article again with the current word list (after it changed)."""
    tagger = vocab.Tagger(store.load_vocab(ws.db))
    summary = RetagSummary()
    for row in list(store.article_rows(ws.db)):
        progress(row["slug"])
        article = store.load_article(ws.db, row["slug"])
        hits = vocab.tag_article(article, tagger) if len(tagger) else []
        store.replace_vocab_hits(ws.db, article.slug, hits)
        n = sum(1 for h in hits if h.lang == "en")
        summary.articles += 1
        summary.hits += n
        summary.by_slug[article.slug] = n
    return summary


def import_vocab(ws: Workspace, notes: Path) -> tuple[vocab.ImportReport, RetagSummary | None]:
    """Import a notes file into the word list; re-tag the stored articles if anything changed."""
    parsed = vocab.read_notes(notes)
    report = vocab.merge_terms(store.load_vocab(ws.db), parsed)
    return report, _save_and_retag(ws, report)


def add_vocab(
    ws: Workspace, term: str, gloss: str = "", note: str = "", example: str = ""
) -> tuple[vocab.ImportReport, RetagSummary | None]:
    """`readnotes vocab add`: one term, or another gloss for a term already on the list."""
    return add_vocab_term(ws, vocab.new_term(term, gloss, note, example))


def add_vocab_term(ws: Workspace, term: vocab.VocabTerm) -> tuple[vocab.ImportReport, RetagSummary | None]:
    report = vocab.merge_terms(store.load_vocab(ws.db), vocab.ParsedNotes([vocab.NoteEntry(0, term)]))
    return report, _save_and_retag(ws, report)


def _save_and_retag(ws: Workspace, report: vocab.ImportReport) -> RetagSummary | None:
    if not report.changed:
        return None
    store.save_vocab_terms(ws.db, report.terms)
    return retag(ws)


def set_vocab_status(ws: Workspace, query: str, status: str) -> tuple[vocab.VocabTerm, RetagSummary | None]:
    """Move a term on the status ladder; ignoring (or un-ignoring) it re-tags the articles."""
    vocab.check_status(status)
    term = vocab.find_term(store.load_vocab(ws.db), query)
    previous, term.status = term.status, status
    store.set_vocab_status(ws.db, term.key, status)
    retagged = retag(ws) if "ignored" in (previous, status) and previous != status else None
    return term, retagged


def vocab_list(ws: Workspace, status: str | None = None) -> list[tuple[vocab.VocabTerm, int]]:
    """`readnotes vocab list`: the terms with the number of English sentences each was found in."""
    counts = store.vocab_hit_counts(ws.reader)
    return [(t, counts.get(t.key, 0)) for t in store.load_vocab(ws.reader, status)]


def vocab_occurrences(ws: Workspace, term: str | None = None) -> list[dict]:
    """`readnotes vocab hits`: every sentence holding a term (or any term), with its Korean pair."""
    key = vocab.find_term(store.load_vocab(ws.reader), term).key if term is not None else None
    return store.vocab_occurrences(ws.reader, key)

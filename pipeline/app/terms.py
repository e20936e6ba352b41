"""The term base: the bundled glossary with the reader's entries laid over it."""

from __future__ import annotations

from pathlib import Path

from pipeline import store
from pipeline.stages import ingest, terms
from pipeline.workspace import Workspace


def load_termbase(ws: Workspace) -> terms.TermBase:
    """The bundled glossary with the reader's own entries laid over it."""
    return terms.bundled().merged(store.user_terms(ws.db))


def add_term(ws: Workspace, term: terms.Term) -> terms.Term:
    """Add an entry, or extend the existing one (bundled or user) with the new forms and renderings."""
    entry = terms.merged_entry(load_termbase(ws), term)
    store.save_terms(ws.db, [entry])
    return entry


def import_terms(ws: Workspace, text: str) -> int:
    """Import a whole TSV or nothing: every line is checked before anything is written."""
    return store.save_terms(ws.db, terms.parse_tsv(text, source="import"))


def find_terms(ws: Workspace, query: str | None = None, user_only: bool = False) -> list[terms.Term]:
    """`readnotes terms list`: the term base (or the reader's own entries), optionally those whose
    English, acronym or Korean contains `query`."""
    entries = store.user_terms(ws.db) if user_only else list(load_termbase(ws))
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
    return terms.to_tsv(store.user_terms(ws.db) if user_only else load_termbase(ws))


def harvest(ws: Workspace, source: Path | str) -> list[terms.Candidate]:
    """`readnotes terms harvest`: 한국어(English) pairs in a Korean file or a stored article."""
    base = load_termbase(ws)
    path = Path(source)
    if path.is_file():
        text, _ = ingest.read_text(path)
        return terms.harvest_text(text, base)
    return terms.harvest_article(store.load_article(ws.db, str(source)), base)

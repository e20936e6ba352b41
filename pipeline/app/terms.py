"""The term base: the bundled glossary with the reader's entries laid over it."""

from __future__ import annotations

from collections.abc import Sequence
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


def _own_entry(ws: Workspace, name: str) -> terms.Term | None:
    """The reader's own entry for a name (its English, an alias or the acronym)."""
    return terms.TermBase(store.user_terms(ws.db)).get(name)


def remove_term(ws: Workspace, name: str) -> tuple[terms.Term, terms.Term | None]:
    """`readnotes terms remove`: delete the reader's own entry. Returns it, and the bundled entry that
    applies again, if it overrode one. A bundled term cannot be removed, only overridden."""
    mine = _own_entry(ws, name)
    shipped = terms.bundled().get(name)
    if mine is None:
        if shipped is not None:
            raise terms.TermEditError(
                f"{shipped.label()} is in the bundled glossary and cannot be removed, only overridden",
                hint=f'Change its renderings instead: `readnotes terms edit "{shipped.term}" --drop-ko …`',
            )
        raise terms.TermEditError(
            f"no term {name!r} in the term base", hint="`readnotes terms list --user` shows your entries"
        )
    store.delete_term(ws.db, mine.key)
    return mine, terms.bundled().get(mine.term) or (
        terms.bundled().get(mine.acronym) if mine.acronym else None
    )


def edit_term(
    ws: Workspace,
    name: str,
    accepted: Sequence[str] = (),
    forbidden: Sequence[str] = (),
    drop_accepted: Sequence[str] = (),
    drop_forbidden: Sequence[str] = (),
) -> terms.Term:
    """`readnotes terms edit`: add or drop renderings of an entry; a bundled entry is overridden by
    an entry of the reader's own. Every change is checked before anything is saved."""
    entry = load_termbase(ws).get(name)
    if entry is None:
        raise terms.TermEditError(
            f"no term {name!r} in the term base", hint=f'Add it: `readnotes terms add "{name}" --ko …`'
        )
    if not (accepted or forbidden or drop_accepted or drop_forbidden):
        raise terms.TermEditError("nothing to change", hint="Give --ko, --forbid, --drop-ko or --drop-forbid")
    for drops, kept, what in (
        (drop_accepted, entry.accepted, "accepted"),
        (drop_forbidden, entry.forbidden, "forbidden"),
    ):
        missing = [d for d in drops if d not in kept]
        if missing:
            raise terms.TermEditError(
                f"{missing[0]!r} is not one of the {what} renderings of {entry.label()}",
                hint=f"They are: {' | '.join(kept) or 'none'}",
            )
    edited = entry.extended(accepted, forbidden, source="edit")
    edited.accepted = [a for a in edited.accepted if a not in drop_accepted]
    edited.forbidden = [f for f in edited.forbidden if f not in drop_forbidden]
    if not edited.accepted and not edited.forbidden:
        raise terms.TermEditError(
            f"that would leave {entry.label()} with no rendering",
            hint=f'Remove your entry instead: `readnotes terms remove "{entry.term}"`',
        )
    store.save_terms(ws.db, [edited])
    return edited

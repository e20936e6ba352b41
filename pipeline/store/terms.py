"""The reader's own term-base entries (the `terms` table), laid over the bundled glossary by stages.terms."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

from pipeline.models import Term
from pipeline.store.schema import now

if TYPE_CHECKING:
    from sqlite_utils import Database


def _term_row(t: Term) -> dict[str, object]:
    return {
        "key": t.key,
        "term": t.term,
        "aliases": json.dumps(t.aliases, ensure_ascii=False),
        "acronym": t.acronym,
        "accepted": json.dumps(t.accepted, ensure_ascii=False),
        "forbidden": json.dumps(t.forbidden, ensure_ascii=False),
        "note": t.note,
        "ambiguous": int(t.ambiguous),
        "source": t.source,
        "updated_at": now(),
    }


def user_terms(db: Database) -> list[Term]:
    return [
        Term(
            term=r["term"],
            aliases=json.loads(r["aliases"] or "[]"),
            acronym=r["acronym"] or "",
            accepted=json.loads(r["accepted"] or "[]"),
            forbidden=json.loads(r["forbidden"] or "[]"),
            note=r["note"] or "",
            ambiguous=bool(r["ambiguous"]),
            source=r["source"] or "user",
        )
        for r in db["terms"].rows_where(order_by="key")
    ]


def save_terms(db: Database, terms: Iterable[Term]) -> int:
    rows = [_term_row(t) for t in terms]
    with db.atomic():
        db["terms"].upsert_all(rows, pk="key")
    return len(rows)


def delete_term(db: Database, key: str) -> bool:
    """Delete the reader's entry with this key; False when there is none."""
    with db.atomic():
        found = db.execute("select 1 from terms where key = ?", [key]).fetchone() is not None
        if found:
            db["terms"].delete(key)
    return found

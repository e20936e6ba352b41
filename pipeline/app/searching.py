"""`search`, and the index it reads: only the store and the analyzers a query needs (Kiwi for a
Korean query, spaCy's tokenizer for an English one), not the aligner or the checks."""

from __future__ import annotations

from pipeline import store
from pipeline.stages import search as search_module
from pipeline.workspace import Workspace


def index_unindexed(ws: Workspace) -> int:
    """Give search terms to stored sentences that have none; returns how many were indexed."""
    # A list, not a generator: the terms are computed before the store's transaction opens.
    rows = [
        {k: r[k] for k in ("id", "slug", "lang", "idx")}
        | {"terms": search_module.index_terms(r["text"], r["lang"])}
        for r in store.unindexed_sentences(ws.db)
    ]
    if rows:
        store.add_search_terms(ws.db, rows)
    return len(rows)


def search(ws: Workspace, query: str, limit: int = 20) -> list[search_module.Match]:
    """Sentences of every stored article matching the query (either language), best first."""
    query_terms = search_module.query_terms(query)
    index_unindexed(ws)
    rows = store.search_sentences(ws.db, search_module.fts_query(query_terms), limit)
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

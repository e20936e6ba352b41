"""`search`, and the index it reads: only the store and the analyzers a query needs (Kiwi for a
Korean query, the lemma table for an English one), not the aligner or the checks."""

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


def search_results(ws: Workspace, query: str, limit: int = 20) -> search_module.SearchResults:
    """The first `limit` sentences of every stored article matching the query (either language),
    best first, and how many match in all."""
    query_terms = search_module.query_terms(query)
    # A complete index is read on plain sqlite3 (`ws.reader`); only a search that finds sentences
    # to index opens notes.db to write, with sqlite-utils.
    if not store.index_is_complete(ws.reader):
        index_unindexed(ws)
    db = ws.reader
    match = search_module.fts_query(query_terms)
    rows = store.search_sentences(db, match, limit)
    matches = [
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
    # Counting all the hits is only needed when some are not shown.
    total = store.count_matches(db, match) if len(matches) == limit else len(matches)
    return search_module.SearchResults(matches, total)


def search(ws: Workspace, query: str, limit: int = 20) -> list[search_module.Match]:
    """Sentences of every stored article matching the query (either language), best first."""
    return search_results(ws, query, limit).matches

"""What the workspace holds: `list`, `show`, and the slugs other commands run over. Only the store:
these answer without loading a stage."""

from __future__ import annotations

from pipeline import store
from pipeline.workspace import Workspace


def article_summaries(ws: Workspace, slug: str | None = None) -> list[dict[str, object]]:
    """`list` and `show`: each article's row, vocabulary hits and open flags (FlagCounts.open)."""
    rows = store.article_summaries(ws.reader, slug)
    open_flags = store.open_flag_counts(ws.reader, slug)
    return [r | {"open_flags": open_flags.get(r["slug"], 0)} for r in rows]


def slugs(ws: Workspace, slug: str | None = None) -> list[str]:
    """[slug] when it is stored (else UnknownArticle), or every stored slug."""
    if slug:
        store.get_article_row(ws.reader, slug)
        return [slug]
    return [r["slug"] for r in store.article_rows(ws.reader)]

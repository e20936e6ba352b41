"""Flags and their review: list, queue, record a decision, teach the term base a fix."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pipeline import store
from pipeline.models import REVIEWED_SEVERITIES, Flag
from pipeline.stages import review
from pipeline.workspace import Workspace

if TYPE_CHECKING:
    from pipeline.stages import terms

# The term base (app.terms, which reads glossary files) is imported where a decision needs it:
# `readnotes flags` only reads the store.


def flag_views(
    ws: Workspace,
    slug: str | None = None,
    status: str | None = None,
    severities: Sequence[str] | None = None,
    check: str | None = None,
) -> list[Flag]:
    """`readnotes flags`: stored flags with their review status and fix, in article order."""
    if slug:
        store.get_article_row(ws.reader, slug)  # raises UnknownArticle
    return store.load_flags(ws.reader, slug, check=check, status=status, severities=severities)


def review_queue(ws: Workspace, slug: str | None = None, include_info: bool = False) -> list[Flag]:
    """`readnotes review`: the open flags to go through, errors first."""
    severities = [*REVIEWED_SEVERITIES, "info"] if include_info else list(REVIEWED_SEVERITIES)
    return review.queue_order(flag_views(ws, slug, status="open", severities=severities))


def decide(ws: Workspace, flag: Flag, action: str, text: str = "") -> None:
    """Record one review decision now, in its own transaction (an interrupted review keeps it)."""
    store.record_decision(ws.db, flag, action, review.checked_decision(action, text))


def decision_history(ws: Workspace, flag_id: str) -> list[dict[str, object]]:
    return store.decision_history(ws.db, flag_id)


def fix_mismatch(ws: Workspace, flag: Flag, fix: str) -> str:
    """The term a fix names when the flag is about another one (SFT typed for the RLHF flag), else ""."""
    from pipeline.app.terms import load_termbase

    return review.fix_names_another_term(flag, fix, load_termbase(ws))


def promote(ws: Workspace, promotion: review.Promotion, accept: bool, forbid: bool) -> terms.Term:
    """Teach the term base what a fix showed: accept its rendering, forbid the flagged one, or both."""
    from pipeline.app.terms import load_termbase

    entry = review.promoted_entry(load_termbase(ws), promotion, accept, forbid)
    store.save_terms(ws.db, [entry])
    return entry

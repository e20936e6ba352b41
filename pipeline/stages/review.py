"""review: the flag queue, and the reader's decisions about flags.

A decision (accept = a real error, dismiss = a false alarm, fix = the corrected Korean, note) is a
timestamped row keyed by the flag's fingerprint (check + evidence + normalised sentence), not by the
article: re-processing an article replaces its flags, and each new flag picks up the decisions made
about the same finding before, so a dismissed false alarm stays dismissed. A flag's status is its
latest accept, dismiss or fix; notes don't change it. The store resolves it when it loads flags
(``Flag.status``, ``Flag.fix``); this module checks decisions, orders the queue and works out what
a fix could teach the term base. The app records decisions through the store.

The interactive queue (keys, prompts) is terminal code: ``pipeline.cli.review_queue``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.errors import ReadnotesError
from pipeline.models import DECISION_STATUS, FLAG_STATUSES, Flag
from pipeline.stages import terms

#: action → the status it gives a flag ("note" leaves the status alone).
ACTIONS: dict[str, str] = {**DECISION_STATUS, "note": ""}
STATUSES: tuple[str, ...] = FLAG_STATUSES
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}

#: A stored flag with its review state (``id`` is its fingerprint): the flag itself.
FlagView = Flag


class ReviewError(ReadnotesError, ValueError):
    "A review decision cannot be recorded as asked"


def queue_order(flags: Sequence[Flag]) -> list[Flag]:
    """Open flags to review: errors first, then warnings, then info, each in article order."""
    return sorted(flags, key=lambda f: SEVERITY_ORDER.get(f.severity, 3))


def checked_decision(action: str, text: str = "") -> str:
    """The decision's text, stripped, or ReviewError when the action is unknown or needs text."""
    if action not in ACTIONS:
        raise ReviewError(f"unknown action {action!r}; use one of {', '.join(ACTIONS)}")
    if action in ("fix", "note") and not text.strip():
        raise ReviewError(f"a {action} needs text")
    return text.strip()


@dataclass(frozen=True)
class Promotion:
    """What a fix could add to the term base: for `term`, accept `accepted`, forbid `forbidden`."""

    term: str
    accepted: str
    forbidden: str


def _gloss(text: str) -> tuple[str, str]:
    """(acronym, Korean gloss) of "SFT(지도 미세 조정)" or "지도 미세 조정(SFT)", else ("", text)."""
    for p in terms.korean_parentheticals(text):
        if p.is_acronym:
            return terms.acronym_key(p.latin), p.korean
    return "", text.strip()


def promotion_for(flag: Flag, fix: str) -> Promotion | None:
    """The term-base change a fix suggests, if the flag is about a term."""
    acronym, wrong = _gloss(flag.evidence)
    _, right = _gloss(fix)
    name = flag.term or acronym
    if not name or not right or re.search(r"[A-Za-z]", right) and not re.search(r"[가-힣]", right):
        return None
    return Promotion(name, right, wrong if wrong != right else "")


def _names(text: str) -> set[str]:
    """The English terms and acronyms a text names in parentheticals: SFT(지도 미세 조정) → {"sft"}."""
    return {
        terms.term_key(terms.acronym_key(p.latin) if p.is_acronym else p.latin)
        for p in terms.korean_parentheticals(text)
    }


def fix_names_another_term(flag: Flag, fix: str, base: terms.TermBase) -> str:
    """The term a fix names when it is not the one the flag is about (a fix typed as
    ``SFT(지도 미세 조정)`` for the RLHF flag), else "". A fix that names no term (plain Korean) or
    names the flag's term by any of its English forms is fine."""
    named = {
        terms.acronym_key(p.latin) if p.is_acronym else p.latin for p in terms.korean_parentheticals(fix)
    }
    if not named:
        return ""
    about = _names(flag.evidence) | ({terms.term_key(flag.term)} if flag.term else set())
    for name in list(about):
        entry = base.get(name)
        if entry is not None:
            about |= {terms.term_key(f) for f in entry.english_forms}
    if not about:
        return ""  # the flag is about no term: nothing to compare with
    others = sorted(n for n in named if terms.term_key(n) not in about)
    return others[0] if others else ""


def flag_subject(flag: Flag) -> str:
    """What a flag is about, for a message: its term, or the acronym of its evidence."""
    acronym, _ = _gloss(flag.evidence)
    return acronym or flag.term or flag.evidence


def promoted_entry(base: terms.TermBase, promotion: Promotion, accept: bool, forbid: bool) -> terms.Term:
    """The term-base entry after accepting the fix's rendering and/or forbidding the flagged one."""
    return terms.promoted_entry(
        base,
        promotion.term,
        accepted=[promotion.accepted] if accept else [],
        forbidden=[promotion.forbidden] if forbid and promotion.forbidden else [],
    )

"""The LLM review of an article: plan (what is cached, what would be sent, at what cost), send batch
by batch through the cache, and turn the located errors into ``llm`` flags.

The cache is handed in as two callables bound to notes.db by the app (as for translations): this
stage opens no database. Each batch's answers are saved as they arrive, so a run that fails resumes
where it stopped, and a re-run sends nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from pipeline.models import Article, Bead, Flag
from pipeline.stages.llm.answer import ErrorSpan, locate, parse_errors
from pipeline.stages.llm.client import ChatClient
from pipeline.stages.llm.errors import LLMUnreachable, TooManyPairs
from pipeline.stages.llm.prompt import PROMPT_VERSION, TOKENS_OUT_PER_PAIR, batches, estimate_tokens, messages
from pipeline.stages.terms import TermBase

#: The check's stable name, stored in flags and in review decisions.
LLM_CHECK = "llm"

#: Pairs sent per run unless --llm-max-pairs says otherwise.
DEFAULT_MAX_PAIRS = 200


class ReviewLookup(Protocol):
    def __call__(self, model: str, prompt_version: str, pair_sha256: str) -> list[dict] | None: ...


class ReviewSave(Protocol):
    def __call__(
        self,
        model: str,
        prompt_version: str,
        pair_sha256: str,
        en_text: str,
        ko_text: str,
        errors: list[dict],
    ) -> None: ...


@dataclass(frozen=True)
class ReviewCache:
    lookup: ReviewLookup
    save: ReviewSave


def pair_key(bead: Bead) -> str:
    return hashlib.sha256(f"{bead.en_text}\x00{bead.ko_text}".encode()).hexdigest()


def reviewable(bead: Bead) -> bool:
    return bool(bead.en and bead.ko and bead.en_text.strip() and bead.ko_text.strip())


@dataclass
class Plan:
    """What a review would cost before anything is sent."""

    model: str
    pairs: list[int]  # bead indices considered
    cached: dict[int, list[ErrorSpan]]
    to_send: list[int]
    requests: int = 0
    tokens_in: int = 0
    tokens_out: int = 0

    def describe(self) -> str:
        return (
            f"llm ({self.model}): {len(self.pairs)} pairs, {len(self.cached)} cached, {len(self.to_send)} "
            f"to send in {self.requests} requests (about {self.tokens_in:,} tokens in, "
            f"{self.tokens_out:,} out)"
        )


def plan_review(
    article: Article,
    model: str,
    cache: ReviewCache,
    termbase: TermBase | None,
    batch_size: int,
    only: Iterable[int] | None = None,
    estimate: bool = True,
) -> Plan:
    """Which pairs are reviewed (all reviewable ones, or `only` these bead indices), which are cached,
    and (with `estimate`) the requests and tokens the rest would take."""
    wanted = set(only) if only is not None else None
    pairs = [i for i, b in enumerate(article.beads) if reviewable(b) and (wanted is None or i in wanted)]
    plan = Plan(model, pairs, {}, [])
    for i in pairs:
        stored = cache.lookup(model, PROMPT_VERSION, pair_key(article.beads[i]))
        if stored is None:
            plan.to_send.append(i)
        else:
            plan.cached[i] = [ErrorSpan.from_json(e) for e in stored]
    if not estimate:
        return plan
    planned = batches(plan.to_send, batch_size)
    plan.requests = len(planned)
    plan.tokens_in = sum(estimate_tokens(messages(b, article.beads, termbase)) for b in planned)
    plan.tokens_out = TOKENS_OUT_PER_PAIR * len(plan.to_send)
    return plan


@dataclass
class Outcome:
    errors: dict[int, list[ErrorSpan]] = field(default_factory=dict)
    dropped: int = 0  # errors whose span was in no pair of their batch
    unreadable: int = 0  # batches whose answer held no readable JSON (not cached: a re-run asks again)
    sent: int = 0  # pairs sent


BatchProgress = Callable[[int, int], None]


def run_review(
    article: Article,
    plan: Plan,
    client: ChatClient,
    cache: ReviewCache,
    termbase: TermBase | None,
    max_pairs: int = DEFAULT_MAX_PAIRS,
    progress: BatchProgress = lambda done, total: None,
) -> Outcome:
    """Send the plan's uncached pairs, save each batch's answers at once, and return every pair's errors.

    Raises TooManyPairs before sending when the plan exceeds `max_pairs`, and LLMUnreachable (with
    ``done``/``total`` batches) when the server fails; what was answered stays in the cache.
    """
    if len(plan.to_send) > max_pairs:
        raise TooManyPairs(
            f"{plan.describe()}; that is over --llm-max-pairs {max_pairs}",
            hint=f"Pass --llm-max-pairs {len(plan.to_send)}, or --only-flagged to send only suspect pairs",
        )
    outcome = Outcome(errors=dict(plan.cached))
    beads = article.beads
    planned = batches(plan.to_send, client.settings.batch_size)
    progress(0, len(planned))
    for done, batch in enumerate(planned):
        try:
            content = client.complete(messages(batch, beads, termbase))
        except LLMUnreachable as e:
            e.done, e.total = done, len(planned)
            raise
        outcome.sent += len(batch.beads)
        raw = parse_errors(content)
        if raw is None:
            outcome.unreadable += 1
            progress(done + 1, len(planned))
            continue
        located = locate(raw, batch, {i: beads[i].ko_text for i in batch.beads})
        outcome.dropped += located.dropped
        for i, errors in located.errors.items():
            b = beads[i]
            cache.save(
                plan.model, PROMPT_VERSION, pair_key(b), b.en_text, b.ko_text, [e.to_json() for e in errors]
            )
            outcome.errors[i] = errors
        progress(done + 1, len(planned))
    return outcome


def llm_flags(article: Article, errors: dict[int, Sequence[ErrorSpan]], model: str) -> list[Flag]:
    """One flag per located error: error for major, warning for minor; the model's fix is the flag's
    suggestion (review offers it as the corrected Korean) and is named in the message too."""
    from pipeline.stages.checks import fingerprint

    flags: list[Flag] = []
    for i in sorted(errors):
        bead = article.beads[i]
        for e in errors[i]:
            message = f"{model}: {e.category}: {e.explanation or 'no explanation given'}"
            if e.fix:
                message += f" (suggested fix: {e.fix})"
            flag = Flag(
                check=LLM_CHECK,
                severity="error" if e.severity == "major" else "warning",
                en=list(bead.en),
                ko=list(bead.ko),
                en_text=bead.en_text,
                ko_text=bead.ko_text,
                evidence=e.span,
                message=message,
                suggestion=e.fix,
            )
            flag.fingerprint = fingerprint(flag, article)
            flags.append(flag)
    return flags

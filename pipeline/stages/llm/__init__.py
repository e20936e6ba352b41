"""llm: an LLM reviewer for changes of meaning that no rule check can see.

Aligned pairs go, a batch at a time with their neighbours and the term-base entries that apply, to
any OpenAI-compatible chat-completions server (``READNOTES_LLM_URL``, ``READNOTES_LLM_MODEL``,
``READNOTES_LLM_API_KEY``). The answer is a JSON object of MQM-style error spans; each span must be
an exact substring of a pair's Korean and becomes an ``llm`` flag. Answers are cached per (model,
prompt version, pair), so a re-run sends nothing and a failed run resumes.

``merge_model_flags`` puts the model checks' flags (``llm``, ``back-translation``) among the rule
checks' flags, in bead order, one flag per fingerprint. Importing this package loads no HTTP library.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.models import Article, Flag
from pipeline.stages.llm.answer import ErrorSpan, Located, locate, parse_errors
from pipeline.stages.llm.client import ChatClient, LLMSettings
from pipeline.stages.llm.errors import (
    KEY_VAR,
    MODEL_VAR,
    URL_VAR,
    LLMError,
    LLMNotConfigured,
    LLMRefused,
    LLMUnreachable,
    TooManyPairs,
)
from pipeline.stages.llm.prompt import PROMPT_VERSION, Batch, batches, messages
from pipeline.stages.llm.review import (
    DEFAULT_MAX_PAIRS,
    LLM_CHECK,
    Outcome,
    Plan,
    ReviewCache,
    llm_flags,
    pair_key,
    plan_review,
    run_review,
)


def merge_model_flags(
    article: Article, rule_flags: Sequence[Flag], model_flags: Sequence[Flag]
) -> list[Flag]:
    """The rule checks' flags with the model checks' after them on the same pair, in bead order, and
    one flag per fingerprint (a rule flag wins over a model flag on the same evidence)."""
    order = {(tuple(b.en), tuple(b.ko)): k for k, b in enumerate(article.beads)}
    seen: set[str] = set()
    merged: list[tuple[int, int, Flag]] = []
    place = 0  # a flag on no single bead (a gap) stays where its neighbours put it
    for rank, flag in enumerate([*rule_flags, *model_flags]):
        if flag.fingerprint and flag.fingerprint in seen:
            continue
        seen.add(flag.fingerprint)
        place = order.get((tuple(flag.en), tuple(flag.ko)), place if rank < len(rule_flags) else len(order))
        merged.append((place, rank, flag))
    return [f for _place, _rank, f in sorted(merged, key=lambda t: (t[0], t[1]))]


__all__ = [
    "DEFAULT_MAX_PAIRS",
    "KEY_VAR",
    "LLM_CHECK",
    "MODEL_VAR",
    "PROMPT_VERSION",
    "URL_VAR",
    "Batch",
    "ChatClient",
    "ErrorSpan",
    "LLMError",
    "LLMNotConfigured",
    "LLMRefused",
    "LLMSettings",
    "LLMUnreachable",
    "Located",
    "Outcome",
    "Plan",
    "ReviewCache",
    "TooManyPairs",
    "batches",
    "llm_flags",
    "locate",
    "merge_model_flags",
    "messages",
    "pair_key",
    "parse_errors",
    "plan_review",
    "run_review",
]

"""Reading the model's answer: a tolerant JSON parser, and each error located on an exact span.

Small models wrap JSON in code fences, add a sentence after it, or number the pairs differently; the
contract is kept only where it matters: a span must be an exact substring of a pair's Korean.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from pipeline.stages.llm.prompt import CATEGORIES, Batch

_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.S | re.I)
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class ErrorSpan:
    """One error the reviewer found, on an exact substring of one pair's Korean."""

    span: str
    category: str
    severity: str  # "major" or "minor"
    explanation: str
    fix: str

    def to_json(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_json(cls, row: dict[str, Any]) -> ErrorSpan:
        return cls(**{k: str(row.get(k, "")) for k in ("span", "category", "severity", "explanation", "fix")})


def parse_errors(content: str) -> list[dict[str, Any]] | None:
    """The list under "errors" in the answer (or a bare list), or None when no JSON can be read."""
    candidates = [m.group(1) for m in _FENCE.finditer(content)] + [content]
    decoder = json.JSONDecoder()
    for text in candidates:
        for start in (i for i, c in enumerate(text) if c in "{["):
            try:
                value, _end = decoder.raw_decode(text, start)
            except ValueError:
                continue
            if isinstance(value, dict) and isinstance(value.get("errors"), list):
                return [e for e in value["errors"] if isinstance(e, dict)]
            if isinstance(value, dict) and {"span", "category"} <= set(value):
                return [value]  # a single error, not wrapped
            if isinstance(value, list) and all(isinstance(e, dict) for e in value):
                return value
    return None


@dataclass
class Located:
    """An answer's errors per bead index, and how many could not be placed on any pair."""

    errors: dict[int, list[ErrorSpan]]
    dropped: int = 0


def locate(raw_errors: Sequence[dict[str, Any]], batch: Batch, ko_texts: dict[int, str]) -> Located:
    """Put each error on its pair: the pair it names when the span is there, else the first pair of the
    batch whose Korean holds the span; a span found in no pair is dropped and counted."""
    out = Located({i: [] for i in batch.beads})
    for raw in raw_errors:
        span = str(raw.get("span") or "").strip().strip("\"'“”‘’")
        target = _named_pair(raw.get("pair"), batch)
        if not span:
            out.dropped += 1
            continue
        order = ([target] if target is not None else []) + [i for i in batch.beads if i != target]
        found = next(((i, exact) for i in order if (exact := _find(span, ko_texts[i]))), None)
        if found is None:
            out.dropped += 1
            continue
        target, span = found
        error = ErrorSpan(
            span=span,
            category=_category(raw.get("category")),
            severity="major" if str(raw.get("severity", "")).strip().lower() == "major" else "minor",
            explanation=str(raw.get("explanation") or "").strip(),
            fix=str(raw.get("fix") or "").strip(),
        )
        if error not in out.errors[target]:
            out.errors[target].append(error)
    return out


def _find(span: str, text: str) -> str:
    """The span as it stands in the text: exactly, or with its runs of spaces written differently
    (models often collapse or add a space); "" when it is not there."""
    if span in text:
        return span
    m = re.search(r"\s*".join(re.escape(c) for c in span if not c.isspace()), text)
    return m.group(0) if m and m.group(0).strip() else ""


def _named_pair(value: Any, batch: Batch) -> int | None:
    m = _DIGITS.search(str(value)) if value is not None else None
    n = int(m.group(0)) if m else 0
    return batch.beads[n - 1] if 1 <= n <= len(batch.beads) else None


def _category(value: Any) -> str:
    text = str(value or "").strip().lower()
    return next((c for c in CATEGORIES if text.startswith(c[:5])), "mistranslation")

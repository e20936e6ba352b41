"""The request: a batch of numbered pairs, their neighbours as context, the term-base entries that
apply, and an answer contract short enough for a 7-8B local model to follow.

Changing the wording changes the answers: bump ``PROMPT_VERSION`` with it, so cached answers of the
old prompt are not reused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.models import Bead
from pipeline.stages.terms import TermBase

PROMPT_VERSION = "mqm-1"

CATEGORIES = ("mistranslation", "omission", "addition", "terminology", "number", "fluency")

SYSTEM = """You are a careful English-to-Korean translation reviewer (MQM style).
You get numbered pairs: an English sentence (EN) and its Korean translation (KO).
Report only real errors in the Korean, above all changes of meaning: negation, inverted comparisons,
"allows" turned into "requires", swapped agents, wrong numbers, omitted or added content, wrong terms.
Do not report style preferences. Most pairs have no error.

Answer with one JSON object and nothing else:
{"errors": [{"pair": 2, "span": "exact Korean words copied from KO of pair 2", "category": "mistranslation",
"severity": "major", "explanation": "the English says X, the Korean says Y", "fix": "corrected Korean"}]}

Rules:
- "pair" is the number of the pair. "span" must be copied exactly from that pair's KO, as short as possible.
- category is one of: mistranslation, omission, addition, terminology, number, fluency.
- severity is "major" when the meaning changes, else "minor".
- Context lines are only there to help you understand; never report errors in them.
- If there are no errors, answer {"errors": []}."""


@dataclass(frozen=True)
class Batch:
    """Pairs sent in one request: bead indices, numbered 1.. in the request."""

    beads: tuple[int, ...]

    def pair_id(self, bead_index: int) -> int:
        return self.beads.index(bead_index) + 1


def batches(indices: Sequence[int], size: int) -> list[Batch]:
    return [Batch(tuple(indices[i : i + size])) for i in range(0, len(indices), size)]


def messages(batch: Batch, beads: Sequence[Bead], termbase: TermBase | None) -> list[dict[str, str]]:
    """The chat messages for one batch."""
    lines: list[str] = []
    entries = _term_entries([beads[i] for i in batch.beads], termbase)
    if entries:
        lines += ["Term base (use these Korean renderings):", *entries, ""]
    context = _context(batch, beads)
    if context:
        lines += ["Context (do not review):", *context, ""]
    lines.append("Pairs to review:")
    for n, i in enumerate(batch.beads, 1):
        lines += [f"[{n}]", f"EN: {beads[i].en_text}", f"KO: {beads[i].ko_text}"]
    lines += ["", 'Answer with the JSON object only: {"errors": [...]}']
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": "\n".join(lines)}]


def _context(batch: Batch, beads: Sequence[Bead]) -> list[str]:
    """The neighbours (one before and one after each pair) that are not in the batch themselves."""
    wanted = sorted({j for i in batch.beads for j in (i - 1, i + 1)} - set(batch.beads))
    out = []
    for j in wanted:
        if 0 <= j < len(beads) and (beads[j].en_text or beads[j].ko_text):
            out += [f"EN: {beads[j].en_text}" if beads[j].en_text else "", f"KO: {beads[j].ko_text}"]
    return [line for line in out if line and line != "KO: "]


def _term_entries(pairs: Sequence[Bead], termbase: TermBase | None) -> list[str]:
    if termbase is None:
        return []
    seen: dict[str, str] = {}
    for bead in pairs:
        for hit in termbase.find_english(bead.en_text):
            t = hit.term
            if t.key in seen or not t.accepted:
                continue
            line = f"- {t.label()} → {' / '.join(t.accepted)}"
            if t.forbidden:
                line += f" (not {' / '.join(t.forbidden)})"
            seen[t.key] = line
    return list(seen.values())


def estimate_tokens(batch_messages: Sequence[dict[str, str]]) -> int:
    """A rough count of tokens in: about 4 characters a token for English, 1.5 for Korean."""
    text = "".join(m["content"] for m in batch_messages)
    hangul = sum(1 for c in text if "\uac00" <= c <= "\ud7a3")
    return int((len(text) - hangul) / 4 + hangul / 1.5) + 8


#: Tokens out per pair: most pairs have no error, an error costs about 80.
TOKENS_OUT_PER_PAIR = 40

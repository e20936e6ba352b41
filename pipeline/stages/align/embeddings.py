"""The embedding scorer's term of the bead cost: the cosine of a bead's two sides, Bertalign's way."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from pipeline.models import Sentence
from pipeline.stages.align.costs import BEAD_TYPES, AlignmentError, CostModel
from pipeline.stages.align.features import Scorer

#: The most sentences one side of a bead holds.
LONGEST = max(max(a, b) for a, b in BEAD_TYPES)


@dataclass
class Embeddings:
    """Unit sentence embeddings of both sides and the cosine of a bead's sides: the normalised sum
    of the English sentences' vectors against that of the Korean ones.

    The dot product of two bead sums is the sum of the a×b sentence-pair similarities, read from a
    similarity window (English rows × the contiguous Korean span one DP chunk covers), so nothing of
    size rows × width × dim is ever built. The norms of the sums come from the vectors directly
    (at most three sentences a side), not from differences of long float32 running sums, which
    would lose precision on long texts."""

    en: np.ndarray  # (n, dim) float32, unit rows
    ko: np.ndarray  # (m, dim)
    weight: float  # cost per unit of cosine below the centre
    centre: float  # the cosine at which the term is 0
    norm_en: dict[int, np.ndarray] = field(default_factory=dict)  # a → |sum en[i-a:i]| at index i
    norm_ko: dict[int, np.ndarray] = field(default_factory=dict)
    _window: tuple[int, int, int, int, np.ndarray] | None = None  # e0, e1, k0, k1, en[e0:e1] @ ko[k0:k1].T

    @classmethod
    def build(
        cls, en: Sequence[Sentence], ko: Sequence[Sentence], scorer: Scorer, model: CostModel
    ) -> Embeddings:
        assert scorer.encoder is not None
        vec_en = _unit_rows(scorer.encoder.encode([s.text for s in en]), len(en))
        vec_ko = _unit_rows(scorer.encoder.encode([s.text for s in ko]), len(ko))
        if vec_en.shape[1] != vec_ko.shape[1]:
            raise AlignmentError("the encoder gave vectors of different sizes for the two sides")
        return cls(vec_en, vec_ko, model.semantic_weight * scorer.weight, model.semantic_centre)

    def __post_init__(self) -> None:
        for k in range(1, LONGEST + 1):
            self.norm_en[k] = _sum_norms(self.en, k)
            self.norm_ko[k] = _sum_norms(self.ko, k)

    def similarities(self, e0: int, e1: int, k0: int, k1: int) -> tuple[int, int, np.ndarray]:
        """Sentence-pair cosines covering en[e0:e1] × ko[k0:k1]: (row offset, column offset, matrix).
        The last window is kept: the DP asks for the same chunk once per bead type."""
        w = self._window
        if w is None or not (w[0] <= e0 and e1 <= w[1] and w[2] <= k0 and k1 <= w[3]):
            w = (e0, e1, k0, k1, self.en[e0:e1] @ self.ko[k0:k1].T)
            self._window = w
        return w[0], w[2], w[4]

    def cosines(self, i: np.ndarray, j: np.ndarray, a: int, b: int) -> np.ndarray:
        """Cosines of the a-b beads ending at English i (rows, shape (R, 1)) and Korean j (shape (R, W))."""
        # Room for the longest bead on both sides, so every bead type of a chunk shares one window.
        e0 = max(int(i.min()) - LONGEST, 0)
        k0 = max(int(j.min()) - LONGEST, 0)
        row0, col0, sims = self.similarities(e0, int(i.max()), k0, int(j.max()))
        dot = np.zeros(j.shape, dtype=np.float32)
        for r in range(1, a + 1):
            for s in range(1, b + 1):
                dot += sims[i - r - row0, j - s - col0]
        return dot / np.maximum(self.norm_en[a][i] * self.norm_ko[b][j], 1e-6)

    def bead_costs(self, i: np.ndarray, j: np.ndarray, a: int, b: int) -> np.ndarray:
        """The embedding term of the a-b beads ending at (i, j): weight × (centre − cosine)."""
        return self.weight * (self.centre - self.cosines(i, j, a, b))

    def cosine(self, i0: int, i1: int, j0: int, j1: int) -> float:
        """The cosine of one bead (both sides non-empty)."""
        u = self.en[i0:i1].sum(axis=0)
        v = self.ko[j0:j1].sum(axis=0)
        return float(u @ v / max(float(np.linalg.norm(u) * np.linalg.norm(v)), 1e-6))


#: Rows of vectors normalised or summed at once: the temporaries stay a few MB where whole-text
#: ones were as large as the embeddings (200 MB a side at 100,000 sentences); the values are the
#: same, row by row.
BLOCK_ROWS = 8192


def _unit_rows(vectors: np.ndarray, count: int) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32).reshape(count, -1)
    out = np.empty_like(vectors)
    for start in range(0, count, BLOCK_ROWS):
        block = vectors[start : start + BLOCK_ROWS]
        out[start : start + BLOCK_ROWS] = block / np.maximum(
            np.linalg.norm(block, axis=1, keepdims=True), 1e-9
        )
    return out


def _sum_norms(vectors: np.ndarray, k: int) -> np.ndarray:
    """|vectors[i-k] + … + vectors[i-1]| at index i (size len+1; 1 where i < k, never used)."""
    n = len(vectors)
    out = np.ones(n + 1, dtype=np.float32)
    for start in range(0, n - k + 1, BLOCK_ROWS):
        stop = min(start + BLOCK_ROWS, n - k + 1)
        total = sum(vectors[start + r : stop + r] for r in range(k))
        out[k + start : k + stop] = np.linalg.norm(total, axis=1)
    return out

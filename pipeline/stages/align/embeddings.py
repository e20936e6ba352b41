"""The embedding scorer's term of the bead cost: the cosine of a bead's two sides, Bertalign's way."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from pipeline.models import Sentence
from pipeline.stages.align.costs import BEAD_TYPES, AlignmentError, CostModel
from pipeline.stages.align.features import Scorer

if TYPE_CHECKING:
    from pipeline.stages.semantic import Encoder

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
    would lose precision on long texts.

    The vectors may cover only some sentences (:meth:`build` with ``wanted_en`` / ``wanted_ko``:
    the stretches a model-free pass was unsure of). A bead with a sentence that has no vector then
    gets no embedding term and no cosine: its cost is the model-free one."""

    en: np.ndarray  # (rows, dim) float32, unit rows: of every sentence, or of the encoded ones + a zero row
    ko: np.ndarray
    weight: float  # cost per unit of cosine below the centre
    centre: float  # the cosine at which the term is 0
    # Sentence → row of `en` / `ko` (the zero last row where not encoded); None: row i is sentence i.
    rows_en: np.ndarray | None = None
    rows_ko: np.ndarray | None = None
    norm_en: dict[int, np.ndarray] = field(default_factory=dict)  # a → |sum en[i-a:i]| at index i
    norm_ko: dict[int, np.ndarray] = field(default_factory=dict)
    _window: tuple[int, int, int, int, np.ndarray] | None = None  # e0, e1, k0, k1, en[e0:e1] @ ko[k0:k1].T
    # Encoded sentences before index i (size n+1), where the vectors cover only some.
    _encoded_en: np.ndarray | None = None
    _encoded_ko: np.ndarray | None = None

    @classmethod
    def build(
        cls,
        en: Sequence[Sentence],
        ko: Sequence[Sentence],
        scorer: Scorer,
        model: CostModel,
        wanted_en: np.ndarray | None = None,
        wanted_ko: np.ndarray | None = None,
    ) -> Embeddings:
        """Encode every sentence, or (given boolean masks of both sides) only the wanted ones."""
        assert scorer.encoder is not None
        encoder = scorer.encoder
        weight = model.semantic_weight * scorer.weight
        if wanted_en is None or wanted_ko is None:
            vec_en = _unit_rows(encoder, [s.text for s in en])
            vec_ko = _unit_rows(encoder, [s.text for s in ko])
            _same_size(vec_en, vec_ko)
            return cls(vec_en, vec_ko, weight, model.semantic_centre)
        vec_en, rows_en = _encoded_rows(encoder, en, wanted_en)
        vec_ko, rows_ko = _encoded_rows(encoder, ko, wanted_ko)
        # A side with nothing encoded has only its zero row, as wide as the other side's vectors.
        dim = max(vec_en.shape[1], vec_ko.shape[1], 1)
        vec_en, vec_ko = (
            v if v.shape[1] else np.zeros((len(v), dim), dtype=np.float32) for v in (vec_en, vec_ko)
        )
        _same_size(vec_en, vec_ko)
        return cls(vec_en, vec_ko, weight, model.semantic_centre, rows_en, rows_ko)

    def __post_init__(self) -> None:
        if self.rows_en is not None and self.rows_ko is not None:
            self._encoded_en = _encoded_before(self.rows_en, len(self.en) - 1)
            self._encoded_ko = _encoded_before(self.rows_ko, len(self.ko) - 1)
        for k in range(1, LONGEST + 1):
            self.norm_en[k] = _sum_norms(self.en, k, self.rows_en)
            self.norm_ko[k] = _sum_norms(self.ko, k, self.rows_ko)

    @property
    def partial(self) -> bool:
        """Whether the vectors cover only some sentences."""
        return self._encoded_en is not None

    def similarities(self, e0: int, e1: int, k0: int, k1: int) -> tuple[int, int, np.ndarray]:
        """Sentence-pair cosines covering en[e0:e1] × ko[k0:k1]: (row offset, column offset, matrix).
        The last window is kept: the DP asks for the same chunk once per bead type."""
        w = self._window
        if w is None or not (w[0] <= e0 and e1 <= w[1] and w[2] <= k0 and k1 <= w[3]):
            if (
                self._encoded_en is not None
                and self._encoded_ko is not None
                and (
                    self._encoded_en[e1] == self._encoded_en[e0]
                    or self._encoded_ko[k1] == self._encoded_ko[k0]
                )
            ):
                sims = np.zeros((e1 - e0, k1 - k0), dtype=np.float32)  # nothing encoded in this window
            else:
                sims = _rows(self.en, self.rows_en, e0, e1) @ _rows(self.ko, self.rows_ko, k0, k1).T
            w = (e0, e1, k0, k1, sims)
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
        """The embedding term of the a-b beads ending at (i, j): weight × (centre − cosine); 0 for a
        bead with a sentence that has no vector."""
        if self._encoded_en is None or self._encoded_ko is None:
            return self.weight * (self.centre - self.cosines(i, j, a, b))
        whole = (self._encoded_en[i] - self._encoded_en[i - a] == a) & (
            self._encoded_ko[j] - self._encoded_ko[j - b] == b
        )
        if not whole.any():  # most chunks of a long text, where the first pass was sure
            return np.zeros(whole.shape)
        return np.where(whole, self.weight * (self.centre - self.cosines(i, j, a, b)), 0.0)

    def covers(self, i0: int, i1: int, j0: int, j1: int) -> bool:
        """Whether every sentence of the bead en[i0:i1], ko[j0:j1] has a vector."""
        if self._encoded_en is None or self._encoded_ko is None:
            return True
        return bool(
            self._encoded_en[i1] - self._encoded_en[i0] == i1 - i0
            and self._encoded_ko[j1] - self._encoded_ko[j0] == j1 - j0
        )

    def cosine(self, i0: int, i1: int, j0: int, j1: int) -> float | None:
        """The cosine of one bead (both sides non-empty); None when a sentence of it has no vector."""
        if not self.covers(i0, i1, j0, j1):
            return None
        u = _rows(self.en, self.rows_en, i0, i1).sum(axis=0)
        v = _rows(self.ko, self.rows_ko, j0, j1).sum(axis=0)
        return float(u @ v / max(float(np.linalg.norm(u) * np.linalg.norm(v)), 1e-6))


def _same_size(vec_en: np.ndarray, vec_ko: np.ndarray) -> None:
    if vec_en.shape[1] != vec_ko.shape[1]:
        raise AlignmentError("the encoder gave vectors of different sizes for the two sides")


def _rows(vectors: np.ndarray, rows: np.ndarray | None, start: int, stop: int) -> np.ndarray:
    """The vectors of sentences start..stop-1 (zero rows for those not encoded)."""
    return vectors[start:stop] if rows is None else vectors[rows[start:stop]]


def _encoded_rows(
    encoder: Encoder, sentences: Sequence[Sentence], wanted: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors of the wanted sentences followed by one zero row, and every sentence's row in
    them (the zero row for those not wanted)."""
    picked = np.flatnonzero(wanted)
    vectors = _unit_rows(encoder, [sentences[i].text for i in picked.tolist()], zero_row=True)
    rows = np.full(len(sentences), len(picked), dtype=np.int64)
    rows[picked] = np.arange(len(picked))
    return vectors, rows


def _encoded_before(rows: np.ndarray, missing: int) -> np.ndarray:
    """How many sentences before index i have a vector (size len + 1)."""
    return np.concatenate([[0], np.cumsum(rows != missing)])


#: Sentences encoded, or rows of vectors summed, at once: the temporaries stay a few MB where
#: whole-text ones were as large as the embeddings (200 MB a side at 100,000 sentences); the values
#: are the same, row by row, and a text of fewer sentences is encoded in one call.
BLOCK_ROWS = 8192


def _unit_rows(encoder: Encoder, texts: list[str], zero_row: bool = False) -> np.ndarray:
    """The texts' vectors as unit float32 rows (and a zero row after them), encoded block by block
    into one array: the encoder's own output for a whole long text would be a second copy of it."""
    out: np.ndarray | None = None
    for start in range(0, len(texts), BLOCK_ROWS):
        block = np.asarray(encoder.encode(texts[start : start + BLOCK_ROWS]), dtype=np.float32)
        block = block.reshape(len(texts[start : start + BLOCK_ROWS]), -1)
        if out is None:
            out = np.zeros((len(texts) + zero_row, block.shape[1]), dtype=np.float32)
        out[start : start + len(block)] = block / np.maximum(
            np.linalg.norm(block, axis=1, keepdims=True), 1e-9
        )
    if out is None:  # no texts: no vectors, and their size is unknown
        return np.zeros((int(zero_row), 0), dtype=np.float32)
    return out


def _sum_norms(vectors: np.ndarray, k: int, rows: np.ndarray | None = None) -> np.ndarray:
    """|v[i-k] + … + v[i-1]| at index i (size sentences + 1; 1 where i < k, never used), v[i] being
    sentence i's vector (``vectors[rows[i]]`` where only some are encoded)."""
    n = len(vectors) if rows is None else len(rows)
    out = np.ones(n + 1, dtype=np.float32)
    for start in range(0, n - k + 1, BLOCK_ROWS):
        stop = min(start + BLOCK_ROWS, n - k + 1)
        total = sum(_rows(vectors, rows, start + r, stop + r) for r in range(k))
        out[k + start : k + stop] = np.linalg.norm(total, axis=1)
    return out

"""Plain length-only Gale-Church (1993) sentence aligner, for reference only.

- Lengths are UTF-8 byte lengths (``units="chars"`` counts characters instead).
- Bead priors are the classic ones: 1-1 .89, 1-0 and 0-1 .0099 each, 2-1 and 1-2 .089, 2-2 .011.
- The match cost is the classic one from the paper's appendix:
  ``delta = (l1 * c - l2) / sqrt(s2 * (l1 + l2 / c) / 2)``, with ``c`` the ratio of total Korean to
  total English bytes of the input and ``s2 = 6.8``. The cost of a bead is
  ``-log(prior) - log(2 * (1 - Phi(|delta|)))``, with the appendix's polynomial approximation of
  ``Phi`` taken in log space so that it never underflows.
- Full dynamic programme over the whole (n+1) x (m+1) lattice, vectorised along each row with numpy.
  Memory is O(n*m) (float64 costs and int8 back-pointers), so keep it to a few thousand sentences.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from pipeline.models import Bead, Sentence

PRIORS: dict[tuple[int, int], float] = {
    (1, 1): 0.89,
    (1, 0): 0.0099,
    (0, 1): 0.0099,
    (2, 1): 0.089,
    (1, 2): 0.089,
    (2, 2): 0.011,
}
S2 = 6.8
_MOVES: list[tuple[int, int]] = [(1, 1), (1, 0), (2, 1), (1, 2), (2, 2), (0, 1)]  # (0, 1) must be last


def _neg_log_two_tail(z: np.ndarray) -> np.ndarray:
    """-log(2 * (1 - Phi(z))) for z >= 0, with Gale & Church's approximation of Phi."""
    t = 1.0 / (1.0 + 0.2316419 * z)
    poly = ((((1.330274429 * t - 1.821255978) * t + 1.781477937) * t - 0.356563782) * t + 0.319381530) * t
    # 1 - Phi(z) ~= 0.3989423 * exp(-z^2 / 2) * poly
    return -(math.log(2 * 0.3989423) + np.log(poly)) + z * z / 2


def match_cost(l1: np.ndarray, l2: np.ndarray, c: float, s2: float = S2) -> np.ndarray:
    """Length part of the bead cost, vectorised; ``l1`` English bytes, ``l2`` Korean bytes."""
    l1 = np.asarray(l1, dtype=np.float64)
    l2 = np.asarray(l2, dtype=np.float64)
    mean = (l1 + l2 / c) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(mean > 0, (c * l1 - l2) / np.sqrt(s2 * np.maximum(mean, 1e-12)), 0.0)
    return _neg_log_two_tail(np.abs(z))


def _lengths(sentences: Sequence[Sentence | str], units: str = "bytes") -> np.ndarray:
    """UTF-8 byte lengths (the classic choice), or character lengths with ``units="chars"``."""
    texts = [s if isinstance(s, str) else s.text for s in sentences]
    if units == "bytes":
        return np.array([len(t.encode("utf-8")) for t in texts], dtype=np.float64)
    if units == "chars":
        return np.array([len(t) for t in texts], dtype=np.float64)
    raise ValueError(f"unknown units {units!r}")


def align_lengths(
    en_len: Sequence[float], ko_len: Sequence[float], c: float | None = None
) -> list[tuple[tuple[int, ...], tuple[int, ...], float]]:
    """Gale-Church over length sequences: a list of (en indices, ko indices, cost)."""
    a = np.asarray(en_len, dtype=np.float64)
    b = np.asarray(ko_len, dtype=np.float64)
    n, m = len(a), len(b)
    if n == 0 or m == 0:
        return [((i,), (), 0.0) for i in range(n)] + [((), (j,), 0.0) for j in range(m)]
    if c is None:
        c = float(b.sum() / a.sum()) if a.sum() > 0 and b.sum() > 0 else 1.0
    ca = np.concatenate([[0.0], np.cumsum(a)])  # ca[i] = bytes of en[0:i]
    cb = np.concatenate([[0.0], np.cumsum(b)])
    penalty = {k: -math.log(p) for k, p in PRIORS.items()}
    jj = np.arange(m + 1)

    # Cost of the 0-1 move into column j (j >= 1) depends on j only.
    w01 = np.zeros(m + 1)
    w01[1:] = penalty[(0, 1)] + match_cost(np.zeros(m), b, c)
    w_cum = np.cumsum(w01)

    dist = np.full((n + 1, m + 1), np.inf)
    back = np.full((n + 1, m + 1), -1, dtype=np.int8)
    for i in range(n + 1):
        best = np.full(m + 1, np.inf)
        arg = np.full(m + 1, -1, dtype=np.int8)
        if i == 0:
            best[0] = 0.0
        for k, (di, dj) in enumerate(_MOVES[:-1]):
            if i < di:
                continue
            l1 = ca[i] - ca[i - di]
            cols = jj[dj:]
            l2 = cb[cols] - cb[cols - dj]
            cand = dist[i - di, cols - dj] + penalty[(di, dj)] + match_cost(np.full(len(cols), l1), l2, c)
            better = cand < best[dj:]
            best[dj:] = np.where(better, cand, best[dj:])
            arg[dj:] = np.where(better, k, arg[dj:])
        # 0-1 moves chain along the row: dist[j] = min(best[j], dist[j-1] + w01[j]).
        shifted = best - w_cum
        run = np.minimum.accumulate(shifted)
        src = np.maximum.accumulate(np.where(shifted == run, jj, 0))
        from_left = src < jj
        dist[i] = np.where(from_left, w_cum + run, best)
        back[i] = np.where(from_left, len(_MOVES) - 1, arg)

    out: list[tuple[tuple[int, ...], tuple[int, ...], float]] = []
    i, j = n, m
    while i > 0 or j > 0:
        k = int(back[i, j])
        if k < 0:
            raise RuntimeError(f"no path at ({i}, {j})")
        di, dj = _MOVES[k]
        cost = float(dist[i, j] - dist[i - di, j - dj])
        out.append((tuple(range(i - di, i)), tuple(range(j - dj, j)), cost))
        i, j = i - di, j - dj
    out.reverse()
    return out


def align(en: list[Sentence], ko: list[Sentence], units: str = "bytes") -> list[Bead]:
    """Same signature as ``pipeline.align.align``; ``score`` is exp(-cost) of the bead."""
    beads = align_lengths(_lengths(en, units), _lengths(ko, units))
    return [
        Bead(
            en=list(e),
            ko=list(k),
            score=float(math.exp(-cost)),
            en_text=" ".join(en[i].text for i in e),
            ko_text=" ".join(ko[j].text for j in k),
        )
        for e, k, cost in beads
    ]

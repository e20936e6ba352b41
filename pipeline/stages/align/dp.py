"""Pass 2: the corridor DP over beads, one numpy-vectorised row per English sentence.

Only the last few DP rows are kept besides the int8 back-pointers and float32 step costs, so
memory is linear in the text length for a corridor of fixed width.
"""

from __future__ import annotations

import numpy as np

from pipeline.stages.align.anchors import Corridor, corridor, full_corridor
from pipeline.stages.align.costs import BEAD_TYPES, AlignmentError, BeadCosts, Span

#: Bead types with both sides non-empty, as (type index, a, b).
PAIR_TYPES = [(t, a, b) for t, (a, b) in enumerate(BEAD_TYPES) if a and b]
T_SKIP_EN = BEAD_TYPES.index((1, 0))
T_SKIP_KO = BEAD_TYPES.index((0, 1))
#: DP rows a bead may reach back over, plus the current one.
KEPT_ROWS = max(a for a, _ in BEAD_TYPES) + 1


def search(costs: BeadCosts, bounds: Corridor | None = None) -> tuple[list[Span], list[float]]:
    """The best path in the corridor (by default the anchors' one), widened and searched again
    while the path runs along the corridor's edge, where the true path may lie outside."""
    lo, hi = bounds if bounds is not None else corridor(costs)
    for _ in range(costs.model.widen_tries):
        path, step_costs = run_dp(costs, lo, hi)
        if not touches_edge(path, lo, hi, costs.m):
            break
        lo, hi = widen(lo, hi, costs.model.band, costs.m)
    return path, step_costs


def run_dp(costs: BeadCosts, lo: np.ndarray, hi: np.ndarray) -> tuple[list[Span], list[float]]:
    """Best path through the corridor; returns its beads as (i0, i1, j0, j1) and their costs.

    One row per English sentence i, over the Korean positions lo[i]..hi[i]: every bead type's
    candidates are the row it starts from plus its cost, then 0-1 beads run along the row."""
    n = costs.n
    model = costs.model
    width = int((hi - lo).max()) + 1
    cols_k = np.arange(width)
    back = np.full((n + 1, width), -1, dtype=np.int8)
    step = np.zeros((n + 1, width), dtype=np.float32)
    rows: dict[int, np.ndarray] = {}
    chunk_start = -1
    # One row per bead type: the candidates of the current row, and the cost of each bead type
    # ending at every cell of the current block of rows.
    cands = np.empty((len(BEAD_TYPES), width))
    chunk_costs = np.empty((0, 0, 0))
    moves = [(T_SKIP_EN, 1, 0), *PAIR_TYPES]
    addition = model.addition_cost
    offset = addition * cols_k
    for i in range(n + 1):
        if i >= 1 and (chunk_start < 0 or i >= chunk_start + model.chunk_rows):
            chunk_start = i
            chunk_costs = _chunk_costs(costs, np.arange(i, min(i + model.chunk_rows, n + 1)), lo, width)
        invalid = cols_k > hi[i] - lo[i]
        if i == 0:
            best = np.full(width, np.inf)
            best[0] = 0.0
            arg = np.full(width, -1, dtype=np.int8)
            inc = np.zeros(width)
        else:
            cands.fill(np.inf)
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
        best[invalid] = np.inf
        # 0-1 beads move along the row: best[j] = min(best[j], best[j-1] + skip).
        run = np.minimum.accumulate(best - offset) + offset
        improved = run < best - 1e-9
        best = np.where(improved, run, best)
        arg[improved] = T_SKIP_KO
        inc[improved] = addition
        best[invalid] = np.inf
        rows[i] = best
        rows.pop(i - KEPT_ROWS, None)
        back[i] = arg
        step[i] = inc
    if not np.isfinite(rows[n][costs.m - lo[n]]):
        raise AlignmentError("no alignment path inside the corridor")
    return _backtrace(back, step, lo, n, costs.m)


def _chunk_costs(costs: BeadCosts, r: np.ndarray, lo: np.ndarray, width: int) -> np.ndarray:
    """Costs of every bead type ending at every cell of the rows ``r`` at once: numpy does the work.
    0-1 beads are handled along the row by the DP; their slot stays infinite."""
    grid = lo[r][:, None] + np.arange(width)[None, :]
    chunk_costs = np.full((len(BEAD_TYPES), len(r), width), np.inf)
    chunk_costs[T_SKIP_EN] = costs.model.skip_cost
    for t, a, b in PAIR_TYPES:
        ok_rows = r >= a
        if ok_rows.any():
            rr = r[ok_rows]
            matched, unmatched = costs.match_grid(rr, lo, width, a, b)
            chunk_costs[t][ok_rows] = costs.grid(rr, grid[ok_rows], a, b, matched, unmatched)
    return chunk_costs


def _backtrace(
    back: np.ndarray, step: np.ndarray, lo: np.ndarray, n: int, m: int
) -> tuple[list[Span], list[float]]:
    path: list[Span] = []
    step_costs: list[float] = []
    i, j = n, m
    while i > 0 or j > 0:
        k = j - lo[i]
        t = int(back[i, k])
        if t < 0:
            raise AlignmentError("alignment back-trace broke; this is a bug")
        a, b = BEAD_TYPES[t]
        path.append((i - a, i, j - b, j))
        step_costs.append(float(step[i, k]))
        i, j = i - a, j - b
    return path[::-1], step_costs[::-1]


def around(path: list[Span], width: int, costs: BeadCosts) -> Corridor:
    """A corridor of the given half-width around a path (the whole matrix when it is small)."""
    n, m = costs.n, costs.m
    if (n + 1) * (m + 1) <= costs.model.full_dp_cells:
        return full_corridor(n, m)
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


def touches_edge(path: list[Span], lo: np.ndarray, hi: np.ndarray, m: int) -> bool:
    for _, i1, _, j1 in path:
        if (j1 == lo[i1] and lo[i1] > 0) or (j1 == hi[i1] and hi[i1] < m):
            return True
    return False


def widen(lo: np.ndarray, hi: np.ndarray, band: int, m: int) -> Corridor:
    w = max(band, int((hi - lo).mean()) // 2)
    return np.clip(lo - w, 0, m), np.clip(hi + w, 0, m)

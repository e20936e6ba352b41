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
    while the path runs along the corridor's edge, where the true path may lie outside.

    The whole corridor is widened, not only the rows where the path touches its edge: a path pushed
    out of a corridor that misses the true one (a long omission with no anchors) touches the edge
    in a few rows but is wrong over hundreds, and searching again only around the touched rows
    left 921 omissions where there were 200 (benchmarks/README-speed.md, "Scale"). On the scale
    texts the path never touches the edge, so the rerun costs nothing there."""
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
    candidates are the row it starts from plus its cost, then 0-1 beads run along the row.

    The row loop does the least numpy work per row: every bead type's source cells for a block of
    rows are gathered by one precomputed index (:func:`_sources`), and back-pointers and step costs
    are filled in per block. It gives the path of the per-type loop it replaced (tests/
    test_align_dp.py) at about 25 µs a row instead of 45. A numba kernel of the same loop
    (identical path, measured) needs about 3 µs, but importing numba and loading its cached kernel
    cost 1.2-1.8 s and 127 MB in every process that aligns, more than it saves below some 30,000
    rows (a long article has a few thousand), and it is a 200 MB dependency; at 100,000 rows a side
    it would save about 2.4 s a search (benchmarks/README-speed.md, "Scale")."""
    n = costs.n
    model = costs.model
    width = int((hi - lo).max()) + 1
    back = np.full((n + 1, width), -1, dtype=np.int8)
    step = np.zeros((n + 1, width), dtype=np.float32)
    addition = model.addition_cost
    offset = addition * np.arange(width)
    stride = width + 1  # each buffer row ends in an infinite cell: the source of moves from outside
    reach = KEPT_ROWS - 1  # rows before a block that its beads may start from
    first = np.full(stride, np.inf)
    first[0] = 0.0
    improved0 = _skip_along_row(first[:width], offset, int(hi[0] - lo[0]) + 1)
    back[0][improved0] = T_SKIP_KO
    step[0][improved0] = addition
    buf = np.full((reach + model.chunk_rows, stride), np.inf)
    buf[reach - 1] = first
    flat = buf.reshape(-1)
    for i0 in range(1, n + 1, model.chunk_rows):
        rows = np.arange(i0, min(i0 + model.chunk_rows, n + 1))
        chunk_costs = _chunk_costs(costs, rows, lo, width)
        sources = _sources(rows, lo, width, stride, reach)
        argmins = np.empty((len(rows), width), dtype=np.intp)
        improved = np.empty((len(rows), width), dtype=bool)
        for r, i in enumerate(rows.tolist()):
            cands = flat.take(sources[:, r])
            cands += chunk_costs[:T_SKIP_KO, r]
            cands.argmin(axis=0, out=argmins[r])
            best = buf[reach + r, :width]
            cands.min(axis=0, out=best)
            improved[r] = _skip_along_row(best, offset, int(hi[i] - lo[i]) + 1)
        block = buf[reach : reach + len(rows), :width]
        back[rows] = np.where(improved, T_SKIP_KO, np.where(np.isfinite(block), argmins, -1))
        chosen = np.take_along_axis(chunk_costs[:T_SKIP_KO], argmins[None], axis=0)[0]
        step[rows] = np.where(improved, addition, chosen)
        last = buf[reach + len(rows) - 1, :width].copy()
        buf[:reach] = buf[len(rows) : len(rows) + reach]  # the block's last rows, for the next one
        buf[reach:] = np.inf
    final = last if n >= 1 else first[:width]
    if not np.isfinite(final[costs.m - lo[n]]):
        raise AlignmentError("no alignment path inside the corridor")
    return _backtrace(back, step, lo, n, costs.m)


def _skip_along_row(best: np.ndarray, offset: np.ndarray, valid: int) -> np.ndarray:
    """0-1 beads along one row, in place: best[j] = min(best[j], best[j-1] + skip), with the cells
    past ``valid`` (outside the corridor) infinite. Returns where a 0-1 bead won."""
    best[valid:] = np.inf
    run = best - offset
    np.minimum.accumulate(run, out=run)
    run += offset
    improved = run < best - 1e-9
    np.copyto(best, run, where=improved)
    best[valid:] = np.inf
    return improved


def _sources(rows: np.ndarray, lo: np.ndarray, width: int, stride: int, reach: int) -> np.ndarray:
    """For every bead type but 0-1, block row r and column k: where in the flat row buffer the bead
    ending at (rows[r], lo + k) starts, or an infinite cell when it starts outside the corridor."""
    cols = np.arange(width)
    out = np.empty((T_SKIP_KO, len(rows), width), dtype=np.intp)
    for t, (a, b) in enumerate(BEAD_TYPES[:T_SKIP_KO]):
        src_row = rows - a
        shift = lo[rows] - b - lo[np.maximum(src_row, 0)]  # column of (i-a, j-b) minus column of (i, j)
        src_col = cols[None, :] + shift[:, None]
        inside = (src_col >= 0) & (src_col < width) & (src_row >= 0)[:, None]
        buffer_row = (src_row - rows[0] + reach)[:, None]
        out[t] = np.where(inside, buffer_row * stride + src_col, width)  # width: row 0's infinite cell
    return out


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

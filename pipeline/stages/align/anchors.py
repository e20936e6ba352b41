"""Pass 1: anchors (1-1 pairs sharing rare features), their heaviest monotone chain, and the DP
corridor around it."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from pipeline.stages.align.costs import BeadCosts
from pipeline.stages.align.features import STRUCTURE_PREFIX

Corridor = tuple[np.ndarray, np.ndarray]  # lo[i], hi[i]: Korean positions the DP may visit after i English


def full_corridor(n: int, m: int) -> Corridor:
    return np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m, dtype=np.int64)


def corridor(costs: BeadCosts) -> Corridor:
    """lo[i], hi[i]: the Korean positions the DP may visit after i English sentences."""
    n, m = costs.n, costs.m
    if (n + 1) * (m + 1) <= costs.model.full_dp_cells:
        return full_corridor(n, m)
    anchors = anchor_chain(costs)
    xs = [0.0] + [i + 0.5 for i, _ in anchors] + [float(n)]
    ys = [0.0] + [j + 0.5 for _, j in anchors] + [float(m)]
    center = np.interp(np.arange(n + 1), xs, ys)
    w = costs.model.band
    # The band follows the skeleton's slope on both sides, so runs of 0-1 beads fit in a row.
    lo_c = np.minimum(center, np.concatenate([[0.0], center[:-1]]))
    hi_c = np.maximum(center, np.concatenate([center[1:], [float(m)]]))
    lo = np.clip(np.floor(lo_c) - w, 0, m).astype(np.int64)
    hi = np.clip(np.ceil(hi_c) + w, 0, m).astype(np.int64)
    lo = np.minimum.accumulate(lo[::-1])[::-1]  # monotone, so every row connects to the next
    hi = np.maximum.accumulate(hi)
    lo[0], hi[-1] = 0, m
    return lo, hi


def anchor_chain(costs: BeadCosts) -> list[tuple[int, int]]:
    """Confident 1-1 pairs: sentences sharing rare features, as the heaviest monotone chain."""
    model = costs.model
    df_en: dict[str, int] = defaultdict(int)
    df_ko: dict[str, int] = defaultdict(int)
    for f in costs.feats_en:
        for key in f:
            df_en[key] += 1
    postings: dict[str, list[int]] = defaultdict(list)
    for j, f in enumerate(costs.feats_ko):
        for key in f:
            df_ko[key] += 1
            postings[key].append(j)
    n, m = costs.n, costs.m
    slope = m / n
    candidates: list[tuple[int, int, float]] = []
    for i, f in enumerate(costs.feats_en):
        scores: dict[int, float] = defaultdict(float)
        for key, w_en in f.items():
            common = df_en[key] > model.anchor_max_count or df_ko.get(key, 0) > model.anchor_max_count
            if common or key.startswith(STRUCTURE_PREFIX):
                continue
            for j in postings[key]:
                scores[j] += min(w_en, costs.feats_ko[j][key]) / max(df_en[key], df_ko[key])
        for j, s in scores.items():
            # A pair whose lengths disagree wildly is no anchor, whatever it shares.
            if s < model.anchor_min_score:
                continue
            if costs.length_cost(i, i + 1, j, j + 1) < model.anchor_max_length_cost:
                candidates.append((i, j, s))
    if not candidates:
        return []
    chain = heaviest_chain(candidates, m)
    # Drop links implying an absurd local slope: an anchor far off its neighbours is a coincidence.
    kept = []
    for k, (i, j) in enumerate(chain):
        pi, pj = chain[k - 1] if k else (0, 0)
        ni, nj = chain[k + 1] if k + 1 < len(chain) else (n, m)
        expected = pj + (i - pi) * (nj - pj) / max(ni - pi, 1)
        if abs(j - expected) <= max(model.band, model.anchor_outlier_slope * slope):
            kept.append((i, j))
    return kept


def heaviest_chain(candidates: list[tuple[int, int, float]], m: int) -> list[tuple[int, int]]:
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

"""Bead scores: the aligner's confidence in each bead of the path, in [0, 1]."""

from __future__ import annotations

import math

from pipeline.stages.align.costs import BEAD_TYPES, BeadCosts, Span

#: The most sentences one side of a bead holds: a fold into a neighbour may not exceed it.
LONGEST = max(max(a, b) for a, b in BEAD_TYPES)


def bead_scores(costs: BeadCosts, path: list[Span], step_costs: list[float]) -> list[float]:
    """One score per bead of the path. A pair bead's score comes from its own cost: a perfect
    length fit with no shared anchors scores about 0.88; shared anchors raise it, a poor length fit
    or an unusual bead type lowers it. A 1-0 or 0-1 bead's comes from what folding it costs."""
    model = costs.model
    out = []
    for k, ((i0, i1, j0, j1), cost) in enumerate(zip(path, step_costs, strict=True)):
        if i1 > i0 and j1 > j0:
            type_cost = model.type_costs.get((i1 - i0, j1 - j0), 0.0)
            out.append(sigmoid(model.score_offset - (cost - model.score_type_share * type_cost)))
        else:
            out.append(skip_confidence(costs, path, step_costs, k))
    return out


def skip_confidence(costs: BeadCosts, path: list[Span], step_costs: list[float], k: int) -> float:
    """A 1-0 or 0-1 bead is confident when folding it into a neighbouring pair costs more
    than leaving it out; inside a run of omissions (nothing to fold into) it is skip_score_alone."""
    i0, i1, j0, j1 = path[k]
    deltas = []
    for nb in (k - 1, k + 1):
        if not 0 <= nb < len(path):
            continue
        a0, a1, b0, b1 = path[nb]
        if a1 == a0 or b1 == b0:
            continue
        merged = (min(a0, i0), max(a1, i1), min(b0, j0), max(b1, j1))
        if merged[1] - merged[0] > LONGEST or merged[3] - merged[2] > LONGEST:
            continue
        deltas.append(costs.pair_cost(*merged) - step_costs[nb])
    if not deltas:
        return costs.model.skip_score_alone
    return float(sigmoid(min(deltas) - costs.model.skip_cost + costs.model.skip_score_offset))


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(x, 40.0), -40.0)))

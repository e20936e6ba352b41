"""Bead scores: the estimated probability that a bead of the path is right.

Two steps. :func:`bead_evidence` gathers what the aligner knows about each bead: its kind, a raw
margin (for a pair, how far its cost is below the cost of a typical featureless pair; for a 1-0
or 0-1 bead, how much more folding it into a neighbouring pair would cost than leaving it out),
the length model's z-score and, with an embedding scorer, the cosine of its two sides.
:class:`Calibration` maps that evidence to P(correct) with a logistic model whose coefficients are
data (``pipeline/data/bead_calibration.json``), fitted by ``python -m benchmarks.calibration --fit``
on held-out data the aligner was not tuned to read (see that module and benchmarks/README.md).
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from importlib import resources

from pipeline.stages.align.costs import BEAD_TYPES, BeadCosts, Span

#: The most sentences one side of a bead holds: a fold into a neighbour may not exceed it.
LONGEST = max(max(a, b) for a, b in BEAD_TYPES)
#: Raw margins are clipped to this size: beyond it they say nothing more (and a lone omission's is
#: a constant).
MARGIN_CLIP = 10.0
#: The calibration file in pipeline/data.
CALIBRATION_FILE = "bead_calibration.json"


@dataclass(frozen=True)
class BeadEvidence:
    """What the aligner knows about one bead, the input of the calibration."""

    kind: str  # "1-1", "merged" (2-1, 1-2, 2-2, 1-3, 3-1), "skip" (1-0, 0-1)
    margin: float  # the raw confidence margin (see the module doc), clipped to ±MARGIN_CLIP
    length_z: float  # |log length ratio − expected| in standard deviations (0 for a skip)
    cosine: float | None = None  # the embedding scorer's cosine of a pair bead
    alone: bool = False  # a 1-0 or 0-1 bead with no neighbouring pair to fold into

    def features(self) -> list[float]:
        """The calibration's inputs, in the order of ``Calibration.FEATURES``."""
        pair = self.kind != "skip"
        cosine = self.cosine if self.cosine is not None else 0.0
        return [
            1.0,
            self.margin if pair else 0.0,
            1.0 if self.kind == "merged" else 0.0,
            0.0 if pair else 1.0,
            0.0 if pair else self.margin,
            1.0 if self.alone else 0.0,
            min(self.length_z, 4.0),
            cosine,
            cosine * cosine,
        ]


@dataclass(frozen=True)
class Calibration:
    """P(correct) = sigmoid(w · features), with one coefficient set for beads aligned without
    sentence embeddings (``plain``) and one for beads aligned with them (``semantic``)."""

    FEATURES = (
        "bias",
        "pair margin",
        "merged pair",
        "skip",
        "skip margin",
        "skip with no pair to fold into",
        "length |z| (≤ 4)",
        "cosine",
        "cosine²",
    )

    plain: tuple[float, ...]
    semantic: tuple[float, ...]

    def probability(self, evidence: BeadEvidence, with_embeddings: bool) -> float:
        weights = self.semantic if with_embeddings else self.plain
        return sigmoid(sum(w * x for w, x in zip(weights, evidence.features(), strict=True)))

    @classmethod
    def from_json(cls, text: str) -> Calibration:
        raw = json.loads(text)
        if list(raw["features"]) != list(cls.FEATURES):
            raise ValueError(f"{CALIBRATION_FILE}: its features are not {cls.FEATURES}; fit it again")
        return cls(tuple(raw["plain"]), tuple(raw["semantic"]))


@functools.cache
def calibration() -> Calibration:
    """The shipped calibration (read once per process)."""
    text = resources.files("pipeline.data").joinpath(CALIBRATION_FILE).read_text(encoding="utf-8")
    return Calibration.from_json(text)


def bead_scores(
    costs: BeadCosts, path: list[Span], step_costs: list[float], calibrated: Calibration | None = None
) -> list[float]:
    """One calibrated probability per bead of the path."""
    model = calibrated or calibration()
    return [
        model.probability(e, costs.embedded(*span))
        for span, e in zip(path, bead_evidence(costs, path, step_costs), strict=True)
    ]


def bead_evidence(costs: BeadCosts, path: list[Span], step_costs: list[float]) -> list[BeadEvidence]:
    """The evidence of every bead of the path (see :class:`BeadEvidence`)."""
    model = costs.model
    out = []
    for k, ((i0, i1, j0, j1), cost) in enumerate(zip(path, step_costs, strict=True)):
        if i1 > i0 and j1 > j0:
            # A perfect length fit with no shared anchors has a margin of about 2 (score_offset);
            # shared anchors raise it, a poor fit or an unusual bead type lowers it.
            type_cost = model.type_costs.get((i1 - i0, j1 - j0), 0.0)
            margin = model.score_offset - (cost - model.score_type_share * type_cost)
            kind = "1-1" if (i1 - i0, j1 - j0) == (1, 1) else "merged"
            z = math.sqrt(2.0 * costs.length_cost(i0, i1, j0, j1))
            out.append(BeadEvidence(kind, _clip(margin), z, costs.cosine(i0, i1, j0, j1)))
        else:
            fold = fold_margin(costs, path, step_costs, k)
            margin = _clip(fold if fold is not None else MARGIN_CLIP)
            out.append(BeadEvidence("skip", margin, 0.0, None, alone=fold is None))
    return out


def fold_margin(costs: BeadCosts, path: list[Span], step_costs: list[float], k: int) -> float | None:
    """How much more folding the 1-0 or 0-1 bead ``k`` into a neighbouring pair costs than leaving
    it out; None inside a run of omissions (nothing to fold into)."""
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
        return None
    return float(min(deltas) - costs.model.skip_cost + costs.model.skip_score_offset)


def _clip(x: float) -> float:
    return max(-MARGIN_CLIP, min(MARGIN_CLIP, x))


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(x, 40.0), -40.0)))

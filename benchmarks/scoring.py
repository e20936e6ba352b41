"""Strict and lax precision/recall/F1 over alignment beads, as in Vecalign's ``score.py``.

A bead is ``(en_indices, ko_indices)``, two tuples of sentence indices; either may be empty (a null
bead: 1-0 deletion or 0-1 insertion).

- **Strict.** A predicted bead is a true positive iff it equals a gold bead exactly.
- **Lax.** A predicted bead also counts if some gold bead shares at least one English index *and*
  one Korean index with it. A null bead has no index on one side, so it counts only if exact.
- **Precision** is over all predicted beads (null ones included) against all gold beads.
- **Recall** is over gold beads, with null beads removed from *both* gold and prediction (Vecalign
  computes it as precision with the arguments swapped and insertions/deletions dropped).
- Counts are accumulated over documents (micro average) by :class:`Counts`.

Beads empty on both sides are ignored, and beads are compared as sets (duplicates count once), as
Vecalign does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

BeadT = tuple[tuple[int, ...], tuple[int, ...]]


def as_bead(en: Iterable[int], ko: Iterable[int]) -> BeadT:
    return (tuple(en), tuple(ko))


def _normalise(beads: Iterable[tuple[Iterable[int], Iterable[int]]]) -> set[BeadT]:
    out = set()
    for en, ko in beads:
        bead = as_bead(en, ko)
        if bead[0] or bead[1]:
            out.add(bead)
    return out


def _non_null(beads: Iterable[BeadT]) -> set[BeadT]:
    return {b for b in beads if b[0] and b[1]}


def _precision_counts(gold: set[BeadT], test: set[BeadT]) -> tuple[int, int, int, int]:
    """(tp_strict, fp_strict, tp_lax, fp_lax) of ``test`` measured against ``gold``."""
    en_to_gold_ko: dict[int, set[int]] = defaultdict(set)
    for gold_en, gold_ko in gold:
        for i in gold_en:
            en_to_gold_ko[i].update(gold_ko)
    tp_strict = fp_strict = tp_lax = fp_lax = 0
    for test_en, test_ko in test:
        if (test_en, test_ko) in gold:
            tp_strict += 1
            tp_lax += 1
            continue
        fp_strict += 1
        linked: set[int] = set()
        for i in test_en:
            linked |= en_to_gold_ko.get(i, set())
        if linked.intersection(test_ko):
            tp_lax += 1
        else:
            fp_lax += 1
    return tp_strict, fp_strict, tp_lax, fp_lax


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Counts:
    """Micro-averaged counts; ``add`` one document at a time, then read the scores."""

    p_strict_tp: int = 0
    p_strict_fp: int = 0
    p_lax_tp: int = 0
    p_lax_fp: int = 0
    r_strict_tp: int = 0
    r_strict_fn: int = 0
    r_lax_tp: int = 0
    r_lax_fn: int = 0
    documents: int = 0
    pred_beads: int = 0
    gold_beads: int = 0
    pred_kinds: dict[str, int] = field(default_factory=dict)

    def add(
        self,
        gold: Iterable[tuple[Iterable[int], Iterable[int]]],
        pred: Iterable[tuple[Iterable[int], Iterable[int]]],
    ) -> Counts:
        g = _normalise(gold)
        t = _normalise(pred)
        ps, pf, pl, plf = _precision_counts(g, t)
        # Recall: precision with the arguments swapped, null beads removed on both sides.
        rs, rf, rl, rlf = _precision_counts(_non_null(t), _non_null(g))
        self.p_strict_tp += ps
        self.p_strict_fp += pf
        self.p_lax_tp += pl
        self.p_lax_fp += plf
        self.r_strict_tp += rs
        self.r_strict_fn += rf
        self.r_lax_tp += rl
        self.r_lax_fn += rlf
        self.documents += 1
        self.pred_beads += len(t)
        self.gold_beads += len(g)
        for en, ko in t:
            kind = f"{len(en)}-{len(ko)}"
            self.pred_kinds[kind] = self.pred_kinds.get(kind, 0) + 1
        return self

    @property
    def precision_strict(self) -> float:
        return _ratio(self.p_strict_tp, self.p_strict_tp + self.p_strict_fp)

    @property
    def precision_lax(self) -> float:
        return _ratio(self.p_lax_tp, self.p_lax_tp + self.p_lax_fp)

    @property
    def recall_strict(self) -> float:
        return _ratio(self.r_strict_tp, self.r_strict_tp + self.r_strict_fn)

    @property
    def recall_lax(self) -> float:
        return _ratio(self.r_lax_tp, self.r_lax_tp + self.r_lax_fn)

    @property
    def f1_strict(self) -> float:
        return _f1(self.precision_strict, self.recall_strict)

    @property
    def f1_lax(self) -> float:
        return _f1(self.precision_lax, self.recall_lax)

    def scores(self) -> dict[str, float]:
        return {
            "precision_strict": self.precision_strict,
            "recall_strict": self.recall_strict,
            "f1_strict": self.f1_strict,
            "precision_lax": self.precision_lax,
            "recall_lax": self.recall_lax,
            "f1_lax": self.f1_lax,
        }


def score(
    gold: Iterable[tuple[Iterable[int], Iterable[int]]],
    pred: Iterable[tuple[Iterable[int], Iterable[int]]],
) -> dict[str, float]:
    """Scores of one document."""
    return Counts().add(gold, pred).scores()


def score_multiple(
    gold_list: Sequence[Iterable[tuple[Iterable[int], Iterable[int]]]],
    pred_list: Sequence[Iterable[tuple[Iterable[int], Iterable[int]]]],
) -> dict[str, float]:
    """Micro-averaged scores over documents (counts summed, then divided)."""
    if len(gold_list) != len(pred_list):
        raise ValueError("gold_list and pred_list differ in length")
    counts = Counts()
    for gold, pred in zip(gold_list, pred_list, strict=True):
        counts.add(gold, pred)
    return counts.scores()


def _rows_of(bead: BeadT, gold_row_of_en: Sequence[int], gold_row_of_ko: Sequence[int]) -> set[int]:
    return {gold_row_of_en[i] for i in bead[0]} | {gold_row_of_ko[j] for j in bead[1]}


def merge_within_gold(
    pred_beads: Iterable[tuple[Iterable[int], Iterable[int]]],
    gold_row_of_en: Sequence[int],
    gold_row_of_ko: Sequence[int],
) -> list[BeadT]:
    """Merge consecutive predicted beads that lie inside one gold row (Bertalign's evaluation).

    ``gold_row_of_en[i]`` is the gold row (bead) that English sentence ``i`` belongs to, and likewise
    for Korean. When sentences were split finer than the gold rows, a run of consecutive predicted
    beads whose sentences all fall in the same row is merged into one bead (null beads included),
    so that it can be compared with the row-level gold. A bead spanning two or more rows is kept as
    it is and also ends any run. Indices in a merged bead are sorted.
    """
    out: list[BeadT] = []
    run_row: int | None = None
    for en, ko in pred_beads:
        bead = as_bead(en, ko)
        if not bead[0] and not bead[1]:
            continue
        rows = _rows_of(bead, gold_row_of_en, gold_row_of_ko)
        row = next(iter(rows)) if len(rows) == 1 else None
        if row is not None and row == run_row and out:
            prev_en, prev_ko = out[-1]
            out[-1] = (tuple(sorted(prev_en + bead[0])), tuple(sorted(prev_ko + bead[1])))
        else:
            out.append(bead)
        run_row = row
    return out


def rows_to_beads(gold_row_of_en: Sequence[int], gold_row_of_ko: Sequence[int]) -> list[BeadT]:
    """Row-level gold beads from the row of every sentence (rows in order of first appearance)."""
    en_by_row: dict[int, list[int]] = defaultdict(list)
    ko_by_row: dict[int, list[int]] = defaultdict(list)
    for i, r in enumerate(gold_row_of_en):
        en_by_row[r].append(i)
    for j, r in enumerate(gold_row_of_ko):
        ko_by_row[r].append(j)
    rows = sorted(set(en_by_row) | set(ko_by_row))
    return [(tuple(en_by_row.get(r, [])), tuple(ko_by_row.get(r, []))) for r in rows]


def coverage_problems(
    beads: Iterable[tuple[Iterable[int], Iterable[int]]], n_en: int, n_ko: int
) -> list[str]:
    """Check that the beads cover every sentence exactly once and in order (monotone)."""
    problems: list[str] = []
    en_seen: list[int] = []
    ko_seen: list[int] = []
    for en, ko in beads:
        en_seen.extend(en)
        ko_seen.extend(ko)
    if en_seen != list(range(n_en)):
        problems.append(f"English indices are not 0..{n_en - 1} in order (got {len(en_seen)} indices)")
    if ko_seen != list(range(n_ko)):
        problems.append(f"Korean indices are not 0..{n_ko - 1} in order (got {len(ko_seen)} indices)")
    return problems

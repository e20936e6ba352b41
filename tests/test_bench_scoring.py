"""Unit tests for benchmarks/scoring.py (hand-made cases with known answers)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.scoring import (  # noqa: E402
    Counts,
    coverage_problems,
    merge_within_gold,
    rows_to_beads,
    score,
    score_multiple,
)

GOLD = [((0,), (0,)), ((1,), (1, 2)), ((2, 3), (3,)), ((4,), ())]


def test_perfect_prediction() -> None:
    s = score(GOLD, GOLD)
    assert s == pytest.approx(
        {
            "precision_strict": 1.0,
            "recall_strict": 1.0,
            "f1_strict": 1.0,
            "precision_lax": 1.0,
            "recall_lax": 1.0,
            "f1_lax": 1.0,
        }
    )


def test_strict_and_lax_counts() -> None:
    pred = [((0,), (0,)), ((1,), (1,)), ((), (2,)), ((2, 3), (3,)), ((4,), ())]
    c = Counts().add(GOLD, pred)
    # Precision over all 5 predicted beads: 3 exact; (1,)-(1,) is lax; 0-1 (2,) is not exact.
    assert (c.p_strict_tp, c.p_strict_fp) == (3, 2)
    assert (c.p_lax_tp, c.p_lax_fp) == (4, 1)
    # Recall over the 3 non-null gold beads, against the 3 non-null predicted ones.
    assert (c.r_strict_tp, c.r_strict_fn) == (2, 1)
    assert (c.r_lax_tp, c.r_lax_fn) == (3, 0)
    assert c.precision_strict == pytest.approx(3 / 5)
    assert c.recall_strict == pytest.approx(2 / 3)
    assert c.f1_strict == pytest.approx(2 * 0.6 * (2 / 3) / (0.6 + 2 / 3))
    assert c.precision_lax == pytest.approx(4 / 5)
    assert c.recall_lax == pytest.approx(1.0)


def test_lax_needs_overlap_on_both_sides_with_one_gold_bead() -> None:
    gold = [((0,), (0,)), ((1,), (1,))]
    # en 0 is gold-linked to ko 0 only; the bead pairs it with ko 1: not lax.
    c = Counts().add(gold, [((0,), (1,)), ((1,), (0,))])
    assert c.p_lax_tp == 0 and c.p_lax_fp == 2
    assert c.r_lax_tp == 0 and c.r_lax_fn == 2


def test_null_beads_count_only_if_exact() -> None:
    gold = [((0,), ()), ((1,), (0,))]
    c = Counts().add(gold, [((0, 1), (0,))])  # swallows the deletion into a 2-1
    assert (c.p_strict_tp, c.p_lax_tp, c.p_lax_fp) == (0, 1, 0)
    assert (c.r_strict_tp, c.r_strict_fn, c.r_lax_tp) == (0, 1, 1)
    c = Counts().add(gold, [((0,), ()), ((1,), (0,))])
    assert c.precision_strict == 1.0 and c.recall_strict == 1.0
    # A predicted deletion where gold has none: a false positive, strict and lax; recall ignores it.
    c = Counts().add([((0,), (0,))], [((0,), ()), ((), (0,))])
    assert (c.p_strict_fp, c.p_lax_fp) == (2, 2)
    assert c.r_strict_fn == 1 and c.r_lax_fn == 1


def test_recall_ignores_gold_null_beads() -> None:
    gold = [((0,), (0,)), ((), (1,)), ((1,), (2,))]
    pred = [((0,), (0,)), ((1,), (1, 2))]
    c = Counts().add(gold, pred)
    assert (c.r_strict_tp, c.r_strict_fn) == (1, 1)  # 2 non-null gold beads
    assert (c.r_lax_tp, c.r_lax_fn) == (2, 0)
    assert (c.p_strict_tp, c.p_strict_fp) == (1, 1)


def test_empty_beads_and_lists_are_ignored() -> None:
    c = Counts().add([((0,), (0,)), ((), ())], [((0,), [0]), ([], [])])
    assert c.precision_strict == 1.0 and c.recall_strict == 1.0
    assert Counts().add([], []).f1_strict == 0.0


def test_micro_average_over_documents() -> None:
    doc1_gold = [((0,), (0,)), ((1,), (1,))]
    doc1_pred = doc1_gold
    doc2_gold = [((0,), (0,)), ((1,), (1,)), ((2,), (2,)), ((3,), (3,))]
    doc2_pred = [((0, 1), (0, 1)), ((2,), (2,)), ((3,), (3,))]
    s = score_multiple([doc1_gold, doc2_gold], [doc1_pred, doc2_pred])
    assert s["precision_strict"] == pytest.approx(4 / 5)  # not the macro mean (1 + 2/3) / 2
    assert s["recall_strict"] == pytest.approx(4 / 6)
    assert s["precision_lax"] == pytest.approx(1.0)
    assert s["recall_lax"] == pytest.approx(1.0)
    with pytest.raises(ValueError):
        score_multiple([doc1_gold], [])


def test_merge_within_gold_merges_runs_inside_one_row() -> None:
    # Row 0: en 0, ko 0; row 1: en 1, 2 and ko 1, 2, 3; row 2: en 3, ko 4.
    en_row = [0, 1, 1, 2]
    ko_row = [0, 1, 1, 1, 2]
    pred = [((0,), (0,)), ((1,), (1,)), ((), (2,)), ((2,), (3,)), ((3,), (4,))]
    merged = merge_within_gold(pred, en_row, ko_row)
    assert merged == [((0,), (0,)), ((1, 2), (1, 2, 3)), ((3,), (4,))]
    gold = rows_to_beads(en_row, ko_row)
    assert gold == merged
    assert score(gold, merged)["f1_strict"] == 1.0


def test_merge_within_gold_keeps_row_crossing_beads() -> None:
    en_row = [0, 0, 1, 1]
    ko_row = [0, 1, 1]
    pred = [((0,), (0,)), ((1, 2), (1,)), ((3,), (2,))]
    # The middle bead spans rows 0 and 1: kept, and it breaks the runs on either side.
    assert merge_within_gold(pred, en_row, ko_row) == pred
    gold = rows_to_beads(en_row, ko_row)
    assert gold == [((0, 1), (0,)), ((2, 3), (1, 2))]
    s = score(gold, merge_within_gold(pred, en_row, ko_row))
    assert s["precision_strict"] == 0.0
    assert s["precision_lax"] == pytest.approx(1.0)


def test_merge_within_gold_same_row_not_adjacent_stays_apart() -> None:
    # Beads of row 0 separated by a bead of row 1 are not merged across it.
    en_row = [0, 1, 0]
    ko_row = [0, 1, 0]
    pred = [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]
    assert merge_within_gold(pred, en_row, ko_row) == pred


def test_coverage_problems() -> None:
    assert coverage_problems([((0,), (0,)), ((1,), ())], 2, 1) == []
    assert len(coverage_problems([((1,), (0,)), ((0,), ())], 2, 1)) == 1
    assert len(coverage_problems([((0,), (0,))], 2, 2)) == 2

"""The aligner's fast paths give what the plain ones gave: the DP's block-gathered row loop against
the per-type row loop it replaced, the Korean rendering lookup against the regex alternation, and
the size guard that refuses a presplit pair before any work."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest

from pipeline.stages import sentence_lines
from pipeline.stages.align import Aligner, AlignmentError, CostModel, dp, presplit_sentences
from pipeline.stages.align.aligner import bead_costs
from pipeline.stages.align.anchors import corridor
from pipeline.stages.align.costs import BEAD_TYPES, BeadCosts
from pipeline.stages.align.features import _KoreanForms
from tests.test_align import needs_ntrex, ntrex_documents, presplit, random_side


def reference_run_dp(costs: BeadCosts, lo: np.ndarray, hi: np.ndarray) -> tuple[list, list]:
    """The DP row loop as it was before the block-gathered one: per row, one slice per bead type."""
    n, model = costs.n, costs.model
    width = int((hi - lo).max()) + 1
    cols_k = np.arange(width)
    back = np.full((n + 1, width), -1, dtype=np.int8)
    step = np.zeros((n + 1, width), dtype=np.float32)
    rows: dict[int, np.ndarray] = {}
    cands = np.empty((len(BEAD_TYPES), width))
    moves = [(dp.T_SKIP_EN, 1, 0), *dp.PAIR_TYPES]
    offset = model.addition_cost * cols_k
    chunk_start, chunk_costs = -1, np.empty((0, 0, 0))
    for i in range(n + 1):
        if i >= 1 and (chunk_start < 0 or i >= chunk_start + model.chunk_rows):
            chunk_start = i
            chunk_costs = dp._chunk_costs(costs, np.arange(i, min(i + model.chunk_rows, n + 1)), lo, width)
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
                shift = int(lo[i] - b - lo[i - a])
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
        run = np.minimum.accumulate(best - offset) + offset
        improved = run < best - 1e-9
        best = np.where(improved, run, best)
        arg[improved] = dp.T_SKIP_KO
        inc[improved] = model.addition_cost
        best[invalid] = np.inf
        rows[i] = best
        back[i] = arg
        step[i] = inc
    return dp._backtrace(back, step, lo, n, costs.m)


def assert_same_dp(costs: BeadCosts) -> None:
    lo, hi = corridor(costs)
    path, step_costs = dp.run_dp(costs, lo, hi)
    ref_path, ref_costs = reference_run_dp(costs, lo, hi)
    assert path == ref_path
    assert step_costs == ref_costs


@pytest.mark.parametrize("seed", range(12))
def test_dp_gives_the_reference_path_on_random_texts(seed):
    rng = random.Random(seed)
    en = random_side(rng, "en", rng.randint(1, 60))
    ko = random_side(rng, "ko", rng.randint(1, 60))
    # A narrow corridor (anchors, not the whole matrix) and blocks of a few rows: every edge case of
    # the gather (moves from outside the corridor, from the previous block, from before row 0).
    model = CostModel(full_dp_cells=0, band=rng.randint(1, 6), chunk_rows=rng.randint(1, 7))
    assert_same_dp(bead_costs(en, ko, Aligner(cost=model)))


@needs_ntrex
def test_dp_gives_the_reference_path_on_ntrex():
    docs = ntrex_documents()
    rows = [row for doc in docs[:20] for row in doc]
    rng = random.Random(3)
    ko_rows = [ko for _, ko in rows if rng.random() > 0.05]  # some omissions
    en = presplit([[en for en, _ in rows]])
    ko = presplit([ko_rows])
    for model in (CostModel(), CostModel(chunk_rows=37), CostModel(full_dp_cells=0)):
        assert_same_dp(bead_costs(en, ko, Aligner(cost=model)))


def test_dp_with_no_path_in_the_corridor_says_so():
    rng = random.Random(1)
    en, ko = random_side(rng, "en", 30), random_side(rng, "ko", 30)
    costs = bead_costs(en, ko, Aligner(cost=CostModel(full_dp_cells=0)))
    # Column 0 down to the last row, which holds only the end: no bead spans the gap.
    lo, hi = np.zeros(costs.n + 1, dtype=np.int64), np.zeros(costs.n + 1, dtype=np.int64)
    lo[-1] = hi[-1] = costs.m
    with pytest.raises(AlignmentError, match="no alignment path"):
        dp.run_dp(costs, lo, hi)


# -- Korean renderings: the lookup finds what the alternation found --------------------------------


def alternation_find(forms: list[str], text: str) -> list[str]:
    regex = re.compile("|".join(sorted((re.escape(f) for f in forms), key=len, reverse=True)) or "(?!)")
    return [m.group(0) for m in regex.finditer(text)]


@pytest.mark.parametrize("seed", range(20))
def test_korean_forms_match_the_alternation_on_random_text(seed):
    rng = random.Random(seed)
    alphabet = "가나다라마바A1"  # few letters: forms overlap, nest and repeat
    forms = list(
        {"".join(rng.choice(alphabet) for _ in range(rng.randint(2, 5))) for _ in range(rng.randint(0, 30))}
    )
    index = _KoreanForms(forms)
    for _ in range(30):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert index.find(text) == alternation_find(forms, text)


@needs_ntrex
def test_korean_forms_match_the_alternation_on_ntrex():
    korean = [re.sub(r"\s+", "", ko) for doc in ntrex_documents() for _, ko in doc]
    rng = random.Random(5)
    # Renderings cut out of the text itself, of every length: many hits, many shared prefixes.
    forms = list(
        {t[s : s + rng.randint(2, 8)] for t in rng.sample(korean, 200) for s in [rng.randrange(len(t))]}
    )
    forms = [f for f in forms if len(f) >= 2]
    index = _KoreanForms(forms)
    hits = 0
    for text in korean:
        found = index.find(text)
        assert found == alternation_find(forms, text)
        hits += len(found)
    assert hits > 200


# -- The size guard: before reading, checking or loading a model -------------------------------------


def test_presplit_line_count_counts_sentences_before_decoding(tmp_path):
    path = tmp_path / "ko.txt"
    path.write_bytes("첫 문장.\r\n\r\n  \n둘째 문장.\n셋째".encode("cp949"))
    assert sentence_lines.line_count(path) == 3
    assert len(presplit_sentences(sentence_lines.read_language_text(path, "ko"))) == 3


def test_presplit_past_the_limit_is_refused_before_reading_or_models(tmp_path, monkeypatch):
    from pipeline.app import articles

    def never(*args, **kwargs):
        raise AssertionError("the guard must come first")

    monkeypatch.setattr(articles.sentence_lines, "read_language_text", never)
    monkeypatch.setattr(articles.semantic, "resolve_encoder", never)
    monkeypatch.setattr(articles.terms, "bundled", never)
    per_side = Aligner().max_sentences // 2 + 1
    en, ko = tmp_path / "en.txt", tmp_path / "ko.txt"
    en.write_text("A sentence.\n" * per_side, encoding="utf-8")
    ko.write_text("한 문장.\n" * per_side, encoding="utf-8")
    with pytest.raises(
        AlignmentError, match=f"{per_side:,} English and {per_side:,} Korean sentences exceed"
    ):
        articles.align_files(en, ko, presplit=True)


def test_presplit_that_would_not_fit_in_memory_is_refused_first(tmp_path, monkeypatch):
    from pipeline.app import articles

    monkeypatch.setattr(
        articles.sentence_lines, "read_language_text", lambda *a: pytest.fail("read before the guard")
    )
    en, ko = tmp_path / "en.txt", tmp_path / "ko.txt"
    en.write_text("A sentence.\n" * 1000, encoding="utf-8")
    ko.write_text("한 문장.\n" * 1000, encoding="utf-8")
    monkeypatch.setattr("pipeline.stages.align.aligner.available_memory", lambda: 2**20)
    with pytest.raises(AlignmentError, match="1,000 English and 1,000 Korean sentences needs about"):
        articles.align_files(en, ko, presplit=True, use_semantic=False)


# -- Embeddings: normalised and summed in blocks of rows, the same values ---------------------------


@pytest.mark.parametrize("count", [1, 2, 3, 6, 7, 8, 20])
def test_embedding_blocks_give_the_whole_array_values(count, monkeypatch):
    from pipeline.stages.align import embeddings

    monkeypatch.setattr(embeddings, "BLOCK_ROWS", 3)  # blocks end everywhere a window may straddle
    vectors = np.random.default_rng(count).standard_normal((count, 16)).astype(np.float32)

    class Lookup:  # sentence "k" → row k, so that encoding block by block can be checked
        def encode(self, texts: list[str]) -> np.ndarray:
            return vectors[[int(t) for t in texts]]

    texts = [str(k) for k in range(count)]
    unit = embeddings._unit_rows(Lookup(), texts)
    assert np.array_equal(unit, vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9))
    with_zero_row = embeddings._unit_rows(Lookup(), texts, zero_row=True)
    assert np.array_equal(with_zero_row[:count], unit) and not with_zero_row[count].any()
    for k in (1, 2, 3):
        expected = np.ones(count + 1, dtype=np.float32)
        if count >= k:
            expected[k:] = np.linalg.norm(sum(unit[r : count - k + 1 + r] for r in range(k)), axis=1)
        assert np.array_equal(embeddings._sum_norms(unit, k), expected)
        # The same through a sentence → row index (vectors of only some sentences, gathered).
        rows = np.arange(count)
        assert np.array_equal(embeddings._sum_norms(with_zero_row, k, rows), expected)

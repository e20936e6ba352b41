"""Pasted text: line breaks that separate items, soft wraps that do not, glued image ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.data import load_documents
from benchmarks.pasted_blocks import block_texts, boundaries, items, styles
from benchmarks.pasted_data import build_pasted
from pipeline.stages import ingest, paste

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_KO = ROOT / "raw/karpathy-2025.ko.md"
NTREX = ROOT / "tests/data/ntrex-4docs.tsv"


def blocks(text: str, lang: str = "en", suffix: str = ".md") -> list[tuple[str, str, str]]:
    doc = ingest.parse_plain_text(text, lang) if suffix == ".txt" else ingest.parse_markdown(text, lang)  # type: ignore[arg-type]
    return [(b.kind, b.marker, b.text) for b in doc.blocks]


# -- the real sample as pasted -----------------------------------------------------------------


def test_translator_paste_gives_the_blocks_of_the_blank_line_markdown():
    """The sample's Korean has a blank line between blocks; as copied from the translator it has
    none. Markdown and .txt, with and without blank lines, must see the same blocks."""
    with_blank_lines = SAMPLE_KO.read_text(encoding="utf-8")
    pasted = "\n".join(line for line in with_blank_lines.split("\n") if line.strip()) + "\n"
    expected = blocks(with_blank_lines, "ko")
    assert len(expected) == 8
    assert expected[1] == ("list_item", "1.", "검증 가능한 보상 기반 강화 학습(RLVR)")
    assert expected[2][2].startswith("2025년 초, 모든 연구소의")
    assert blocks(pasted, "ko") == expected
    assert blocks(pasted, "ko", ".txt") == expected
    assert blocks(with_blank_lines, "ko", ".txt") == expected


def test_numbered_heading_line_is_not_glued_to_the_paragraph_after_it():
    text = (
        "1. 검증 가능한 보상 기반 강화 학습(RLVR)\n"
        "2025년 초, 모든 연구소의 LLM 운영 스택은 다음과 같았습니다.\n"
        "사전 학습(GPT-2/3, ~2020년)\n"
    )
    assert blocks(text, "ko") == [
        ("list_item", "1.", "검증 가능한 보상 기반 강화 학습(RLVR)"),
        ("paragraph", "", "2025년 초, 모든 연구소의 LLM 운영 스택은 다음과 같았습니다."),
        ("paragraph", "", "사전 학습(GPT-2/3, ~2020년)"),
    ]


@pytest.mark.parametrize("marker", ["1.", "2)", "(3)", "①", "•", "-", "·"])
def test_list_markers_are_kept_as_written(marker):
    text = f"Intro line of the list:\n{marker} first item\n{marker} second item\n"
    for suffix in (".md", ".txt"):
        got = blocks(text, "en", suffix)
        assert got[0] == ("paragraph", "", "Intro line of the list:")
        assert [(kind, m, t) for kind, m, t in got[1:]] == [
            ("list_item", marker, "first item"),
            ("list_item", marker, "second item"),
        ]


def test_related_links_and_chrome_are_separate_items():
    text = (
        "The end of the article.\n\nRelated posts\nWhy transformers win\n"
        "Scaling laws revisited and what they mean for you\n"
        "Police clash with Catalan separatists ahead of independence vote anniversary\n"
        "Comments\nShare this\n"
    )
    assert [t for _, _, t in blocks(text)] == [
        "The end of the article.",
        "Related posts",
        "Why transformers win",
        "Scaling laws revisited and what they mean for you",
        "Police clash with Catalan separatists ahead of independence vote anniversary",
        "Comments",
        "Share this",
    ]


# -- soft wraps stay joined --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, lang",
    [
        ("First line\ncontinues.", "en"),
        ("It happened on the\nNext morning, they left.", "en"),
        ("A list of things,\nThen more things.", "en"),
        ("- Supervised Finetuning (InstructGPT ~2022) and\n  Reinforcement Learning", "en"),
        (
            "Speaking on the first Radio 4 Desert Island Discs presented by Lauren\n"
            'Laverne, he said he spoke out about gay rights to give others "hope." He\n'
            "also said becoming a parent made him care less about winning the\nOlympics.",
            "en",
        ),
        (
            "워런은 이에 대해 “여성이 워싱턴에 가서 맨 윗자리에 올라 망가진 정부를\n"
            "고칠” 때가 왔다고 대답했다.",
            "ko",
        ),
    ],
)
def test_soft_wraps_are_joined(text, lang):
    for suffix in (".md", ".txt"):
        got = blocks(text, lang, suffix)
        assert len(got) == 1, got
        assert got[0][2].split() == text.replace("- ", "", 1).split()


@pytest.fixture(scope="module")
def pasted_pairs():
    docs = load_documents(NTREX)
    return [build_pasted(doc, docs, seed=0) for doc in docs]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_paste_style_gives_the_items_a_reader_sees(pasted_pairs, tmp_path, lang):
    """NTREX documents written as pasted, with blank lines, as .txt and hard-wrapped at 72
    columns: ingest finds every item boundary, and only those (wrapped: at most a few more, where a
    two-line English wrap starts with a capital)."""
    for pair in pasted_pairs:
        gold = boundaries(items(pair, lang))
        for style, (suffix, text) in styles(pair, lang).items():
            path = tmp_path / f"side.{lang}{suffix}"
            path.write_text(text, encoding="utf-8")
            made = boundaries(block_texts(path, lang))
            assert gold <= made, (pair.doc_id, style)
            if style == "wrapped 72":
                assert len(made - gold) <= 0.1 * len(gold), (pair.doc_id, style)
            else:
                assert made == gold, (pair.doc_id, style)


# -- glued ids ---------------------------------------------------------------------------------


def test_image_id_glued_to_a_caption_is_its_own_unit():
    text = "Xq7pLm2ZrT9bKcD(인간 지능: 동물과 다른 최적화 압력)\n다음 문단입니다.\n"
    assert blocks(text, "ko") == [
        ("paragraph", "", "Xq7pLm2ZrT9bKcD"),
        ("paragraph", "", "(인간 지능: 동물과 다른 최적화 압력)"),
        ("paragraph", "", "다음 문단입니다."),
    ]
    assert paste.split_glued_ids("캡션 설명Xq7pLm2ZrT9bKcD 뒤") == ["캡션 설명", "Xq7pLm2ZrT9bKcD", "뒤"]
    # A caption that starts with a number: the digits before a counter are the caption's.
    assert paste.split_glued_ids("4dCK4EZi4GvbEyY2018년 2분기") == ["4dCK4EZi4GvbEyY", "2018년 2분기"]
    assert paste.split_glued_ids("Xq7pLm2ZrT9bKcD9그림 설명") == ["Xq7pLm2ZrT9bKcD9", "그림 설명"]
    # At the start of a caption, a random id with word-like runs is cut off too.
    assert paste.split_glued_ids("8OlatooUS51Jeva(스코틀랜드 연구)") == [
        "8OlatooUS51Jeva",
        "(스코틀랜드 연구)",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "iPhone15ProMax는 비싸다.",
        "ResNet50V2를 썼다.",
        "Qwen2VLInstruct는 모델이다.",
        "Llama3Instruct의 결과",
        "GPT-4o의 답",
        "Xq7pLm2ZrT9bKcD is an id in English text.",
        "SFT(지도 미세 조정)",
    ],
)
def test_names_and_spaced_tokens_stay(text):
    assert paste.split_glued_ids(text) == [text]


# -- hostile input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "word " * 400_000,  # a 2 MB single line
        "가나다라" * 500_000,
        "[" * 50_000,
        "a1B" * 700_000 + "가",  # one huge Latin run glued to Hangul
        "> " * 1_000_000,
        " " * 2_000_000 + "x",
        "short line\n" * 100_000,
    ],
)
@pytest.mark.slow
def test_hostile_input_is_processed(text):
    for lang in ("en", "ko"):
        md = ingest.parse_markdown(text, lang)
        txt = ingest.parse_plain_text(text, lang)
        letters = sum(not c.isspace() and c not in "[>" for c in text)
        assert sum(len(b.text) for b in txt.blocks) >= letters
        assert all(b.text.strip() for b in md.blocks)


# -- page chrome as an alignment signal --------------------------------------------------------


def test_comments_pairs_with_its_translation_not_with_korean_only_chrome():
    from benchmarks.data import make_sentences
    from pipeline import app
    from pipeline.stages import align, terms

    en = make_sentences(["The minister said the plan would be published next week.", "Comments"])
    ko = make_sentences(["장관은 계획이 다음 주에 발표될 것이라고 말했다.", "댓글", "구독하기"])
    for side in (en, ko):
        for n, sentence in enumerate(side):
            sentence.block = n  # one line, one block, as pasted
    aligner = align.Aligner(extra_scorers=[app.dictionary_scorer(terms.bundled(), None)])
    beads = [(b.en, b.ko) for b in align.align(en, ko, aligner)]
    assert beads == [([0], [0]), ([1], [1]), ([], [2])]


def test_sample_as_pasted_through_add_matches_the_gold(tmp_path):
    """The sample pair as a reader pastes it (the Korean without blank lines, as copied from the
    translator), through `add`: the beads are the hand-checked gold's, and the Korean heading keeps
    its `1.` as the list marker of its block."""
    import json

    from pipeline import app
    from pipeline.workspace import Workspace

    raw = tmp_path / "raw"
    raw.mkdir()
    en = raw / "karpathy-2025.en.md"
    en.write_text((ROOT / "raw/karpathy-2025.en.md").read_text(encoding="utf-8"), encoding="utf-8")
    korean = SAMPLE_KO.read_text(encoding="utf-8")
    ko = raw / "karpathy-2025.ko.md"
    ko.write_text("\n".join(line for line in korean.split("\n") if line.strip()) + "\n", encoding="utf-8")
    article, _ = app.add_article(Workspace(tmp_path), en, ko, use_semantic=False)
    gold = json.loads((ROOT / "tests/data/karpathy-2025.gold.json").read_text())
    assert [(b.en, b.ko) for b in article.beads] == [(e, k) for e, k in gold]
    heading = article.ko.blocks[article.ko_sentences[3].block]
    assert (heading.kind, heading.marker, heading.text) == (
        "list_item",
        "1.",
        "검증 가능한 보상 기반 강화 학습(RLVR)",
    )
    assert article.en_sentences[4].text == "1. Reinforcement Learning from Verifiable Rewards (RLVR)"

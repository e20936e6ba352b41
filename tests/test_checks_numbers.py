"""The number check on names and number words: a number inside a name belongs to the name, and
Korean number words (native and Sino-Korean, with counters and ordinals) match English digits and
number words."""

from __future__ import annotations

import pytest

from pipeline.lang import numbers
from pipeline.models import Article, Bead, Block, Document, Sentence
from pipeline.stages import checks


@pytest.fixture(autouse=True)
def no_embeddings(monkeypatch):
    monkeypatch.setenv("READNOTES_SEMANTIC", "0")


def pair(en: str, ko: str) -> Article:
    return Article(
        "n",
        Document("en", [Block(0, "paragraph", en)]),
        Document("ko", [Block(0, "paragraph", ko)]),
        [Sentence(0, 0, en, 0, len(en))],
        [Sentence(0, 0, ko, 0, len(ko))],
        [Bead([0], [0], 0.9, en, ko)],
    )


def number_flags(en: str, ko: str) -> list[tuple[str, str]]:
    return [(f.severity, f.evidence) for f in checks.run_checks(pair(en, ko)) if f.check == "number"]


@pytest.mark.parametrize(
    ("text", "lang", "values"),
    [
        ("세 가지 기법", "ko", [3]),
        ("열두 개의 사과", "ko", [12]),
        ("스물세 명", "ko", [23]),
        ("두 번째 모델", "ko", [2]),
        ("열한 번째 시즌", "ko", [11]),
        ("둘째, 우리는", "ko", [2]),
        ("삼십 년 전", "ko", [30]),
        ("이백 명", "ko", [200]),
        ("삼천오백 명", "ko", [3500]),
        ("세 시간 동안", "ko", [3]),
        # not numbers: 이 "this", 세계 "world", 네 "yes"
        ("이 책은 좋다", "ko", []),
        ("세계 최고의 모델", "ko", []),
        ("네, 맞아요", "ko", []),
        ("the twelfth man and a dozen eggs", "en", [12, 12]),
    ],
)
def test_number_words_are_read(kiwi, text: str, lang: str, values: list[float]):
    assert [q.value for q in numbers.mentions(text, lang)] == values


def test_ambiguous_korean_number_words_are_soft_evidence():
    # 한 "a/one" and a rough count (두세 "two or three") never count like digits.
    assert all(q.soft for q in numbers.mentions("한 사람이 두세 명을 데려왔다", "ko"))
    # a numeral before a counter does; before a plain noun it is soft.
    [counted] = numbers.mentions("세 가지", "ko")
    [plain] = numbers.mentions("세 사람", "ko")
    assert not counted.soft and plain.soft


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("GPT-4o beat Llama 2 on Windows 11.", ["4", "2", "11"]),
        ("COVID-19 hit iPhone 15 sales; Python 3.12 and Software 3.0 too.", ["19", "15", "3.12", "3.0"]),
        ("In 2019 about 50 people came on May 5.", []),
        ("The 6-foot-6 forward scored in the 2-2 draw.", []),
    ],
)
def test_numbers_inside_names_are_marked(text: str, names: list[str]):
    assert [q.text.strip() for q in numbers.mentions(text, "en") if q.name] == names


@pytest.mark.parametrize(
    ("en", "ko"),
    [
        ("Twelve Techniques for Better Prompts", "더 나은 프롬프트를 위한 열두 가지 기법"),
        ("Three techniques help.", "세 가지 기법이 도움이 된다."),
        ("The 3 techniques help.", "세 가지 기법이 도움이 된다."),
        ("It is the third model this year.", "올해 세 번째 모델이다."),
        ("It took 30 years.", "삼십 년이 걸렸다."),
        ("First, we measure it.", "첫 번째로, 우리는 그것을 측정한다."),
        ("COVID-19 cut iPhone 15 sales by 8%.", "코로나19로 아이폰15 판매가 8% 줄었다."),
        ("Llama 2 has 70B parameters.", "라마2는 700억 개의 매개변수를 가진다."),
        ("GPT-4o and A100 GPUs.", "GPT-4o와 A100 GPU."),
        ("It was on May 30, 2005, four years ago.", "4년 전인 2005년 5월 30일이었다."),
        ("Livingston climb to third.", "리빙스턴은 3위로 올라섰다."),
    ],
)
def test_number_words_and_names_are_not_flagged(kiwi, en: str, ko: str):
    assert number_flags(en, ko) == []


@pytest.mark.parametrize(
    ("en", "ko", "evidence"),
    [
        ("Three techniques help.", "다섯 가지 기법이 도움이 된다.", "다섯"),
        ("The 12 rules apply.", "열한 개의 규칙이 적용된다.", "열한"),
        ("Llama 2 was released.", "라마 3이 공개되었다.", "3"),
        # an English ordinal is soft evidence, but a Korean rank nothing in the English matches changed it
        ("Livingston climb to third.", "리빙스턴은 30위로 올라섰다.", "30"),
        # the number shown is the one that stands for the number replaced, not the 1 of 1년
        ("He served a year after enlisting in Sept.", "그는 90월에 입대해 1년을 복무했다.", "90"),
    ],
)
def test_a_wrong_number_word_or_version_is_a_warning(kiwi, en: str, ko: str, evidence: str):
    assert number_flags(en, ko) == [("warning", evidence)]

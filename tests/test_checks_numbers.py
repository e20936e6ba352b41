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


# --- what a number counts (pipeline/data/number_counters.tsv) ------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "units"),
    [
        ("two years ago", "en", [{"year"}]),
        ("3 people and 40% of $2,000", "en", [{"person"}, {"percent"}, {"dollar"}]),
        ("three per cent, a five-year plan", "en", [{"percent"}, {"year"}]),
        ("the fifth floor and the 3rd", "en", [{"rank", "floor"}, {"rank"}]),
        ("up to a year", "en", [{"year"}]),
        ("3 suspects", "en", [set()]),
        ("십일 년 전 1가구 2주택자", "ko", [{"year"}, set(), set()]),
        ("3명과 40%, 2,000달러, 1만 명", "ko", [{"person"}, {"percent"}, {"dollar"}, {"person"}]),
        ("세 분, 다섯 번째, 30위, 5층", "ko", [{"person", "minute"}, {"rank"}, {"rank"}, {"floor"}]),
        ("3분기 매출", "ko", [set()]),
    ],
)
def test_what_a_number_counts_is_read(kiwi, text: str, lang: str, units: list[set[str]]):
    assert [set(q.units) for q in numbers.mentions(text, lang)] == units


def test_a_same_valued_number_without_a_counter_does_not_hide_a_changed_count(kiwi):
    # The misses' pattern: "two years" was accounted for by the 2 of 2주택자 ("second homes"),
    # leaving the wrong 십일 년 only info.
    en = "The higher levels introduced two years ago on second homes could be as much as three per cent."
    ko = "십일 년 전에 1가구 2주택자에게 도입된 더 높은 세율은 최대 3%까지 될 수 있다."
    assert number_flags(en, ko) == [("warning", "십일")]
    assert number_flags(en, ko.replace("십일 년", "2년")) == [("info", "1")]  # the 1 of 1가구


@pytest.mark.parametrize(
    ("en", "ko", "evidence"),
    [
        # same value, another counter: two years are not 2명
        ("It took two years.", "2명이 5년 동안 일했다.", "5년"),
        ("Sales rose 40% at three stores.", "세 매장에서 판매원이 40명 늘었다.", "40"),
        ("It cost $3,000 over 2 years.", "2년 동안 3천 원이 들었다.", "3천"),
        ("The talk lasted 30 minutes.", "강연에는 30명이 왔고 10분 동안 이어졌다.", "10"),
        # an English ordinal, now also against a Korean number word of rank
        ("It is the third model this year.", "올해 다섯 번째 모델이다.", "다섯"),
        ("The office is on the fifth floor.", "사무실은 4층에 있다.", "4"),
        # "a year" is one year: 2년 changed it
        ("He could be jailed for up to a year.", "그는 최대 2년의 징역형을 받을 수 있다.", "2년"),
        # the ordinal "second" is 두 번째, so 두 번째 does not account for "two" where 네 stands
        (
            "It opens in two stores, the first last week and a second next month.",
            "네 개의 매장에서 문을 여는데, 지난주에 처음으로 열었고 다음 달에 두 번째로 연다.",
            "네",
        ),
    ],
)
def test_a_number_that_counts_something_else_is_a_warning(kiwi, en: str, ko: str, evidence: str):
    assert number_flags(en, ko) == [("warning", evidence)]


@pytest.mark.parametrize(
    ("en", "ko"),
    [
        (
            "He went to his first Olympics aged 14 and his father died three years later.",
            "그는 14세에 첫 올림픽에 나갔고 아버지는 3년 후에 돌아가셨다.",
        ),
        ("Food sales were down three per cent.", "음식 매출은 3% 낮아졌다."),
        ("It cost $2,000.", "2천 달러가 들었다."),
        ("Three people came.", "세 분이 오셨다."),
        ("The talk lasted 30 minutes.", "강연은 30분 동안 이어졌다."),
        ("In 2019, two years after the law, sales fell.", "법 시행 2년 뒤인 2019년 매출이 줄었다."),
        ("It grew for the third consecutive year.", "3년 연속 성장했다."),
        ("The 10-year-old boy and 2 others were hurt.", "10살 소년과 다른 2명이 다쳤다."),
        ("He could be jailed for up to a year.", "그는 최대 1년의 징역형을 받을 수 있다."),
        ("A decade ago it was rare.", "10년 전에는 드물었다."),
        ("The office is on the fifth floor.", "사무실은 5층에 있다."),
        ("It rose in the third quarter.", "3분기에 올랐다."),
        (
            "It opens in two stores, the first last week and a second next month.",
            "두 개의 매장에서 문을 여는데, 지난주에 처음으로 열었고 다음 달에 두 번째로 연다.",
        ),
        ("She finished second, two seconds behind.", "그녀는 2초 뒤진 2위로 들어왔다."),
    ],
)
def test_numbers_counting_the_same_thing_are_not_flagged(kiwi, en: str, ko: str):
    assert number_flags(en, ko) == []


def test_a_korean_clause_is_not_held_to_the_numbers_of_the_rest_of_its_english(kiwi):
    from pipeline.stages.checks.additions import unsaid

    # The clause says 3분 35분; "four minutes later" is in another clause of the Korean, so it is no
    # sign that 3분 stands for it (the addition check compares a clause with the whole sentence).
    english = (
        "Dwyer's opener came in the fourth minute on 3:35 from a McFaull assist, with Beauvillier "
        "doubling the lead four minutes later."
    )
    assert unsaid("드와이어는 전반 3분 35분 맥파울의 도움으로 첫 골을 기록했고", english).numbers == []
    # but a Korean number counting something else than the English one of its value is unsaid
    assert unsaid("관중 4명이 다쳤고", english).numbers == ["4"]

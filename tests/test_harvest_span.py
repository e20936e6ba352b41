"""`terms harvest`: where the Korean span of 한국어(English) goes on past the noun run (issue 13).

The span goes on to the left while it stands for fewer words than the English has: through a
genitive, a word Kiwi reads as nouns elsewhere in the text, and one modifier that opens the noun
phrase. A span that still stands for too few words, or that took words it might not need, is listed
without being confident (`terms harvest --all` leaves it).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.stages import terms


def _candidate(text: str, english: str) -> terms.Candidate:
    [found] = [c for c in terms.harvest_text(text, terms.TermBase()) if c.english == english]
    return found


@pytest.mark.parametrize(
    "text, english, korean",
    [
        # a genitive, without 's or of in the English, with its own noun phrase
        ("단어 임베딩: 어휘의 의미(Lexical semantics)를 인코딩하기", "Lexical semantics", "어휘의 의미"),
        ("먼저 입력 데이터의 크기(input size)를 정한다.", "input size", "입력 데이터의 크기"),
        (
            "분류 문제에는 음의 로그 우도(Negative Log Likelihood)를 쓴다.",
            "Negative Log Likelihood",
            "음의 로그 우도",
        ),
        # a verb's modifier, after a genitive, a connective ending, a topic or a conjunction
        ("실제 값 사이의 틀린 정도(degree of dissimilarity)를 잰다.", "degree of dissimilarity", "틀린 정도"),
        (
            "연산을 기록하여 순환하지 않는 그래프(acyclic graph)를 만든다.",
            "acyclic graph",
            "순환하지 않는 그래프",
        ),
        ("그래서 순환하지 않는 그래프(acyclic graph)가 된다.", "acyclic graph", "순환하지 않는 그래프"),
        ("이는 학습된 모델(trained model)이다.", "trained model", "학습된 모델"),
        ("이는 효율적인 알고리즘(efficient algorithm)이다.", "efficient algorithm", "효율적인 알고리즘"),
        # a hyphenated English word: a noun or adverb with the modifier; a passive takes no object
        ("이는 잘 알려진 모델(well-known model)이다.", "well-known model", "잘 알려진 모델"),
        ("이는 잘 학습된 모델(well-trained model)이다.", "well-trained model", "잘 학습된 모델"),
        ("데이터를 사전 학습된 모델(pre-trained model)에 넣는다.", "pre-trained model", "사전 학습된 모델"),
        # a loanword read aloud in two words, past the English word budget
        ("학습 전에 하이퍼 파라미터(hyperparameter)를 정한다.", "hyperparameter", "하이퍼 파라미터"),
        # the modifier alone is glossed
        ("이는 사전 훈련된(pre-trained) 임베딩이다.", "pre-trained", "사전 훈련된"),
        # a noun Kiwi splits into noun + particle here (변화 + 도), and reads as a noun elsewhere
        (
            "변화도를 구한 뒤, 각 매개변수의 변화도 버퍼(gradient buffer)를 비운다.",
            "gradient buffer",
            "변화도 버퍼",
        ),  # fmt: skip
    ],
)
def test_span_goes_on_while_the_english_has_words_left(kiwi, text: str, english: str, korean: str):
    found = _candidate(text, english)
    assert (found.korean, found.confident) == (korean, True)


@pytest.mark.parametrize(
    "text, english, korean",
    [
        # the modifier has a clause of its own: an argument, an adverb before it
        ("예측이 값과 틀린 정도(degree of dissimilarity)를 잰다.", "degree of dissimilarity", "정도"),
        ("트럼프가 대법관으로 지명한 후보(Supreme Court nominee)가 말했다.", "Supreme Court nominee", "후보"),
        ("데이터가 순환하지 않는 그래프(acyclic graph)를 만든다.", "acyclic graph", "그래프"),
        ("이는 잘 학습된 모델(trained model)이다.", "trained model", "모델"),  # 잘 is not in the English
        # a clause about the past or the future
        ("이는 이미 학습했던 모델(trained model)이다.", "trained model", "모델"),
        ("이는 새로 학습할 모델(trained model)이다.", "trained model", "모델"),
        # 모델도 is 모델 + the particle 도, and nowhere a noun
        ("그 모델도 버퍼(gradient buffer)를 쓴다.", "gradient buffer", "버퍼"),
    ],
)
def test_span_standing_for_too_few_words_is_listed_not_confident(kiwi, text: str, english: str, korean: str):
    found = _candidate(text, english)
    assert (found.korean, found.confident) == (korean, False)
    assert "does not account for" in found.doubt


@pytest.mark.parametrize(
    "text, english, korean",
    [
        ("대통령인 국방장관(Defense Secretary)이 말했다.", "Defense Secretary", "국방장관"),  # a copula
        ("PyTorch의 신경망(neural network)을 쓴다.", "neural network", "신경망"),  # a Latin owner
        ("간단한 순전파 네트워크(Feed-forward network)입니다.", "Feed-forward network", "순전파 네트워크"),
        ("실제 값 사이의 틀린 정도(degree)를 잰다.", "degree", "정도"),  # nothing left to account for
        ("심층 신경망(deep neural network)을 쓴다.", "deep neural network", "심층 신경망"),  # 신경망: two
        ("이는 일반적인 손실 함수(loss function)이다.", "loss function", "손실 함수"),
        ("텐서 파라미터(parameter)를 바꾼다.", "parameter", "파라미터"),  # 텐서 is not part of the reading
    ],
)
def test_span_does_not_go_on_when_nothing_asks_for_it(kiwi, text: str, english: str, korean: str):
    found = _candidate(text, english)
    assert (found.korean, found.confident) == (korean, True)


@pytest.mark.parametrize(
    "text",
    ["대통령이 지명한(nominated) 사람", "공화당 소속인(R-Arizona) 의원", "데이터를 바꾸는(transform) 함수"],
)
def test_a_modifier_with_its_own_clause_is_no_gloss(kiwi, text: str):
    assert terms.harvest_text(text, terms.TermBase()) == []


def test_a_join_the_nouns_might_not_need_is_a_guess(kiwi):
    # 중앙은행 is one noun to Kiwi, but four syllables: it may be both words of "central bank".
    found = _candidate("한국의 중앙은행(central bank)이 발표했다.", "central bank")
    assert (found.korean, found.confident) == ("한국의 중앙은행", False)
    assert "may not be the term's" in found.doubt
    # 그래프 reads "graph" aloud: one word, so the modifier before it is needed.
    sure = _candidate("그래서 순환하지 않는 그래프(acyclic graph)가 된다.", "acyclic graph")
    assert sure.confident and not sure.doubt


def test_gloss_span_says_short_and_guess(kiwi):
    text = "예측이 값과 틀린 정도(degree of dissimilarity)를 잰다."
    span = terms.gloss_span(text, text.index("("), "degree of dissimilarity")
    assert span is not None and (span.text, span.short, span.guess) == ("정도", True, False)
    text = "한국의 중앙은행(central bank)"
    span = terms.gloss_span(text, text.index("("), "central bank")
    assert span is not None and (span.text, span.short, span.guess) == ("한국의 중앙은행", False, True)


def test_noun_readings_looks_at_the_other_sentences(kiwi):
    from pipeline.stages.terms.gloss_span import noun_readings

    read_as_noun = noun_readings(["변화도를 구한다.", "그 모델도 쓴다."])
    assert read_as_noun("변화도")  # 변화+도+를: nouns, then the particle
    assert not read_as_noun("모델도")  # 모델+도: a particle
    assert not read_as_noun("버퍼")  # not in the text


def test_harvest_all_leaves_a_short_span_listed_and_marked(home: Path, kiwi):
    notes = home / "notes.ko.md"
    notes.write_text(
        "실제 값 사이의 틀린 정도(degree of dissimilarity)를 잰다. "  # the modifier joins: confident
        "예측이 값과 틀린 정도(amount of dissimilarity)를 잰다.\n",  # 틀린 has its own clause: short
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["--home", str(home), "-q", "terms", "harvest", str(notes), "--all"])
    assert result.exit_code == 0, result.output
    assert "1 term added" in result.output and "1 left out" in result.output
    assert "? the English has words the Korean does not account for" in result.output
    listed = CliRunner().invoke(cli, ["--home", str(home), "terms", "list", "--user", "--json"])
    mine = json.loads(listed.stdout)
    assert [(t["term"], t["accepted"]) for t in mine] == [("degree of dissimilarity", ["틀린 정도"])]

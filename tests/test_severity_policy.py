"""The severity policy (pipeline/stages/checks/policy.py) is what the checks do: every rule has an
example here that the checks flag at exactly the rule's level, no check emits a level the policy
does not give it, and the review queue holds exactly the levels the policy says a reader must read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from test_checks import aligned_article, make_article
from test_checks_coverage import EN, KO, article_of

from pipeline.models import REVIEWED_SEVERITIES, Article, Flag
from pipeline.stages import checks, ingest, terms
from pipeline.stages.checks.policy import LEVELS, POLICY, severities
from pipeline.stages.llm.answer import ErrorSpan
from pipeline.stages.llm.review import llm_flags
from pipeline.stages.translate import back
from pipeline.stages.translate.cache import TranslationCache, text_hash


@pytest.fixture(autouse=True)
def no_embeddings(monkeypatch):
    monkeypatch.setenv("READNOTES_SEMANTIC", "0")


@dataclass
class Example:
    """An article and how to flag it; ``evidence`` is the text the rule's flag must point at."""

    article: Callable[[], Article]
    evidence: str
    termbase: Callable[[], terms.TermBase | None] = lambda: None
    flagger: str = "checks"  # or "back-translation", "llm"
    kw: dict = field(default_factory=dict)
    count: int | None = None  # how many flags of the rule's check the example must give, where it matters


def _forbidding_termbase() -> terms.TermBase:
    base = terms.bundled()
    sft = base.by_acronym["SFT"][0]
    return terms.TermBase([*base, terms.Term(**{**sft.__dict__, "forbidden": ["스위칭 함수 이론"]})])


def _gap_article() -> Article:
    from pipeline.app import build_article

    en_md = "# Title\n\n## One\n\nAlpha is here now.\n\n## Two\n\n" + "".join(
        f"{w} is here.\n\n" for w in ("Beta", "Gamma", "Delta")
    )
    ko_md = "# 제목\n\n## 하나\n\n알파가 지금 여기 있다.\n"
    return build_article(ingest.parse_markdown(en_md, "en"), ingest.parse_markdown(ko_md, "ko"), "gap", "t")


REPORTS_EN = [f"The {w} report came out on Monday morning." for w in ("alpha", "beta", "gamma", "delta")]
REPORTS_KO = [f"{w} 보고서가 월요일 아침에 나왔다." for w in ("알파", "베타", "감마", "델타")]
SAME = ("This is a normal sentence of English text.", "이것은 보통의 영어 문장이다.")

EXAMPLES: dict[str, Example] = {
    "acronym-gloss/forbidden": Example(
        lambda: make_article([("We start from SFT.", "우리는 SFT(스위칭 함수 이론)에서 시작한다.")]),
        "SFT(스위칭 함수 이론)",
        _forbidding_termbase,
    ),
    "acronym-gloss/contradicts": Example(
        lambda: make_article([("We start from SFT.", "우리는 SFT(스위칭 함수 이론)에서 시작한다.")]),
        "SFT(스위칭 함수 이론)",
    ),
    "acronym-gloss/other-sense": Example(
        lambda: make_article(
            [("SentencePiece (SP) splits words into pieces.", "SP(시퀀스 병렬화)는 단어를 조각으로 나눈다.")]
        ),
        "SP(시퀀스 병렬화)",
        lambda: terms.TermBase(
            [terms.Term("sequence parallelism", acronym="SP", accepted=["시퀀스 병렬화"])]
        ),
    ),
    "acronym-gloss/unweighed": Example(
        lambda: make_article(
            [("We use the Blorf Wexton Gramble (BWG) here.", "여기서는 무역 협정 위원회(BWG)를 쓴다.")]
        ),
        "무역 협정 위원회(BWG)",
        terms.TermBase,
    ),
    "acronym-gloss/unlike-definition": Example(
        lambda: make_article(
            [
                ("We use the Blorf Wexton Gramble (BWG) here.", "여기서는 무역 협정 위원회(BWG)를 쓴다."),
                ("Then BWG helps a lot.", "그다음 해양 보호 구역(BWG)이 크게 돕는다."),
            ]
        ),
        "해양 보호 구역(BWG)",
        terms.TermBase,
    ),
    "acronym-gloss/unknown": Example(
        lambda: make_article([("The ZQV rules changed.", "ZQV(무역 협정 위원회) 규칙이 바뀌었다.")]),
        "ZQV(무역 협정 위원회)",
        terms.TermBase,
    ),
    "term/forbidden": Example(
        lambda: make_article([("We tuned the learning rate.", "학습 속도를 조정했다.")]), "학습 속도"
    ),
    "term/missing": Example(
        lambda: make_article([("Pretraining is costly.", "그 과정은 비싸다.")]), "Pretraining"
    ),
    "term/missing-ambiguous": Example(
        lambda: make_article(
            [
                ("Reinforcement learning reduces hallucination.", "강화 학습은 그런 문제를 줄인다."),
                ("Pretraining comes first.", "사전 학습이 먼저다."),
            ]
        ),
        "hallucination",
    ),
    "number/changed": Example(
        lambda: make_article([("The model has 8 billion parameters.", "이 모델의 매개변수는 70억 개다.")]),
        "70억",
    ),
    "number/changed-word": Example(
        lambda: make_article([("The paper lists three techniques.", "이 논문은 다섯 가지 기법을 제시한다.")]),
        "다섯",
    ),
    "number/dropped": Example(
        lambda: make_article([("Sales rose 40 percent last year.", "작년에 매출이 크게 늘었다.")]),
        "40 percent",
    ),
    "number/added": Example(
        lambda: make_article([("Sales rose sharply last year.", "작년에 매출이 40% 늘었다.")]), "40%"
    ),
    "omission/sentence": Example(
        lambda: make_article([SAME, ("This second sentence has no Korean at all.", None), SAME]),
        "This second sentence has no Korean at all.",
    ),
    "omission/fragment": Example(lambda: make_article([SAME, ("Short one.", None), SAME]), "Short one."),
    "omission/gap": Example(_gap_article, "Two", count=1),
    "omission/folded": Example(
        lambda: aligned_article(
            REPORTS_EN,
            [REPORTS_KO[0], *REPORTS_KO[2:]],
            [([0, 1], [0], 0.35), ([2], [1], 0.8), ([3], [2], 0.75)],
        ),
        f"{REPORTS_EN[0]} {REPORTS_EN[1]}",
    ),
    "addition/sentence": Example(
        lambda: make_article([SAME, (None, "번역자가 덧붙인 꽤 긴 설명 문장입니다."), SAME]),
        "번역자가 덧붙인 꽤 긴 설명 문장입니다.",
    ),
    "addition/fragment": Example(lambda: make_article([SAME, (None, "광고"), SAME]), "광고"),
    "addition/gap": Example(
        lambda: article_of(
            EN,
            KO + [f"번역문은 원문보다 훨씬 길게 이어지는 {n}번째 문장을 담고 있습니다." for n in range(6)],
            [([0], [0]), ([1], [1])] + [([], [2 + n]) for n in range(6)],
        ),
        "번역문은 원문보다 훨씬 길게 이어지는 0번째 문장을 담고 있습니다.",
        count=1,
    ),
    "addition/invented": Example(
        lambda: article_of(
            EN[:1], ["이 모델은 공개 데이터로 학습되었으며, 라마 4는 2025년 4월에 공개되었다."], [([0], [0])]
        ),
        "라마 4는 2025년 4월에 공개되었다.",
    ),
    "addition/latin-id": Example(
        lambda: article_of(EN[:1], ["IMG_2041.png 모델은 공개 데이터로 학습되었다."], [([0], [0])]),
        "IMG_2041.png",
    ),
    "addition/chrome": Example(
        lambda: article_of(
            [*EN, "Comments"],
            [*KO, "댓글 3", "공유하기"],
            [([0], [0]), ([1], [1]), ([2], []), ([], [2]), ([], [3])],
        ),
        "댓글 3",
        count=1,
    ),
    "addition/folded": Example(
        lambda: aligned_article(
            REPORTS_EN[:3], REPORTS_KO, [([0], [0, 1], 0.3), ([1], [2], 0.8), ([2], [3], 0.75)]
        ),
        f"{REPORTS_KO[0]} {REPORTS_KO[1]}",
    ),
    "untranslated/unchanged": Example(
        lambda: make_article(
            [("This sentence was never translated.", "This sentence was never translated.")]
        ),
        "This sentence was never translated.",
    ),
    "untranslated/run": Example(
        lambda: make_article(
            [("He said it would rain.", "그는 it would be the case that rain 이라고 말했다.")]
        ),
        "it would be the case that rain",
    ),
    "inconsistent/within": Example(
        lambda: make_article(
            [
                ("Large language models are big.", "대규모 언어 모델은 크다."),
                ("Large language models are costly.", "대규모 언어 모델은 비싸다."),
                ("Large language models are slow.", "대형 언어 모델은 느리다."),
            ]
        ),
        "대형 언어 모델",
    ),
    "inconsistent/across": Example(
        lambda: make_article([("Large language models are big.", "대규모 언어 모델은 크다.")]),
        "대규모 언어 모델",
        kw={"usage": {"large language model": {"거대언어모델": {"older-article"}}}},
    ),
    "length/outlier": Example(
        lambda: make_article(
            [SAME] * 4
            + [("A very long English sentence that goes on and on about many different things.", "짧다.")]
        ),
        "짧다.",
    ),
    "low-confidence/pair": Example(lambda: make_article([SAME], score=0.3), SAME[1]),
    "back-translation/disagrees": Example(
        lambda: make_article([("These models offer high value for money.", "이 모델들은 비싸다.")]),
        "이 모델들은 비싸다.",
        flagger="back-translation",
    ),
    "llm/major": Example(
        lambda: make_article([("These models offer high value for money.", "이 모델들은 비싸다.")]),
        "비싸다",
        flagger="llm",
        kw={"severity": "major"},
    ),
    "llm/minor": Example(
        lambda: make_article([("These models offer high value for money.", "이 모델들은 비싸다.")]),
        "비싸다",
        flagger="llm",
        kw={"severity": "minor"},
    ),
}


def flags_for(example: Example) -> list[Flag]:
    article = example.article()
    if example.flagger == "back-translation":
        # The cache answers as a machine translator would, and nothing is sent.
        said = {text_hash(b.ko_text): "These models are expensive." for b in article.beads}
        cache = TranslationCache(lambda p, s, t, h: said.get(h), lambda *a: None)
        return back.back_translation_flags(article, back.cached_translator("libre"), cache)
    if example.flagger == "llm":
        span = ErrorSpan(example.evidence, "mistranslation", example.kw["severity"], "says the opposite", "")
        return llm_flags(article, {0: [span]}, "local-model")
    return checks.run_checks(article, example.termbase(), **example.kw)


def test_every_rule_has_an_example_and_every_level_a_meaning():
    assert set(EXAMPLES) == {r.key for r in POLICY}
    assert len({r.key for r in POLICY}) == len(POLICY)
    assert {r.severity for r in POLICY} <= set(LEVELS) == set(checks.SEVERITIES)
    assert set(checks.CHECKS) <= {r.check for r in POLICY}


@pytest.mark.parametrize("rule", POLICY, ids=lambda r: r.key)
def test_the_checks_follow_the_policy(rule, kiwi):
    example = EXAMPLES[rule.key]
    flags = flags_for(example)
    own = [
        f
        for f in flags
        if f.check == rule.check and (example.evidence in f.evidence or example.evidence == f.en_text)
    ]
    assert own and {f.severity for f in own} == {rule.severity}, (rule, flags)
    if example.count is not None:
        assert len([f for f in flags if f.check == rule.check]) == example.count, flags
    for f in flags:  # nothing else in the example breaks the policy either
        assert f.severity in severities(f.check), f


def test_the_review_queue_holds_what_the_reader_must_read():
    must_read = {level for level in LEVELS if level != "info"}
    assert set(REVIEWED_SEVERITIES) == must_read

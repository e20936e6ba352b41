"""The term base: TSV import/export, the bundled glossary, matching, extraction, harvest (issue 5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks import phrase_lookup
from benchmarks.data import load_documents
from pipeline import store as db
from pipeline.cli import cli
from pipeline.lang.phrases import Phrase, PhraseIndex
from pipeline.stages import ingest, terms

ROOT = Path(__file__).resolve().parent.parent
NTREX = ROOT / "tests" / "data" / "ntrex-4docs.tsv"
RAW = ROOT / "raw"
HEADER = "term\taliases\tacronym\taccepted\tforbidden\tnote\n"


@pytest.fixture(autouse=True)
def no_embeddings(monkeypatch):
    """The optional semantic extra is tested on its own; elsewhere results must not depend on it."""
    monkeypatch.setenv("READNOTES_SEMANTIC", "0")


def invoke(home: Path, *args: str, input: str | None = None, ok: bool = True):
    result = CliRunner().invoke(cli, ["--home", str(home), "-q", *args], input=input, catch_exceptions=not ok)
    if ok:
        assert result.exit_code == 0, result.output
    return result


# ---------------------------------------------------------------------------------------------
# TSV
# ---------------------------------------------------------------------------------------------


def test_parse_and_round_trip():
    text = HEADER + "reward model\treward models\tRM\t보상 모델\t보상 모형\tthe RL kind\n"
    [t] = terms.parse_tsv(text)
    assert (t.term, t.aliases, t.acronym, t.accepted, t.forbidden) == (
        "reward model",
        ["reward models"],
        "RM",
        ["보상 모델"],
        ["보상 모형"],
    )
    again = terms.parse_tsv(terms.to_tsv([t]))
    assert again[0].accepted == t.accepted and again[0].ambiguous is False


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ("a\tb\n", 1, "header"),
        (HEADER + "ok\t\t\t좋음\t\t\nbroken\tonly three\n", 3, "columns"),
        (HEADER + "\t\t\t좋음\t\t\n", 2, "term column is empty"),
        (HEADER + "x\t\t\t가|나\t나\t\n", 2, "both accepted and forbidden"),
        (HEADER + "x\t\t\t\t\tno renderings\n", 2, "neither accepted nor forbidden"),
        (HEADER + "x\t\t\t가\t\t\nX\t\t\t나\t\t\n", 3, "already defined on line 2"),
        (HEADER.rstrip("\n") + "\tambiguous\nx\t\t\t가\t\t\tmaybe\n", 2, "yes or no"),
        ("", 1, "empty"),
    ],
)
def test_malformed_tsv_names_the_line(body: str, line: int, message: str):
    with pytest.raises(terms.TermFileError) as e:
        terms.parse_tsv(body)
    assert e.value.line == line and message in str(e.value)


def test_import_is_all_or_nothing(home: Path, kiwi):
    bad = home / "bad.tsv"
    bad.write_text(HEADER + "good term\t\t\t좋은 용어\t\t\nbad\tterm\n", encoding="utf-8")
    result = invoke(home, "terms", "import", str(bad), ok=False)
    assert result.exit_code == 1
    assert (
        result.output.startswith("Error: ")
        and "line 3" in result.output
        and "Nothing was imported" in result.output
    )
    assert invoke(home, "terms", "list", "--user").output.startswith("No terms of your own")


def test_import_export_round_trip(home: Path, kiwi):
    good = home / "good.tsv"
    good.write_text(HEADER + "widget learning\t\tWL\t위젯 학습\t위젯 배움\tmade up\n", encoding="utf-8")
    assert "Imported 1 term from" in invoke(home, "terms", "import", str(good)).output
    listed = json.loads(invoke(home, "terms", "list", "--user", "--json").stdout)
    assert listed[0]["accepted"] == ["위젯 학습"] and listed[0]["source"] == "import"
    out = home / "export.tsv"
    invoke(home, "terms", "export", "--user", "--out", str(out))
    assert terms.parse_tsv(out.read_text(encoding="utf-8"))[0].forbidden == ["위젯 배움"]
    # The full export is the bundled glossary plus the user's entry, and it re-parses.
    full = invoke(home, "terms", "export").stdout
    assert len(terms.parse_tsv(full)) == len(terms.bundled()) + 1


def test_terms_add_extends_a_bundled_entry(home: Path, kiwi):
    out = invoke(
        home, "terms", "add", "SFT", "--ko", "지도 학습 기반 파인튜닝", "--forbid", "감독형 미세 조정"
    ).output
    assert "supervised fine-tuning (SFT)" in out and "✗" in out
    entry = terms.bundled().merged(db.user_terms(db.open_db(home / "notes.db"))).get("SFT")
    assert "지도 미세 조정" in entry.accepted and "지도 학습 기반 파인튜닝" in entry.accepted
    assert "감독형 미세 조정" in entry.forbidden


def test_terms_add_needs_a_rendering(home: Path, kiwi):
    result = invoke(home, "terms", "add", "a brand new idea", ok=False)
    assert result.exit_code == 1 and "--ko" in result.output


# ---------------------------------------------------------------------------------------------
# The bundled glossary
# ---------------------------------------------------------------------------------------------


def test_bundled_glossary_is_large_and_has_the_stages():
    base = terms.bundled()
    assert len(base) >= 150
    assert "지도 미세 조정" in base.get("SFT").accepted and "지도 학습 미세 조정" in base.get("SFT").accepted
    assert "인간 피드백 기반 강화 학습" in base.get("RLHF").accepted
    assert "검증 가능한 보상 기반 강화 학습" in base.get("RLVR").accepted
    assert {"대규모 언어 모델", "대형 언어 모델"} <= set(base.get("LLM").accepted)
    for name in ("DPO", "PPO", "MoE", "RAG", "KV cache", "GQA", "CoT", "pretraining", "post-training",
                 "fine-tuning", "inference", "reasoning", "distillation"):  # fmt: skip
        assert base.get(name) is not None, name
    assert all(t.accepted for t in base), "every bundled entry has an accepted rendering"


# ---------------------------------------------------------------------------------------------
# Matching
# ---------------------------------------------------------------------------------------------


def test_english_matching_is_whole_word_and_case_aware():
    base = terms.bundled()

    def found(text: str) -> list[str]:
        return [h.term.term for h in base.find_english(text)]

    assert found("a fragment of text") == []  # RAG inside a word
    assert found("Moe went home") == []  # MoE is case-sensitive
    assert found("Many LLMs use RAG.") == ["large language model", "retrieval-augmented generation"]
    assert found("fine-tuning, finetuning and fine tuning") == ["fine-tuning"] * 3
    # The longest term wins where terms overlap.
    assert found("Reinforcement Learning from Human Feedback") == [
        "reinforcement learning from human feedback"
    ]


def test_korean_matching_ignores_particles_and_keeps_morpheme_boundaries(kiwi):
    index = terms.korean_index(
        "지도 미세 조정을 거친 대규모 언어 모델의 모델링, 인간 피드백으로부터의 강화 학습"
    )
    assert index.contains("지도 미세 조정")  # 을 does not break it
    assert index.contains("대규모 언어모델")  # spacing differs
    assert index.contains("인간 피드백 강화 학습")  # particles inside are skipped
    assert [index.text[s:e] for s, e in index.find("모델")] == ["모델"]  # 언어 모델's, not 모델링's
    assert index.find("모델")[0][0] == index.text.index("모델의")
    start, end = index.find("지도 미세 조정")[0]
    assert index.text[start:end] == "지도 미세 조정"


# ---------------------------------------------------------------------------------------------
# Extraction
# ---------------------------------------------------------------------------------------------


def test_english_definitions_and_support():
    [d] = terms.english_definitions("Reinforcement Learning from Human Feedback (RLHF ~2022)")
    assert (d.acronym, d.long_form) == ("RLHF", "Reinforcement Learning from Human Feedback")
    [d] = terms.english_definitions("a change to MWPs (Member of the Welsh Parliament).")
    assert d.acronym == "MWP" and d.long_form == "Member of the Welsh Parliament"
    assert terms.english_supports("ASN", "Data from the Aviation Safety Network indicates")
    assert terms.english_supports("BDI", "the Federation of German Industries (BDI) said")
    assert not terms.english_supports("SFT", "Unlike the SFT and RLHF stage, which are short")


def test_korean_parentheticals(kiwi):
    found = terms.korean_parentheticals(
        "SFT(스위칭 함수 이론) 및 2025년, 검증 가능한 보상 기반 강화 학습(RLVR)이"
    )
    assert [(p.kind, p.latin, p.korean) for p in found] == [
        ("acronym-gloss", "SFT", "스위칭 함수 이론"),
        ("gloss-acronym", "RLVR", "검증 가능한 보상 기반 강화 학습"),
    ]
    text = "전문가 혼합 모델(mixture-of-experts models)을 쓴다. OpenAI o1(2024년 말)은"
    [p] = terms.korean_parentheticals(text)
    assert (p.kind, p.latin, p.korean) == ("ko-en", "mixture-of-experts models", "전문가 혼합 모델")
    assert terms.korean_parentheticals("사전 학습(GPT-2/3, ~2020년)") == ()


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # Kiwi reads 혼란도 and 정확도 as a noun and the particle 도; a particle goes after the
        # parenthesis, so the gloss is the whole word
        ("환자는 혼란도(HER2) 양성이다.", [("gloss-acronym", "HER2", "혼란도")]),
        ("정확도(accuracy)가 높다.", [("ko-en", "accuracy", "정확도")]),
        # 을 and 의 end no noun: no gloss is read from a word with them
        ("인공지능을(AI) 쓴다.", []),
        ("모델의(model) 크기", []),
    ],
)
def test_a_noun_ending_in_a_particles_syllable_is_a_gloss(kiwi, text: str, found: list[tuple[str, str, str]]):
    assert [(p.kind, p.latin, p.korean) for p in terms.korean_parentheticals(text)] == found


# ---------------------------------------------------------------------------------------------
# Harvest
# ---------------------------------------------------------------------------------------------


def test_harvest_text_classifies_candidates(kiwi):
    text = (
        "전문가 혼합 모델(mixture-of-experts models)은 트럼프(Trump)가 좋아한다.\n\nLLM(학습 모델)은 강하다."
    )
    found = {c.english: c for c in terms.harvest_text(text, terms.bundled())}
    assert found["mixture-of-experts models"].korean == "전문가 혼합 모델"
    assert found["LLM"].status == "conflict" and "대규모 언어 모델" in found["LLM"].reason
    assert "Trump" not in found  # a name read aloud is not a term


def test_harvest_takes_an_acronyms_english_from_the_articles_expansion(kiwi):
    """The English side of `한국어(ACR)` is the words the English spells the acronym with, as the
    acronym-gloss check reads them: Schwartz-Hearst alone would take "policy optimization" for PPO."""
    from test_checks import make_article

    article = make_article(
        [("We use proximal policy optimization (PPO) here.", "여기서는 근접 정책 최적화(PPO)를 쓴다.")]
    )
    assert terms.article_definitions(article) == {"PPO": "proximal policy optimization"}
    [found] = [c for c in terms.harvest_article(article, terms.TermBase()) if c.acronym == "PPO"]
    assert (found.english, found.korean) == ("proximal policy optimization", "근접 정책 최적화")


@pytest.mark.parametrize(
    "text, english, korean",
    [
        # the noun phrase only: no numeral, determiner, clause, particle or preceding noun
        ("이 모델은 270억 개의 매개변수(params)를 가진다.", "params", "매개변수"),
        ("LLM은 들쭉날쭉한 지능(Jagged Intelligence)을 보여 준다.", "Jagged Intelligence", "들쭉날쭉한 지능"),
        ("간단한 순전파 네트워크(Feed-forward network)입니다.", "Feed-forward network", "순전파 네트워크"),
        ("이는 모델 후처리 학습(model post-training) 단계다.", "model post-training", "모델 후처리 학습"),
        ("독일의 주요 산업 단체인 독일산업협회(BDI)는 말했다.", "BDI", "독일산업협회"),
        ("경비가 삼엄한 비무장지대(DMZ)가 있다.", "DMZ", "비무장지대"),
        ("검증 가능한 보상 기반 강화 학습(RLVR)이 떠올랐다.", "RLVR", "검증 가능한 보상 기반 강화 학습"),
        (
            "그는 중국의 국립자연과학재단(China's National Natural Science Foundation)에서 일했다.",
            "China's National Natural Science Foundation",
            "중국의 국립자연과학재단",
        ),  # fmt: skip
        ("아리조나의 국립 기상국(National Weather Service) 발표", "National Weather Service", "국립 기상국"),
        ("# 아핀(affine) 연산", "affine", "아핀"),
        ("ASCII코드 대신 원핫 인코딩(one-hot encoding)을 쓴다.", "one-hot encoding", "원핫 인코딩"),
        ("GPU로 이동, 내보내기(exporting) 등의 작업", "exporting", "내보내기"),
    ],
)
def test_harvest_span_is_exactly_the_noun_phrase(kiwi, text: str, english: str, korean: str):
    [found] = [c for c in terms.harvest_text(text, terms.bundled()) if english in (c.english, c.acronym)]
    assert found.korean == korean


@pytest.mark.parametrize(
    "text",
    [
        "일론 머스크가 원래 테슬라(Tesla)를 세운 것은 아니다.",
        "대통령이 대법관으로 지명한 브렛 캐버노(Brett Kavanaugh)가 말했다.",
        "공화당은 크리스틴 블레이시 포드(Christine Blasey Ford)를 불렀다.",
        "그는 오셀로(Othello)에서 이겼다.",
        "영화제작자 Dustin Lance Black(더스틴 랜스 블랙)과 결혼했다.",
    ],
)
def test_harvest_drops_names_read_aloud(kiwi, text: str):
    assert terms.harvest_text(text, terms.bundled()) == []


def test_harvest_confidence_and_duplicates(kiwi):
    text = (
        "미국 국립 허리케인 센터(National Hurricane Center)는 경고했다. "
        "국립 허리케인 센터(National Hurricane Center)가 또 경고했다.\n\n"
        "모델 후처리 학습(model post-training)과 모델 후처리 학습(model post-training)."
    )
    found = terms.harvest_text(text, terms.bundled())
    assert [(c.english, c.korean) for c in found] == [
        ("National Hurricane Center", "국립 허리케인 센터"),
        ("model post-training", "모델 후처리 학습"),
    ]
    first = found[0]  # the noun phrase went on (미국): a guess where it starts, said so
    assert first.confidence < 1.0 and "goes on" in first.doubt
    assert found[1].confidence == 1.0 and found[1].confident


def test_harvest_reports_a_conflict_inside_a_longer_term(kiwi):
    # "post-training" is in the bundled glossary (사후 학습, 후학습, …); the phrase around it is not.
    [c] = terms.harvest_text("이는 모델 후처리 학습(model post-training) 단계다.", terms.bundled())
    assert c.status == "conflict" and "post-training" in c.reason and "사후 학습" in c.reason
    [ok] = terms.harvest_text("이는 모델 사후 학습(model post-training) 단계다.", terms.bundled())
    assert ok.status == "new"


def test_harvest_reports_a_real_conflict(kiwi):
    mine = terms.Term("model post-training", accepted=["모델 사후 학습"], source="add")
    base = terms.bundled().merged([mine])
    [c] = terms.harvest_text("이는 모델 후처리 학습(model post-training) 단계다.", base)
    assert c.status == "conflict" and "모델 사후 학습" in c.reason


def test_harvest_sample_article(home: Path, kiwi):
    invoke(home, "add", "raw/karpathy-2025.en.md")
    found = json.loads(invoke(home, "terms", "harvest", "karpathy-2025", "--json").stdout)
    by_korean = {c["korean"]: c for c in found}
    rlvr = by_korean["검증 가능한 보상 기반 강화 학습"]
    assert rlvr["english"] == "Reinforcement Learning from Verifiable Rewards" and rlvr["acronym"] == "RLVR"
    assert by_korean["역추적 함수 이론"]["status"] == "conflict"


def test_harvest_file_confirms_into_the_base(home: Path, kiwi, monkeypatch):
    notes = home / "notes.ko.md"
    notes.write_text(
        "모델의 위젯 증류(widget distillation)를 쓴다. 가젯 정렬(gadget alignment)도.\n", encoding="utf-8"
    )
    # Non-interactive without --all or --json: refused with a hint.
    refused = invoke(home, "terms", "harvest", str(notes), ok=False)
    assert refused.exit_code == 1 and "--json" in refused.output
    monkeypatch.setattr("pipeline.cli.common.stdin_is_interactive", lambda: True)
    result = invoke(home, "terms", "harvest", str(notes), input="yn")  # single keys, no Enter
    assert "1 term added" in result.output
    listed = json.loads(invoke(home, "terms", "list", "--user", "--json").stdout)
    assert [(t["term"], t["accepted"]) for t in listed] == [("widget distillation", ["위젯 증류"])]


def test_harvest_all_adds_only_confident_new_pairs(home: Path, kiwi):
    notes = home / "notes.ko.md"
    notes.write_text(
        "모델의 위젯 증류(widget distillation)를 쓴다. "  # confident, new
        "미국 가젯 정렬(gadget alignment)도 있다. "  # the noun phrase goes on: a doubt, still confident
        "스코틀랜드 하이랜드(Scottish Highlands)에서. "  # half read aloud: perhaps a name, not sure
        "SFT(스위칭 함수 이론)는 틀렸다.\n",  # a conflict with the bundled glossary
        encoding="utf-8",
    )
    listed = json.loads(invoke(home, "terms", "harvest", str(notes), "--json").stdout)
    assert {c["english"]: c["confident"] for c in listed} == {
        "widget distillation": True,
        "gadget alignment": True,
        "Scottish Highlands": False,
        "SFT": True,
    }
    result = invoke(home, "terms", "harvest", str(notes), "--all")
    assert "2 terms added" in result.output and "2 left out" in result.output
    assert "? the Korean noun phrase goes on" in result.output and "? may be a name" in result.output
    mine = json.loads(invoke(home, "terms", "list", "--user", "--json").stdout)
    assert sorted((t["term"], t["accepted"]) for t in mine) == [
        ("gadget alignment", ["가젯 정렬"]),
        ("widget distillation", ["위젯 증류"]),
    ]


# ---------------------------------------------------------------------------------------------
# Editing and removing entries
# ---------------------------------------------------------------------------------------------


def test_terms_edit_overrides_and_remove_restores_a_bundled_entry(home: Path):
    edited = invoke(
        home, "terms", "edit", "RLHF", "--forbid", "지도 미세 조정", "--drop-ko", "인간 피드백 강화 학습"
    )
    assert "✗ 지도 미세 조정" in edited.output and "[edit]" in edited.output
    [mine] = json.loads(invoke(home, "terms", "list", "--user", "--json").stdout)
    assert mine["acronym"] == "RLHF" and "인간 피드백 강화 학습" not in mine["accepted"]
    assert mine["forbidden"] == ["지도 미세 조정"] and "인간 피드백 기반 강화 학습" in mine["accepted"]
    # Removing the override (by any of its names) brings the bundled entry back.
    removed = invoke(home, "terms", "remove", "reinforcement learning from human feedback")
    assert "Removed your entry" in removed.output and "bundled entry applies again" in removed.output
    assert json.loads(invoke(home, "terms", "list", "--user", "--json").stdout) == []
    [back] = json.loads(invoke(home, "terms", "list", "RLHF", "--json").stdout)
    assert back["forbidden"] != ["지도 미세 조정"] and "인간 피드백 강화 학습" in back["accepted"]


def test_terms_remove_your_own_entry(home: Path):
    invoke(home, "terms", "add", "widget distillation", "--ko", "위젯 증류", "--acronym", "WD")
    result = invoke(home, "terms", "remove", "WD")
    assert "Removed your entry for widget distillation (WD)." in result.output
    assert "bundled" not in result.output
    assert json.loads(invoke(home, "terms", "list", "--user", "--json").stdout) == []


@pytest.mark.parametrize(
    "args, message",
    [
        (("remove", "RLHF"), "is in the bundled glossary and cannot be removed, only overridden"),
        (("remove", "no such term"), "no term 'no such term' in the term base"),
        (("edit", "no such term", "--ko", "무엇"), "no term 'no such term' in the term base. Add it"),
        (("edit", "RLHF"), "nothing to change. Give --ko"),
        (
            ("edit", "RLHF", "--drop-ko", "지도 미세 조정"),
            "'지도 미세 조정' is not one of the accepted renderings",
        ),
        (
            ("edit", "RLHF", "--drop-forbid", "없는 번역"),
            "'없는 번역' is not one of the forbidden renderings",
        ),
    ],
)
def test_terms_edit_and_remove_bad_input(home: Path, args: tuple[str, ...], message: str):
    result = invoke(home, "terms", *args, ok=False)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.startswith("Error: ") and message in result.output
    assert json.loads(invoke(home, "terms", "list", "--user", "--json").stdout) == []  # nothing saved


def test_terms_edit_refuses_to_leave_no_rendering(home: Path):
    invoke(home, "terms", "add", "widget distillation", "--ko", "위젯 증류")
    result = invoke(home, "terms", "edit", "widget distillation", "--drop-ko", "위젯 증류", ok=False)
    assert result.exit_code == 1 and "no rendering" in result.output and "terms remove" in result.output
    [kept] = json.loads(invoke(home, "terms", "list", "--user", "--json").stdout)
    assert kept["accepted"] == ["위젯 증류"]


# ---------------------------------------------------------------------------------------------
# Token lookup: the same matches as the regex alternation it replaced
# ---------------------------------------------------------------------------------------------


def test_phrase_index_allows_gaps_only_between_words_and_prefers_the_longer_pattern():
    index = PhraseIndex(
        [
            Phrase(("fine", "tuning"), ("s", "es"), "ft"),
            Phrase(("reinforcement", "learning"), ("s", "es"), "rl"),
            Phrase(("reinforcement", "learning", "from", "human", "feedback"), ("s", "es"), "rlhf"),
            Phrase(("C++",), ("s",), "cpp"),
        ]
    )

    def found(text: str) -> list[tuple[str, str]]:
        return [(m.phrase.value, text[m.start : m.end]) for m in index.find(text)]

    assert found("Fine-tuning, finetunings and fine - tuning") == [
        ("ft", "Fine-tuning"),
        ("ft", "finetunings"),
        ("ft", "fine - tuning"),
    ]
    assert found("fi ne tuning, refine tuning, fine tuning2") == []  # inside words, or split inside one
    assert found("Reinforcement learning from human feedback (RLHF) beats reinforcement learning") == [
        ("rlhf", "Reinforcement learning from human feedback"),
        ("rl", "reinforcement learning"),
    ]
    assert found("C++ and C++s, not C + +") == [("cpp", "C++"), ("cpp", "C++s")]
    assert PhraseIndex([]).find("anything") == []


@pytest.mark.slow
def test_term_lookup_finds_what_the_regex_alternation_found():
    """Hit for hit, on the small NTREX sample (English with case and hyphen variants, and Korean),
    the bundled sample, and sentences built around every eighth glossary form
    (benchmarks/phrase_lookup.py runs this on the whole NTREX dev set and every form)."""
    base = terms.bundled()
    docs = load_documents(NTREX)
    sample = [b.text for b in ingest.read_document(ROOT / "raw/karpathy-2025.en.md", "en").blocks]
    english = [r for doc in docs for r in doc.en_rows] + sample
    sentences = [v for s in english for v in phrase_lookup.variants(s)[::3]]  # as is, Title, no hyphens
    sentences += [r for doc in docs for r in doc.ko_rows]  # Latin terms next to Hangul
    sentences += phrase_lookup.form_sentences(base)[::8]
    forms = phrase_lookup.dictionary_forms(base)
    checks = [
        (phrase_lookup.termbase_alternation(base), phrase_lookup.termbase_lookup(base)),
        (phrase_lookup.dictionary_alternation(forms), phrase_lookup.dictionary_lookup(forms)),
    ]
    for old, new in checks:
        old_hits = [old(s) for s in sentences]
        assert sum(map(len, old_hits)) > 300  # the sentences do hold terms
        assert [new(s) for s in sentences] == old_hits


def test_get_finds_a_term_by_any_of_its_forms_as_the_first_entry_having_it():
    """get() looks forms up in a dict: the same answers as scanning every entry in order."""
    base = terms.bundled()

    def scanned(name: str) -> terms.Term | None:
        key = terms.term_key(name)
        acronyms = base.by_acronym.get(terms.acronym_key(name))
        forms = (e for e in base if key in {terms.term_key(f) for f in e.english_forms})
        return base.by_key.get(key) or (acronyms[0] if acronyms else next(forms, None))

    names = [f for t in base for f in t.english_forms] + ["Fine Tuning", "no such term", "LLMS"]
    assert all(base.get(name) is scanned(name) for name in names)
    assert base.get("no such term") is None


@pytest.mark.parametrize("blank", ["", "   ", "-"])
def test_a_blank_term_is_refused_in_one_line(home, blank):
    result = CliRunner().invoke(cli, ["--home", str(home), "terms", "add", blank, "--ko", "보상"])
    assert result.exit_code == 1 and result.output.startswith("Error: ") and "is not a term" in result.output
    assert result.output.count("\n") == 1

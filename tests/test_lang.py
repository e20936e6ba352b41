"""The language layer: light to import, and each utility once (examples from the stage tests)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.lang import en, keys, ko, spans, translit
from pipeline.stages import search, segment, terms, vocab

HEAVY = ("spacy", "kiwipiepy", "pysbd", "numpy")


def test_importing_the_language_layer_loads_no_heavy_backend():
    modules = [
        "pipeline.lang",
        "pipeline.lang.en",
        "pipeline.lang.ko",
        "pipeline.lang.translit",
        "pipeline.lang.numbers",
        "pipeline.lang.keys",
        "pipeline.lang.spans",
        # the stages built on it build their backends on first use too
        "pipeline.stages.segment",
        "pipeline.stages.search",
        "pipeline.stages.terms",
        "pipeline.stages.vocab",
    ]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        f"print(' '.join(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"loaded at import: {out.stdout.strip()}"


# --- one backend each ---------------------------------------------------------------------------


def test_one_kiwi_and_one_english_pipeline(kiwi, nlp):
    assert ko.kiwi() is kiwi is segment.kiwi()
    assert en.nlp() is nlp is segment.english_nlp()
    assert en.tokenizer() is nlp.tokenizer


def test_morphemes_share_one_cached_analysis(kiwi):
    text = "지도 미세 조정을 거친 모델이 컴퓨팅 자원을 먹었습니다."
    assert ko.morphemes(text) is ko.morphemes(text)
    ko.morphemes("자원")  # the gloss below is a text of its own
    runs = ko.analyse.cache_info().misses
    terms.korean_index.cache_clear()
    terms.korean_index(text)  # the term matcher reads the same analysis: no second Kiwi run
    vocab.korean_spans(["자원"], list(ko.morphemes(text)))
    assert search.index_terms(text, "ko")
    assert ko.analyse.cache_info().misses == runs


# --- English ------------------------------------------------------------------------------------


def test_tokens_use_the_lookup_table_in_any_case(nlp):
    lemmas = {t.text: t.lemma for t in en.tokens("Gobbled it! GOBBLED. Models were running with her.")}
    assert lemmas["Gobbled"] == lemmas["GOBBLED"] == "gobble"
    assert (lemmas["Models"], lemmas["were"], lemmas["running"]) == ("model", "be", "run")
    # Search stores these: no rule guesses, which would turn "her" into the letter "h".
    assert lemmas["her"] == "her"


def test_the_lemmatizer_guesses_forms_the_table_lacks():
    lemmatize = en.lemmatizer()
    assert lemmatize("gobbled") == "gobble"
    assert lemmatize("jaggies") == "jaggy"  # not in the lookup table: the rules find the base form
    assert "exfiltrate" in lemmatize.candidates("exfiltrated")
    assert "coin" in lemmatize.verbs
    assert lemmatize.looked_up("jaggies") == "jaggies"


def test_one_lemmatizer_serves_search_and_vocabulary(nlp):
    assert search.index_terms("Models were running", "en").split() == [
        "model",
        "models",
        "be",
        "were",
        "run",
        "running",
    ]
    assert vocab.citation_form("Gobbled up") == "gobble up"
    assert vocab.citation_form("i coined the term") == "coin the term"


def test_word_classes_are_one_list_per_purpose():
    classes = en.word_classes()
    assert {"subject", "determiner", "noun_linker", "gap_stop", "acronym_skip", "function"} <= set(classes)
    assert "i" in en.word_class("subject") and "the" in en.word_class("determiner")
    # Same word, different jobs: "of" is skipped in initials, but links a noun phrase for vocab.
    assert "of" in en.word_class("acronym_skip") and "of" in en.word_class("noun_linker")
    assert terms.initials_spell("RLHF", "Reinforcement Learning from Human Feedback".split())


# --- Korean -------------------------------------------------------------------------------------


def test_hangul_patterns():
    assert ko.has_hangul("ㅋㅋ") and ko.has_hangul("모델") and not ko.has_hangul("model")
    assert ko.HANGUL_WORD.findall("웨일스의 AMs와 MWPs") == ["웨일스의", "와"]
    assert not ko.HANGUL_SYLLABLE.search("ㅋㅋ")


def test_morphemes_carry_lemmas_and_purpose_named_tags(kiwi):
    text = "모델이 컴퓨팅 자원을 먹었습니다."
    by_form = {m.text: m for m in ko.morphemes(text)}
    assert by_form["먹"].lemma == "먹다"
    assert by_form["모델"].tag.startswith(ko.SEARCHABLE_TAG_PREFIXES)
    assert ko.base_tag(by_form["모델"].tag) in ko.GLOSS_CONTENT_TAGS
    assert by_form["을"].tag in ko.PARTICLE_TAGS
    assert ko.base_tag("VA-I") == "VA"


# --- keys ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"), [("TL;DR", "tldr"), ("Gobbled-up", "gobbled up"), ("ｆｕｌｌ ｗｉｄｔｈ", "full width")]
)
def test_vocab_key_forgives_punctuation(a: str, b: str):
    assert keys.vocab_key(a) == keys.vocab_key(b) == vocab.term_key(a)


def test_glossary_key_folds_case_space_and_hyphen_only():
    assert keys.glossary_key("Fine-tuning") == keys.glossary_key("fine  tuning") == "fine tuning"
    assert keys.glossary_key("C++") != keys.glossary_key("C")  # punctuation names a different term
    assert terms.term_key is keys.glossary_key and vocab.term_key is keys.vocab_key


# --- transliteration: one skeleton for the aligner and the checks --------------------------------


@pytest.mark.parametrize(
    ("latin", "hangul", "reading"),
    [
        ("FBI", "에프비아이", True),
        ("Trump", "트럼프", True),
        ("FEMAIL", "피메일", True),
        ("JAY-Z", "제이-지", True),
        ("Merriweather", "메리웨더", True),
        ("Christine", "크리스틴", True),
        ("Rapper", "래퍼", True),
        ("The Guardian", "가디언", True),
        ("FBI", "연방수사국", False),
        ("SFT", "스위칭 함수 이론", False),
        ("LLM", "학습 모델", False),
        ("PBS", "폭스", False),
        ("There", "그들의", False),
    ],
)
def test_transliterates(latin: str, hangul: str, reading: bool):
    assert translit.transliterates(latin, hangul) is reading
    assert terms.transliterates is translit.transliterates


def test_skeleton_keys_meet_across_scripts():
    assert translit.korean_keys("웨일스의 의원들") & translit.english_keys("Welsh AMs")
    assert translit.hangul_skeleton("트럼프") in translit.english_skeletons("Trump")


# --- marking spans ------------------------------------------------------------------------------


def test_mark_spans_merges_overlaps_and_escapes_only_the_text():
    text = "a <big> cat & dog"
    assert spans.mark_spans(text, [(2, 7), (4, 6), (8, 11)], ("[", "]")) == "a [<big>] [cat] & dog"
    html = spans.highlight_html(text, [(12, 13), (8, 11)])
    assert html == "a &lt;big&gt; <b>cat</b> <b>&amp;</b> dog"
    assert spans.mark_spans(text, [(0, 1)], lambda s: s.upper() + "!") == "A! <big> cat & dog"
    assert spans.mark_spans("abc", [(1, 99), (5, 9)]) == "a[bc]"


def test_every_highlighter_is_the_shared_one():
    match = search.Match("s", "t", "en", 0, "gobbled it up", spans=[(0, 7), (11, 13)])
    assert match.marked() == "[gobbled] it [up]"
    assert vocab.highlight("x < y", [(4, 5)]) == "x &lt; <b>y</b>"
    text = "SFT(스위칭 함수 이론) 및 RLHF"
    evidence = "SFT(스위칭 함수 이론)"
    assert spans.mark_spans(text, spans.first_occurrence(text, evidence), ("[[", "]]")).startswith(
        f"[[{evidence}]]"
    )
    assert spans.first_occurrence(text, "") == [] and spans.first_occurrence(text, "없음") == []


# --- cost: what is built, and when ---------------------------------------------------------------


def _heavy_after(code: str) -> set[str]:
    """Heavy backends a fresh process has imported after running code."""
    probe = f"import sys\n{code}\nprint(' '.join({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_lemmas_and_an_empty_word_list_need_no_spacy():
    code = (
        "from pipeline.lang import en\n"
        "from pipeline.stages import vocab\n"
        "assert en.lemmatizer().looked_up('Gobbled') == 'gobble'\n"
        "tagger = vocab.Tagger([])\n"
        "assert len(tagger) == 0 and tagger.tag_texts(['A sentence.']) == []\n"
    )
    assert "spacy" not in _heavy_after(code)


def test_kiwi_is_built_lean():
    assert ko.KIWI_OPTIONS == {"model_type": "cong", "load_typo_dict": False, "load_multi_dict": False}


NTREX_SAMPLE = Path(__file__).parent / "data" / "ntrex-4docs.tsv"
SAMPLE_KO = Path(__file__).parent.parent / "raw" / "karpathy-2025.ko.md"


def _korean_blocks() -> list[str]:
    from benchmarks.data import load_documents
    from pipeline.stages import ingest

    blocks = [" ".join(doc.ko_rows) for doc in load_documents(NTREX_SAMPLE)]
    return blocks + [b.text for b in ingest.read_document(SAMPLE_KO, "ko").blocks if b.alignable]


@pytest.mark.slow
def test_lean_kiwi_splits_sentences_as_the_default_one(kiwi):
    """The lean configuration drops the typo and multi-word dictionaries: sentence boundaries stay
    those of Kiwi's defaults (checked on more data by benchmarks/kiwi_config.py)."""
    blocks = _korean_blocks()
    code = (
        "import json, sys\n"
        "from pipeline.lang import ko\n"
        "ko.KIWI_OPTIONS = {}\n"  # Kiwi's defaults, in a process of its own (500 MB)
        "from pipeline.stages import segment\n"
        "print(json.dumps([segment.split_korean_text(b) for b in json.load(sys.stdin)]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], input=json.dumps(blocks), capture_output=True, text=True, check=True
    )
    default = [[tuple(span) for span in spans] for spans in json.loads(out.stdout)]
    lean = [segment.split_korean_text(b) for b in blocks]
    assert sum(map(len, lean)) > len(blocks)  # the blocks hold several sentences each
    assert lean == default

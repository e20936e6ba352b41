"""Vocabulary: reading loose notes, tagging by lemma lookups, the status ladder, the Anki export."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from pipeline import store as db
from pipeline.cli import cli
from pipeline.lang import en, ko
from pipeline.models import Sentence
from pipeline.stages import vocab
from pipeline.stages.vocab import Tagger, VocabTerm, parse_notes

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
SAMPLE_EN = RAW / "karpathy-2025.en.md"
SAMPLE_VOCAB = RAW / "karpathy-2025.vocab.md"


# --- fixtures: Kiwi and the lemma tables load once; the sample workspace is built once and copied --


@pytest.fixture(scope="session")
def warm():
    ko.kiwi()
    en.lemmatizer()


def invoke(home: Path, *args: str, ok: bool = True):
    result = CliRunner().invoke(cli, ["--home", str(home), "-q", *args], catch_exceptions=not ok)
    if ok:
        assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="session")
def sample_home(tmp_path_factory, warm) -> Path:
    """A workspace where the sample notes were imported, then the sample article added."""
    home = tmp_path_factory.mktemp("sample")
    shutil.copytree(RAW, home / "raw")
    invoke(home, "vocab", "import", str(home / "raw/karpathy-2025.vocab.md"))
    invoke(home, "add", str(home / "raw/karpathy-2025.en.md"))
    return home


@pytest.fixture
def home(sample_home: Path, tmp_path: Path) -> Path:
    """A private copy of the sample workspace, for tests that change it."""
    copy = tmp_path / "ws"
    shutil.copytree(sample_home, copy)
    return copy


@pytest.fixture(scope="session")
def sample_terms(warm) -> dict[str, VocabTerm]:
    return {e.term.term: e.term for e in vocab.read_notes(SAMPLE_VOCAB).entries}


def tagged(terms: list[VocabTerm], text: str) -> list[tuple[str, str]]:
    return [(h.term, h.surface) for h in Tagger(terms).tag_texts([text])]


# --- the bundled notes import as intended -------------------------------------------------------

EXPECTED = {
    # term: (glosses, aliases, has an example, as written)
    "gobble up": (["허겁지겁 먹어치우다, 게걸스럽게 먹다, 꿀꺽 삼키다"], [], False, "Gobbled up"),
    "point of inflection": (["변곡점"], [], False, "point of inflection"),
    "vicinity": (["부근"], [], True, "vicinity"),
    "polymath": (["박식가"], [], False, "polymath"),
    "jailbreak": (["탈옥"], [], True, "jailbreak"),
    "exfiltrate": (["유출"], [], True, "exfiltrate"),
    "grow jaggies": (["들쭉날쭉하게 자라다"], [], False, "grow jaggies"),
    "coin the term": (["내가 그 용어를 만들었다"], [], False, "i coined the term"),
    "Byte-Pair Encoding": (["토크나이저"], ["BPE"], False, "Byte-Pair Encoding"),
    "TL;DR": (["너무 길어서 읽지 않았다"], ["Too Long; Didn't Read"], False, "TL;DR"),
    "sycophancy": (["아첨"], [], False, "sycophancy"),
}


def test_sample_notes_yield_exactly_the_intended_terms(sample_terms):
    assert list(sample_terms) == list(EXPECTED)
    for name, (glosses, aliases, has_example, written) in EXPECTED.items():
        term = sample_terms[name]
        assert (term.glosses, term.aliases, bool(term.examples), term.written) == (
            glosses,
            aliases,
            has_example,
            written,
        ), name


def test_sample_section_line_is_the_only_skipped_line():
    parsed = vocab.read_notes(SAMPLE_VOCAB)
    assert [(s.line, s.text) for s in parsed.skipped] == [(1, "* 영어 공부")]
    assert "section heading" in parsed.skipped[0].reason


def test_sample_explanations_become_notes(sample_terms):
    assert sample_terms["gobble up"].note.startswith("'Gobbled up'은 '허겁지겁")
    assert "칠면조" in sample_terms["gobble up"].note
    assert "인터넷 신조어" in sample_terms["TL;DR"].note
    assert sample_terms["vicinity"].note == ""


def test_sample_example_lines_attach_to_their_entries(sample_terms):
    assert sample_terms["vicinity"].examples == [
        'As verifiable domains allow for RLVR, LLMs "spike" in capability in the vicinity of these domains'
    ]
    line = "seconds away from getting tricked by a jailbreak to exfiltrate your data."
    assert sample_terms["jailbreak"].examples == [line]
    assert sample_terms["exfiltrate"].examples == [line]


# --- each note format ---------------------------------------------------------------------------


def one(text: str) -> VocabTerm:
    parsed = parse_notes(text)
    assert len(parsed.entries) == 1, (parsed.entries, parsed.skipped)
    return parsed.entries[0].term


@pytest.mark.parametrize(
    "line, term, gloss",
    [
        ("- vicinity : 부근", "vicinity", "부근"),
        ("- vicinity: 부근", "vicinity", "부근"),
        ("* vicinity = 부근", "vicinity", "부근"),
        ("1. vicinity - 부근", "vicinity", "부근"),
        ("- polymath 박식가", "polymath", "박식가"),  # no separator: Latin → Hangul
        ("- grow jaggies : 들쭉날쭉하게 자라다.", "grow jaggies", "들쭉날쭉하게 자라다"),
        ("* sycophancy. 아첨!", "sycophancy", "아첨"),
        ("vicinity : 부근", "vicinity", "부근"),  # no list marker, explicit separator
    ],
)
def test_term_and_gloss_formats(warm, line, term, gloss):
    entry = one(line)
    assert (entry.term, entry.glosses) == (term, [gloss])


def test_two_entries_on_one_line(warm):
    parsed = parse_notes("- jailbreak 탈옥 / exfiltrate : 유출")
    assert [(e.line, e.term.term, e.term.glosses) for e in parsed.entries] == [
        (1, "jailbreak", ["탈옥"]),
        (1, "exfiltrate", ["유출"]),
    ]


def test_slash_between_spellings_is_an_alias(warm):
    entry = one("- colour / color : 색")
    assert (entry.term, entry.aliases, entry.glosses) == ("colour", ["color"], ["색"])


def test_quoted_term_with_explanation(warm):
    line = "- 'Gobbled up'은 '허겁지겁 먹어치우다, 꿀꺽 삼키다'라는 뜻으로, 급하게 먹는 모습에서 유래"
    entry = one(line)
    assert entry.term == "gobble up"  # the inflected head verb is cited in its base form
    assert entry.glosses == ["허겁지겁 먹어치우다, 꿀꺽 삼키다"]
    assert entry.note == line[2:]


def test_quoted_gloss_without_explanation_has_no_note(warm):
    entry = one("- jailbreak : '탈옥'")
    assert (entry.term, entry.glosses, entry.note) == ("jailbreak", ["탈옥"], "")


def test_term_without_gloss_is_kept(warm):
    report = vocab.merge_terms([], parse_notes("- serendipity"))
    assert [(c.action, c.term, c.reason) for c in report.changes] == [
        ("added", "serendipity", "new term (no gloss)")
    ]


def test_personal_phrase_drops_the_subject(warm):
    entry = one("- i coined the term : 내가 그 용어를 만들었다")
    assert (entry.term, entry.key, entry.written) == ("coin the term", "coin the term", "i coined the term")


def test_abbreviation_in_parentheses(warm):
    entry = one("* Byte-Pair Encoding (BPE) 토크나이저.")
    assert (entry.term, entry.aliases, entry.glosses) == ("Byte-Pair Encoding", ["BPE"], ["토크나이저"])


def test_parentheses_that_are_not_an_abbreviation_go_to_the_note(warm):
    entry = one("- gonna (informal) : ~할 거야")
    assert (entry.term, entry.aliases, entry.note) == ("gonna", [], "(informal)")


def test_abbreviation_with_quoted_expansion(warm):
    entry = one("* TL;DR은 \"Too Long; Didn't Read\"의 줄임말로, '너무 길어서 읽지 않았다'는 뜻이며, 요약")
    assert entry.term == "TL;DR" and entry.key == "tldr"
    assert entry.aliases == ["Too Long; Didn't Read"]
    assert entry.glosses == ["너무 길어서 읽지 않았다"]


def test_example_on_the_next_line_and_nested(warm):
    notes = "- vicinity : 부근\nin the vicinity of these domains\n- polymath 박식가\n  - a true polymath"
    parsed = parse_notes(notes)
    terms = {e.term.term: e.term for e in parsed.entries}
    assert terms["vicinity"].examples == ["in the vicinity of these domains"]
    assert terms["polymath"].examples == ["a true polymath"]
    assert parsed.skipped == []


def test_english_line_without_the_term_is_not_an_example(warm):
    parsed = parse_notes("- vicinity : 부근\nThis line talks about something else entirely.")
    assert parsed.entries[0].term.examples == []
    assert len(parsed.skipped) == 1 and "not an example" in parsed.skipped[0].reason


def test_section_lines_are_not_terms(warm):
    parsed = parse_notes("* 영어 공부\n## Words\n---\n- vicinity : 부근")
    assert [e.term.term for e in parsed.entries] == ["vicinity"]
    assert [s.line for s in parsed.skipped] == [1, 2, 3]


# --- bad input: skipped and reported, the import goes on ----------------------------------------


def test_url_and_prose_lines_are_skipped_with_reasons(warm):
    notes = "\n".join(
        [
            "https://karpathy.bearblog.dev/year-in-review-2025/",
            "- https://example.com/words",
            "I should review these words every weekend before reading the next article.",
            "- I really need to read more papers about reinforcement learning this year",
            "- 부근 : vicinity",
            "- vicinity : 부근",
        ]
    )
    parsed = parse_notes(notes)
    assert [e.term.term for e in parsed.entries] == ["vicinity"]
    reasons = {s.line: s.reason for s in parsed.skipped}
    assert set(reasons) == {1, 2, 3, 4, 5}
    assert "URL" in reasons[1] and "URL" in reasons[2]
    assert reasons[3].startswith("prose") and reasons[4].startswith("prose")
    assert "starts with Korean" in reasons[5]


def test_duplicate_terms_keep_both_glosses(warm):
    parsed = parse_notes("- vicinity : 부근\n- Vicinity : 근처\n- vicinity : 부근")
    report = vocab.merge_terms([], parsed)
    assert [(c.action, c.line) for c in report.changes] == [("added", 1), ("updated", 2), ("skipped", 3)]
    assert "근처" in report.changes[1].reason
    assert [t.glosses for t in report.terms] == [["부근", "근처"]]


def test_reimport_changes_nothing(sample_terms):
    stored = [VocabTerm(**{**t.__dict__}) for t in sample_terms.values()]
    report = vocab.merge_terms(stored, vocab.read_notes(SAMPLE_VOCAB))
    assert report.terms == []
    assert report.count("added") == report.count("updated") == 0
    assert {c.reason for c in report.changes if c.term} == {"already in the list, unchanged"}


def test_an_alias_entry_merges_into_its_term(warm):
    first = vocab.merge_terms([], parse_notes("* Byte-Pair Encoding (BPE) 토크나이저."))
    second = vocab.merge_terms(first.terms, parse_notes("- BPE : 바이트 쌍 인코딩"))
    assert [c.action for c in second.changes] == ["updated"]
    assert second.terms[0].glosses == ["토크나이저", "바이트 쌍 인코딩"]


# --- matching -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, surface",
    [
        ("which gobbled up the compute", "gobbled up"),
        ("He gobbles up everything.", "gobbles up"),
        ("gobbling up the budget", "gobbling up"),
        ("GOBBLE UP", "GOBBLE UP"),
    ],
)
def test_inflections_match(sample_terms, text, surface):
    assert tagged([sample_terms["gobble up"]], text) == [("gobble up", surface)]


@pytest.mark.parametrize(
    "term, text, surface",
    [
        ("gobble up", "The model gobbled it up.", "gobbled it up"),
        ("gobble up", "it gobbled all of it up", "gobbled all of it up"),  # 3 tokens between
        ("coin the term", "She coined a new term for it.", "coined a new term"),
        ("coin the term", "I coined a term.", "coined a term"),
        ("coin the term", "who coined the term", "coined the term"),
        ("grow jaggies", "capabilities grew some jaggies", "grew some jaggies"),
    ],
)
def test_separable_phrases(sample_terms, term, text, surface):
    assert tagged([sample_terms[term]], text) == [(term, surface)]


@pytest.mark.parametrize(
    "term, text",
    [
        ("gobble up", "it gobbled the whole big cake up"),  # 4 tokens between: too far
        ("gobble up", "it gobbled, then up"),  # never across punctuation
        ("gobble up", "she gobbled the cake"),  # the particle is required
        ("coin the term", "a coin and a term"),  # the gap never spans a conjunction
        ("point of inflection", "point out the lack of inflection"),  # a noun phrase does not separate
    ],
)
def test_phrases_do_not_overreach(sample_terms, term, text):
    assert tagged([sample_terms[term]], text) == []


@pytest.mark.parametrize(
    "term, text, expected",
    [
        ("vicinity", "in the vicinity of", ["vicinity"]),
        ("vicinity", "in the VICINITY of", ["VICINITY"]),
        ("vicinity", "vicinityX is not a word", []),
        ("vicinity", "the vicinities", ["vicinities"]),
        ("Byte-Pair Encoding", "a BPE tokenizer", ["BPE"]),
        ("Byte-Pair Encoding", "BPE-based tokenizers", ["BPE"]),
        ("Byte-Pair Encoding", "xBPE and BPEx are other words", []),
        ("Byte-Pair Encoding", "byte pair encoding", ["byte pair encoding"]),
        ("Byte-Pair Encoding", "Byte-Pair Encoding (BPE)", ["Byte-Pair Encoding", "BPE"]),
        ("polymath", "polymathic interests", []),
    ],
)
def test_whole_words_only_and_case_insensitive(sample_terms, term, text, expected):
    assert [s for _, s in tagged([sample_terms[term]], text)] == expected


@pytest.mark.parametrize(
    "text, surface",
    [("TL;DR: it works", "TL;DR"), ("TLDR it works", "TLDR"), ("tl;dr", "tl;dr"), ("tldr", "tldr")],
)
def test_tldr_matches_tl_dr(sample_terms, text, surface):
    assert tagged([sample_terms["TL;DR"]], text) == [("TL;DR", surface)]


def test_expansion_alias_matches(sample_terms):
    assert tagged([sample_terms["TL;DR"]], "too long; didn't read") == [("TL;DR", "too long; didn't read")]


def test_rare_inflections_use_the_rule_lemmatizer(sample_terms):
    # "exfiltrated" and "jaggies" are in no lookup table
    assert tagged([sample_terms["exfiltrate"]], "they exfiltrated it") == [("exfiltrate", "exfiltrated")]
    assert tagged([sample_terms["grow jaggies"]], "it grows jaggy") == [("grow jaggies", "grows jaggy")]


def test_hit_has_sentence_span_and_surface(sample_terms):
    sentences = [Sentence(4, 0, "Nothing here."), Sentence(7, 1, "It gobbled it up, fast.")]
    (hit,) = Tagger([sample_terms["gobble up"]])(sentences)
    assert (hit.term, hit.lang, hit.sentence, hit.start, hit.end, hit.surface) == (
        "gobble up",
        "en",
        7,
        3,
        16,
        "gobbled it up",
    )


def test_ignored_terms_are_not_tagged(sample_terms):
    ignored = VocabTerm(**{**sample_terms["vicinity"].__dict__, "status": "ignored"})
    assert tagged([ignored], "in the vicinity") == []


# --- every kind of entry ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "term, text, expected",
    [
        # one word: any inflection, whole words only, any case
        ("jailbreak", "two jailbreaks, then Jailbreaking it", ["jailbreaks", "Jailbreaking"]),
        ("jailbreak", "jailbreakers and prejailbreak", []),
        # a contiguous phrase: its words in order, inflected, with only spaces between them
        ("point of inflection", "two points of inflection", ["points of inflection"]),
        ("point of inflection", "a point of\ninflection", ["point of\ninflection"]),
        ("point of inflection", "the point of, well, inflection", []),
        ("spike in capability", "LLMs spiked in capability", ["spiked in capability"]),
        # a determiner inside a phrase may change or disappear
        ("coin the term", "who coined this term", ["coined this term"]),
        # a separable phrase's gap runs through words and symbols, not punctuation
        ("gobble up", "it gobbled $5 up", ["gobbled $5 up"]),
        ("gobble up", "it gobbled (all) up", []),
        # a phrase written in capitals is a name, never separated
        ("RUN UP", "they ran up a bill", ["ran up"]),
        ("RUN UP", "they ran it up", []),
        # inner punctuation: as written, joined, or spaced
        ("state-of-the-art", "a state-of-the-art model", ["state-of-the-art"]),
        ("state-of-the-art", "the state of the art", ["state of the art"]),
        ("e-mail", "send an email or two e-mails", ["email", "e-mails"]),
        # a contraction as written: without its apostrophe it is another word (its, were, do)
        ("it's", "it's here, and its name is it", ["it's"]),
        ("don't", "don't stop, do go, I don’t know", ["don't", "don’t"]),
        # a title's period is not part of the word
        ("Mr", "Mr. Adams said", ["Mr"]),
    ],
)
def test_each_kind_of_entry(warm, term, text, expected):
    assert [s for _, s in tagged([vocab.new_term(term)], text)] == expected


def test_tokens_are_words_and_the_marks_between_them():
    assert [t for t, _, _ in en.token_spans("TL;DR: BPE-based, it's (so)... fine")] == [
        "TL",
        ";",
        "DR",
        ":",
        "BPE",
        "-",
        "based",
        ",",
        "it",
        "'s",
        "(",
        "so",
        ")",
        "...",
        "fine",
    ]
    assert en.token_spans("a  b") == [("a", 0, 1), ("b", 3, 4)]
    assert [en.is_punct(t) for t in (",", "...", "$", "+", "a")] == [True, True, False, False, False]


def test_a_term_only_in_another_term_keeps_its_own_hits(sample_terms):
    """Two terms over the same words: each is tagged, each at its longest."""
    terms = [sample_terms["gobble up"], VocabTerm(term="gobble")]
    assert tagged(terms, "it gobbled it up") == [("gobble", "gobbled"), ("gobble up", "gobbled it up")]


def test_adding_with_a_word_list_loads_no_spacy(tmp_path):
    """Importing notes and adding an article with them: tags found, and spaCy never imported."""
    shutil.copytree(RAW, tmp_path / "raw")
    calls = [["vocab", "import", str(tmp_path / "raw/karpathy-2025.vocab.md")], ["add", str(SAMPLE_EN)]]
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from pipeline.cli import cli\n"
        f"for args in {calls!r}:\n"
        f"    result = CliRunner().invoke(cli, ['--home', {str(tmp_path)!r}, '-q', *args])\n"
        "    assert result.exit_code == 0, result.output\n"
        f"result = CliRunner().invoke(cli, ['--home', {str(tmp_path)!r}, 'vocab', 'hits', '--json'])\n"
        "print(len(result.output.split('gobble up')) - 1, 'spacy' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    hits, spacy_loaded = done.stdout.split()
    assert int(hits) > 0 and spacy_loaded == "False", done.stdout


# --- Korean gloss spans -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "glosses, korean, surfaces",
    [
        (["변곡점"], "명확한 변곡점이었습니다.", ["변곡점"]),
        (["들쭉날쭉하게 자라다"], "능력이 들쭉날쭉하게 자랐다.", ["들쭉날쭉하게 자랐다"]),  # stem 자라
        (["내가 그 용어를 만들었다"], "제가 이 용어를 처음 만들었습니다.", ["용어를 처음 만들었습니다"]),
        (["허겁지겁 먹어치우다, 꿀꺽 삼키다"], "그는 약을 꿀꺽 삼켰다.", ["꿀꺽 삼켰다"]),
        (["부근"], "이 근처에서", []),
    ],
)
def test_korean_gloss_spans(warm, glosses, korean, surfaces):
    morphemes = ko.morphemes(korean)
    assert [korean[s:e] for s, e in vocab.korean_spans(glosses, morphemes)] == surfaces


# --- the CLI on the sample ----------------------------------------------------------------------


def test_add_tags_the_sample_article(sample_home):
    hits = json.loads(invoke(sample_home, "vocab", "hits", "--json").stdout)
    found = {(h["term"], h["surface"]) for h in hits}
    assert ("gobble up", "gobbled up") in found
    assert ("point of inflection", "point of inflection") in found
    inflection = next(h for h in hits if h["term"] == "point of inflection")
    assert inflection["text"][inflection["start"] : inflection["end"]] == "point of inflection"
    korean_hits = [k for ko in inflection["korean"] for k in ko["hits"]]
    assert [k["surface"] for k in korean_hits] == ["변곡점"]


def test_hits_for_one_term_accept_an_inflected_query(sample_home):
    hits = json.loads(invoke(sample_home, "vocab", "hits", "Gobbled up", "--json").stdout)
    assert [(h["term"], h["slug"]) for h in hits] == [("gobble up", "karpathy-2025")]
    out = invoke(sample_home, "vocab", "hits", "gobble up").stdout
    assert "**gobbled up**" in out


def test_reimport_through_the_cli(home):
    before = db.open_db(home / "notes.db")["vocab_terms"].count
    result = invoke(home, "vocab", "import", str(home / "raw/karpathy-2025.vocab.md"), "--json")
    report = json.loads(result.stdout)
    assert (report["added"], report["updated"], report["skipped"]) == (0, 0, 12)
    assert db.open_db(home / "notes.db")["vocab_terms"].count == before == 11


def test_import_report_lists_reasons(home, tmp_path):
    notes = tmp_path / "more.md"
    lines = ["- vicinity : 근처", "- https://example.com", "- serendipity : 뜻밖의 행운"]
    notes.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = invoke(home, "vocab", "import", str(notes)).stdout
    assert out.splitlines()[0] == f"{notes}: 1 added, 1 updated, 1 skipped."
    assert "updated vicinity (line 1): another gloss '근처' kept beside '부근'" in out
    assert "skipped line 2: '- https://example.com': a bare URL, not a term" in out
    terms = json.loads(invoke(home, "vocab", "list", "--json").stdout)
    assert next(t for t in terms if t["term"] == "vicinity")["glosses"] == ["부근", "근처"]


def test_cp949_notes_are_decoded(home, tmp_path):
    notes = tmp_path / "cp949.md"
    notes.write_bytes("- serendipity : 뜻밖의 행운\n".encode("cp949"))
    report = json.loads(invoke(home, "vocab", "import", str(notes), "--json").stdout)
    assert report["added"] == 1
    assert report["changes"][0]["reason"] == "new term: 뜻밖의 행운"


def test_binary_notes_are_a_clear_error_and_change_nothing(home, tmp_path):
    notes = tmp_path / "notes.md"
    notes.write_bytes(b"\x00\x01\x02binary")
    result = invoke(home, "vocab", "import", str(notes), ok=False)
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "binary" in result.output
    assert db.open_db(home / "notes.db")["vocab_terms"].count == 11


def test_missing_notes_file(home):
    result = invoke(home, "vocab", "import", "nope.md", ok=False)
    assert result.exit_code == 1 and "no such file" in result.output


def test_status_ladder(home):
    invoke(home, "vocab", "set", "vicinity", "learning")
    invoke(home, "vocab", "set", "TLDR", "known")  # found by key
    invoke(home, "vocab", "set", "BPE", "known")  # found by alias
    learning = json.loads(invoke(home, "vocab", "list", "--status", "learning", "--json").stdout)
    assert [t["term"] for t in learning] == ["vicinity"]
    known = json.loads(invoke(home, "vocab", "list", "--status", "known", "--json").stdout)
    assert [t["term"] for t in known] == ["Byte-Pair Encoding", "TL;DR"]
    # re-importing the notes does not reset a status
    invoke(home, "vocab", "import", str(home / "raw/karpathy-2025.vocab.md"))
    assert json.loads(invoke(home, "vocab", "list", "--status", "learning", "--json").stdout)[0]["term"] == (
        "vicinity"
    )


def test_status_errors(home):
    result = invoke(home, "vocab", "set", "serendipity", "known", ok=False)
    assert result.exit_code == 1
    assert result.output.startswith("Error: no term 'serendipity'") and "vocab list" in result.output
    result = invoke(home, "vocab", "set", "vicinity", "mastered", ok=False)
    assert result.exit_code == 2


def test_ignoring_a_term_removes_its_hits_and_unignoring_brings_them_back(home):
    invoke(home, "vocab", "set", "gobble up", "ignored")
    hits = json.loads(invoke(home, "vocab", "hits", "--json").stdout)
    assert {h["term"] for h in hits} == {"point of inflection"}
    invoke(home, "vocab", "set", "gobble up", "new")
    hits = json.loads(invoke(home, "vocab", "hits", "--json").stdout)
    assert {h["term"] for h in hits} == {"point of inflection", "gobble up"}


def test_add_then_retag(home):
    out = invoke(home, "vocab", "add", "chew through", "--gloss", "씹어 삼키다").stdout
    assert "1 added" in out and "Re-tagged 1 article(s)" in out
    hits = json.loads(invoke(home, "vocab", "hits", "chew through", "--json").stdout)
    assert [h["surface"] for h in hits] == ["chewing through"]
    again = invoke(home, "vocab", "retag").stdout
    assert again.startswith("Re-tagged 1 article(s): 3 hit(s).")


def test_vocab_add_keeps_a_second_gloss(home):
    report = json.loads(invoke(home, "vocab", "add", "polymath", "--gloss", "팔방미인", "--json").stdout)
    assert (report["added"], report["updated"]) == (0, 1)
    terms = json.loads(invoke(home, "vocab", "list", "--json").stdout)
    assert next(t for t in terms if t["term"] == "polymath")["glosses"] == ["박식가", "팔방미인"]


def test_vocab_add_refuses_korean(home):
    result = invoke(home, "vocab", "add", "부근", ok=False)
    assert result.exit_code == 1 and result.output.startswith("Error: '부근' is not an English term")


def test_tagging_before_the_notes_then_import_retags(tmp_path, warm):
    shutil.copytree(RAW, tmp_path / "raw")
    invoke(tmp_path, "add", str(tmp_path / "raw/karpathy-2025.en.md"))
    assert json.loads(invoke(tmp_path, "vocab", "hits", "--json").stdout) == []
    out = invoke(tmp_path, "vocab", "import", str(tmp_path / "raw/karpathy-2025.vocab.md")).stdout
    assert "Re-tagged 1 article(s): 2 hit(s)." in out


def test_re_adding_the_article_keeps_terms_and_does_not_duplicate_hits(home):
    invoke(home, "vocab", "set", "vicinity", "learning")
    invoke(home, "add", str(home / "raw/karpathy-2025.en.md"))
    database = db.open_db(home / "notes.db")
    assert database["vocab_terms"].count == 11
    assert database["vocab_hits"].count_where("lang = 'en'") == 2
    assert database["vocab_terms"].get("vicinity")["status"] == "learning"


# --- Anki export --------------------------------------------------------------------------------


def test_anki_export_is_a_valid_package_and_tsv(home):
    out = invoke(home, "export", "karpathy-2025", "--format", "anki").stdout
    apkg, tsv = home / "exports/karpathy-2025.apkg", home / "exports/karpathy-2025.anki.tsv"
    assert out.strip() == f"2 cards: {apkg}, {tsv}"
    assert zipfile.is_zipfile(apkg)
    with zipfile.ZipFile(apkg) as z:
        assert z.testzip() is None
        collection = home / "collection.anki2"
        collection.write_bytes(z.read("collection.anki2"))
    con = sqlite3.connect(collection)
    assert con.execute("pragma integrity_check").fetchone() == ("ok",)
    notes = dict(con.execute("select guid, flds from notes").fetchall())
    con.close()
    assert len(notes) == 2
    fields = {flds.split("\x1f")[0]: flds.split("\x1f") for flds in notes.values()}
    term, gloss, example, korean, article, note = fields["point of inflection"]
    assert gloss == "변곡점"
    assert "<b>point of inflection</b>" in example
    assert "<b>변곡점</b>" in korean
    assert article.startswith("2025 LLM Year in Review")

    lines = tsv.read_text("utf-8").splitlines()
    assert lines[:2] == ["#separator:tab", "#html:true"]
    assert "#guid column:1" in lines and "#tags column:8" in lines
    rows = list(csv.reader(io.StringIO("\n".join(x for x in lines if not x.startswith("#"))), delimiter="\t"))
    assert {r[0] for r in rows} == set(notes)  # the TSV and the package share the GUIDs
    assert all(len(r) == 8 for r in rows)
    gobble = next(r for r in rows if r[1] == "gobble up")
    assert "<b>gobbled up</b>" in gobble[3] and gobble[7] == "readnotes karpathy-2025 status:new"
    assert "\n" not in gobble[6]  # the note is one field


def test_anki_guids_are_stable_across_exports(home):
    invoke(home, "export", "karpathy-2025", "--format", "anki")
    first = (home / "exports/karpathy-2025.anki.tsv").read_text("utf-8")
    invoke(home, "vocab", "add", "point of inflection", "--gloss", "전환점")
    invoke(home, "export", "karpathy-2025", "--format", "anki")
    second = (home / "exports/karpathy-2025.anki.tsv").read_text("utf-8")

    def guids(tsv: str) -> set[str]:
        return {row.split("\t")[0] for row in tsv.splitlines() if not row.startswith("#")}

    assert guids(first) == guids(second) and len(guids(first)) == 2
    assert first != second  # the card changed (a second gloss), under the same GUID


def test_known_terms_get_no_card(home):
    invoke(home, "vocab", "set", "gobble up", "known")
    out = invoke(home, "export", "karpathy-2025", "--format", "anki").stdout
    assert out.startswith("1 cards")


def test_export_without_vocabulary_is_an_error(tmp_path, warm):
    shutil.copytree(RAW, tmp_path / "raw")
    invoke(tmp_path, "add", str(tmp_path / "raw/karpathy-2025.en.md"))
    result = invoke(tmp_path, "export", "karpathy-2025", "--format", "anki", ok=False)
    assert result.exit_code == 1 and "vocab import" in result.output
    assert not (tmp_path / "exports/karpathy-2025.apkg").exists()


def test_export_unknown_slug(home):
    result = invoke(home, "export", "nope", "--format", "anki", ok=False)
    assert result.exit_code == 1 and result.output.startswith("Error: no article 'nope'")


@pytest.mark.parametrize("name", ["import", "add", "list", "set", "hits", "retag"])
def test_vocab_commands_have_help_with_an_example(name):
    command = cli.get_command(click.Context(cli), "vocab").commands[name]
    assert command.help and "readnotes vocab" in command.help

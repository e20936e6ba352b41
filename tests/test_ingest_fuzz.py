"""A bounded Hypothesis fuzz pass of ingest: whatever a file holds, reading it either gives a
Document whose blocks are NFC text without invisible characters, or raises the library's own
error (one `Error:` line in the CLI); never anything else."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import ReadnotesError
from pipeline.lang.text import BIDI_CONTROLS, ZERO_WIDTH, terminal_safe
from pipeline.stages import ingest

# Characters that have broken ingest before, or could: Markdown syntax, Hangul composed and as jamo,
# invisible and bidi characters, controls, CJK punctuation.
SPECIAL = list("#*-_[]()>`!|\\<&~=.:?\n\n\n \t\r\x00\x1b\x0c") + [
    *ZERO_WIDTH,
    *BIDI_CONTROLS,
    "가",
    "한",
    "\u1100\u1161",  # 가 as jamo
    "\u1112\u1161\u11ab",  # 한 as jamo
    "。",
    "「",
    "」",
    "---\n",
    "```\n",
    "- ",
    "1. ",
    "![a](b)",
    "[x](https://example.com/a?b=1)",
    "title: &a x\n",
    "*a",
]
#: Any character a file can hold: lone surrogates (Cs) cannot be encoded, so no file carries them.
CHAR = st.characters(exclude_categories=("Cs",))
TEXT = st.lists(st.one_of(st.sampled_from(SPECIAL), CHAR, st.text(CHAR, max_size=12)), max_size=120).map(
    "".join
)
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "cp949", "utf-16"])
ALLOWED = (ingest.IngestError, ReadnotesError)
INVISIBLE = set(ZERO_WIDTH + BIDI_CONTROLS)


def assert_clean(doc) -> None:
    for block in doc.blocks:
        assert unicodedata.is_normalized("NFC", block.text), block.text
        assert not INVISIBLE & set(block.text), block.text
    assert not INVISIBLE & set(doc.title)


@settings(
    derandomize=True,
    max_examples=300,
    deadline=2_000,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=TEXT, lang=st.sampled_from(["en", "ko"]), suffix=st.sampled_from([".md", ".txt"]), enc=ENCODINGS)
def test_reading_any_text_gives_clean_blocks_or_an_ingest_error(tmp_path, text, lang, suffix, enc):
    path = tmp_path / f"fuzz{suffix}"
    try:
        data = text.encode(enc)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    path.write_bytes(data)
    try:
        doc = ingest.read_document(path, lang)
    except ALLOWED:
        return
    assert_clean(doc)


@settings(
    derandomize=True,
    max_examples=200,
    deadline=2_000,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.binary(max_size=2_000))
def test_reading_any_bytes_gives_a_document_or_an_ingest_error(tmp_path, data):
    path = tmp_path / "fuzz.md"
    path.write_bytes(data)
    try:
        doc = ingest.read_document(path, "en")
    except ALLOWED:
        return
    assert_clean(doc)


@settings(derandomize=True, max_examples=300, deadline=1_000)
@given(name=st.text(min_size=1, max_size=300).filter(lambda s: "/" not in s and "\x00" not in s))
def test_any_file_name_gives_an_acceptable_slug(name):
    slug = ingest.slug_for(Path(name + ".en.md"))
    assert ingest.check_slug(slug) == slug
    assert len(slug) <= ingest.MAX_SLUG_CHARS


@settings(derandomize=True, max_examples=300, deadline=1_000)
@given(text=TEXT)
def test_terminal_safe_text_has_no_controls_but_newlines_and_tabs(text):
    shown = terminal_safe(text)
    assert all(ch in "\n\t" or unicodedata.category(ch) != "Cc" for ch in shown)
    assert not INVISIBLE & set(shown)


@pytest.mark.parametrize("slug", ["..", ".hidden", "a/b", "a b", "s" * 65])
def test_bad_slugs_are_refused(slug):
    with pytest.raises(ingest.BadSlug):
        ingest.check_slug(slug)

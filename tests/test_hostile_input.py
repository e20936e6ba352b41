"""Hostile and unusual input for `add` (issue #16): every file is refused within seconds with one
`Error:` line that names the limit and what to do, nothing is lost, nothing is stored.

The files are generated here, on the fly; the 50 MB file is sparse (only its size is ever read).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from workspace_state import dump, outputs

from pipeline.cli import cli
from pipeline.stages import ingest, limits

KOREAN = "모델은 빠르게 배운다. 결과는 좋았다.\n"
ENGLISH = "The model learns quickly. The results were good.\n"
SECONDS = 10  # the promise: every hostile input is refused within this


def invoke(home: Path, *args: str, quiet: bool = True):
    return CliRunner().invoke(cli, ["--home", str(home), *(["-q"] if quiet else []), *args])


def pair(folder: Path, stem: str, english: str = ENGLISH, korean: str = KOREAN) -> Path:
    """An English file and its Korean sibling; returns the English path."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{stem}.ko.md").write_text(korean, encoding="utf-8")
    en = folder / f"{stem}.en.md"
    en.write_text(english, encoding="utf-8")
    return en


def alias_bomb() -> bytes:
    """Nine levels of nine aliases each: a few lines that expand to 9**9 strings."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for name, previous in zip("bcdefghi", "abcdefgh", strict=True):
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    return ("---\n" + "\n".join(lines) + "\n---\n\n" + ENGLISH).encode()


#: English files built to stall a step that has no limit (see stages/limits.py) → what the one
#: error line says about it.
HOSTILE: dict[str, tuple[bytes, str]] = {
    "5 MB line without punctuation": (
        b"word " * 1_000_000,
        "MiB; readnotes reads articles up to 2 MiB. Split it into smaller articles.",
    ),
    "1 MB line without punctuation": (
        b"word " * 200_000,
        "line 1 has 1,000,000 characters; readnotes reads lines of up to 200,000. Break that line",
    ),
    "150 KB line without punctuation": (
        b"word " * 30_000,
        "line 1 has 149,999 characters without a sentence end (. ! ?); readnotes reads sentences "
        "of up to 10,000 characters. Break that text",
    ),
    "1 MB paragraph of short lines without punctuation": (
        b"word word word word word word word word word word word word word word word word word\n" * 12_000,
        "characters without a sentence end (. ! ?); readnotes reads sentences",
    ),
    "50,000 [ in 205 KB": (
        b"A sentence first.\n\n" + b"x" * 155_000 + b"[" * 50_000 + b".\n",
        "line 3 has 50,000 brackets or quotes in a row; readnotes reads runs of up to 64. Remove",
    ),
    "50,000 links opened": (
        b"A sentence first.\n\n" + b"[a. " * 50_000 + b"\n",
        "it has 50,000 opening square brackets; readnotes reads up to 10,000. Remove them",
    ),
    "a list of 50,000 items": (
        b"- a\n" * 50_000,
        "it has 50,000 lines of text; readnotes reads articles of up to 20,000 lines. Split it",
    ),
    "30,000 sentences": (
        b"Go now. Go now. Go now. Go now. Go now. Go now. Go now. Go now. Go now. Go now.\n" * 3_000,
        "it has about 30,000 sentences; readnotes aligns articles of up to 20,000 sentences a side. Split it",
    ),
    "YAML alias bomb": (
        alias_bomb(),
        "its front matter uses a YAML alias (*name); readnotes reads plain values. Fix or remove",
    ),
    "front matter nested 5,000 deep": (
        ("---\ntitle: " + "{a: " * 5_000 + "\n---\n\n" + ENGLISH).encode(),
        "its front matter nests too deep for a title, date and source. Fix or remove",
    ),
    "front matter of 100 KiB": (
        ("---\ntitle: x\nnotes: " + "y" * 100_000 + "\n---\n\n" + ENGLISH).encode(),
        "its front matter is 97 KiB; readnotes reads front matter up to 64 KiB. Keep only",
    ),
    "NUL after the first 64 KiB": (
        ENGLISH.encode() * 2_000 + b"\x00\x00" + ENGLISH.encode(),
        "it contains NUL bytes, so it is binary",
    ),
}


@pytest.fixture
def stored(tmp_path, kiwi, nlp) -> Path:
    """A workspace with one small article stored, to show that refused input changes nothing."""
    home = tmp_path / "ws"
    result = invoke(home, "add", str(pair(home / "raw", "kept")))
    assert result.exit_code == 0, result.output
    return home


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_english_is_refused_in_seconds_with_one_line(stored, kind):
    bad = stored / "raw" / "hostile.en.md"
    content, message = HOSTILE[kind]
    bad.write_bytes(content)
    (stored / "raw" / "hostile.ko.md").write_text(KOREAN, encoding="utf-8")
    db_before, files_before = dump(stored / "notes.db"), outputs(stored)
    started = time.monotonic()
    result = invoke(stored, "add", str(bad))
    assert time.monotonic() - started < SECONDS
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {bad}: ") and result.output.count("\n") == 1, result.output
    assert message in result.output
    assert dump(stored / "notes.db") == db_before and outputs(stored) == files_before


def test_a_50_mb_file_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "big.en.md"
    with big.open("wb") as f:
        f.truncate(50 * 2**20)  # sparse: nothing is written, only the size is read
    started = time.monotonic()
    result = invoke(tmp_path / "ws", "add", str(big), "--ko", str(big))
    assert time.monotonic() - started < SECONDS
    assert result.exit_code == 1
    assert "it is 50.0 MiB; readnotes reads articles up to 2 MiB. Split it into smaller articles." in (
        result.output
    )
    assert not (tmp_path / "ws" / "notes.db").exists()


def test_korean_side_is_held_to_the_same_limits(tmp_path, kiwi, nlp):
    en = pair(tmp_path / "raw", "post", korean="가" * 20_000 + "\n")
    result = invoke(tmp_path / "ws", "add", str(en))
    assert result.exit_code == 1
    assert "20,000 characters without a sentence end" in result.output


def test_deep_markdown_nesting_parses_in_well_under_a_second():
    """markdown-it caps nesting itself: a list 600 levels deep needs no limit of ours."""
    started = time.monotonic()
    ingest.parse_markdown("".join("  " * depth + "- a\n" for depth in range(600)), "en")
    assert time.monotonic() - started < 2


def test_limits_leave_real_text_alone():
    """Nested brackets, quotes, a long sentence and a few thousand sentences pass."""
    text = '(["quoted" [link](https://example.com/a?b=(c))]) ' + "A sentence goes on, " * 400 + ".\n\n"
    limits.check_markup(text + "---\n" * 3)
    doc = ingest.parse_markdown(text + "Short one. " * 5_000, "en")
    limits.check_sentences(doc)


# --- readable, decodable, normal ---------------------------------------------------------------


def test_an_unreadable_korean_sibling_is_one_line(tmp_path, monkeypatch):
    en = pair(tmp_path / "raw", "post")
    ko = tmp_path / "raw" / "post.ko.md"
    real_read_bytes = Path.read_bytes

    def read_bytes(self: Path) -> bytes:  # as root, chmod 000 reads anyway: refuse as the OS would
        if self == ko:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    if os.geteuid() == 0:
        monkeypatch.setattr(Path, "read_bytes", read_bytes)
    else:
        ko.chmod(0)
    result = invoke(tmp_path / "ws", "add", str(en))
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {ko}: it cannot be read (Permission denied). Check that you may read it (its "
        "permissions), or pass another file.\n"
    )


def test_a_folder_named_like_the_korean_sibling_is_one_line(tmp_path):
    en = pair(tmp_path / "raw", "post")
    (tmp_path / "raw" / "post.ko.md").unlink()
    (tmp_path / "raw" / "post.ko.md").mkdir()
    result = invoke(tmp_path / "ws", "add", str(en))
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "it cannot be read (Is a directory)" in result.output


def test_text_is_nfc_without_invisible_characters(tmp_path):
    import unicodedata

    text = "---\ntitle: \ufeffAI\u200b 모델\u202e\n---\n\n" + unicodedata.normalize(
        "NFD", "# 인공지능의 변곡점\n\n모델은\u200b 빠르게\u2060 배운다.\u200d 좋다.\n"
    )
    path = tmp_path / "a.ko.md"
    path.write_text(text, encoding="utf-8")
    doc = ingest.read_document(path, "ko")
    assert doc.title == "AI 모델"
    assert [b.text for b in doc.blocks] == ["인공지능의 변곡점", "모델은 빠르게 배운다. 좋다."]


def test_error_lines_escape_bidi_and_control_characters(tmp_path):
    bad = tmp_path / "evil\u202etxt.md\x1b[31m.en.md"
    bad.write_bytes(b"")
    result = invoke(tmp_path / "ws", "add", str(bad))
    assert result.exit_code == 1
    assert "\u202e" not in result.output and "\x1b" not in result.output
    assert "evil\\u202etxt.md\\x1b[31m.en.md: it is empty" in result.output


# --- slugs ----------------------------------------------------------------------------------------


def test_korean_file_names_keep_their_own_slugs(tmp_path, kiwi, nlp):
    import unicodedata

    home = tmp_path / "ws"
    first = pair(home / "raw", "인공지능")
    second = pair(home / "raw", unicodedata.normalize("NFD", "뉴스"))  # as macOS names files
    for en in (first, second):
        assert invoke(home, "add", str(en)).exit_code == 0
    listed = invoke(home, "list", "--json")
    assert sorted(a["slug"] for a in json.loads(listed.output)) == ["뉴스", "인공지능"]


def test_a_slug_taken_by_another_source_is_refused_and_changes_nothing(stored):
    other = pair(stored / "raw" / "elsewhere", "different")
    db_before, files_before = dump(stored / "notes.db"), outputs(stored)
    result = invoke(stored, "add", str(other), "--slug", "kept")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: the slug 'kept' already names the article added from {stored / 'raw' / 'kept.en.md'}; "
        "adding would replace it. Choose another name with --slug (e.g. --slug kept-2).\n"
    )
    assert dump(stored / "notes.db") == db_before and outputs(stored) == files_before


def test_readding_the_same_source_replaces_the_article(stored):
    en = stored / "raw" / "kept.en.md"
    en.write_text(ENGLISH + "\nA third sentence here.\n", encoding="utf-8")
    result = invoke(stored, "add", str(en))
    assert result.exit_code == 0, result.output
    shown = invoke(stored, "show", "kept", "--json")
    assert json.loads(shown.output)["n_en"] == 3


def test_a_300_character_slug_is_refused_up_front(tmp_path):
    empty = tmp_path / "empty.en.md"
    empty.write_bytes(b"")
    result = invoke(tmp_path / "ws", "add", str(empty), "--slug", "s" * 300)
    assert result.exit_code == 1
    # Refused before the file is read (it is empty, and has no Korean beside it), in one line.
    assert result.output.count("\n") == 1 and "a slug has up to 64" in result.output


def test_long_file_names_give_slugs_that_fit():
    assert len(ingest.slug_for(Path("가" * 200 + ".en.md"))) == ingest.MAX_SLUG_CHARS
    assert ingest.slug_for(Path("🙂.en.md")) == "article"


# --- progress off a terminal ----------------------------------------------------------------------


def test_progress_is_one_line_per_stage_off_a_terminal_and_quiet_silences_it(tmp_path, kiwi, nlp):
    home = tmp_path / "ws"
    en = pair(home / "raw", "post")
    loud = invoke(home, "add", str(en), quiet=False)
    assert loud.exit_code == 0, loud.output
    stages = [line for line in loud.stderr.splitlines() if line.startswith("readnotes: ")]
    assert stages[0] == "readnotes: 1/9 reading" and len(stages) >= 5
    assert "\r" not in loud.stderr
    quiet = invoke(home, "add", str(en))
    assert quiet.exit_code == 0 and "readnotes: " not in quiet.stderr

"""Bad input for `add` and `align` (the alignment issue): a Korean side covering a small part of the
English, a side with nothing left to align after cleaning, and more sentences than the aligner takes.

The partial-translation article is built from tests/data/ntrex-4docs.tsv: the first four news
documents of NTREX-128 en–ko (CC BY-SA 4.0; Federmann, Kocmi & Xin 2022; WMT19 English source), one
row per translation unit, each row one sentence on both sides.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from workspace_state import dump, outputs

from pipeline.cli import cli
from pipeline.stages import align

ROOT = Path(__file__).resolve().parent.parent
NTREX = ROOT / "tests/data/ntrex-4docs.tsv"
SAMPLE_EN = "raw/karpathy-2025.en.md"
SAMPLE_KO = "raw/karpathy-2025.ko.md"
TRANSLATED = 4  # rows of Korean given: the headline and three sentences of the first document


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def bead_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def ntrex_docs() -> list[list[tuple[str, str]]]:
    """The fixture's documents, each a list of (en, ko) rows; the first row is the headline."""
    docs: dict[str, list[tuple[str, str]]] = {}
    for line in NTREX.read_text(encoding="utf-8").splitlines()[1:]:
        doc_id, en, ko = line.split("\t")
        docs.setdefault(doc_id, []).append((en, ko))
    return list(docs.values())


def rows() -> list[tuple[str, str]]:
    return [row for doc in ntrex_docs() for row in doc]


def presplit(docs: list[list[str]]) -> str:
    """One sentence a line, a blank line between documents (paragraphs)."""
    return "\n\n".join("\n".join(doc) for doc in docs if doc) + "\n"


def markdown(docs: list[list[str]]) -> str:
    """A `##` heading per document (its headline) and a paragraph per sentence."""
    blocks = [f"## {doc[0]}\n\n" + "\n\n".join(doc[1:]) if len(doc) > 1 else f"## {doc[0]}" for doc in docs]
    return "\n\n".join(blocks) + "\n"


def partial(side: int, keep: int) -> list[list[str]]:
    """The documents with only the first `keep` rows of one side (0 English, 1 Korean)."""
    out, left = [], keep
    for doc in ntrex_docs():
        out.append([row[side] for row in doc[: max(left, 0)]])
        left -= len(doc)
    return [doc for doc in out if doc]


def full(side: int) -> list[list[str]]:
    return [[row[side] for row in doc] for doc in ntrex_docs()]


def coverage_warning(side: str, other: str, paired: int, total: int, left: str) -> str:
    return (
        f"Warning: {side} covers {paired / total:.0%} of the {other} ({paired} of {total} sentences); "
        f"the other {total - paired} are left {left}. Is the {side} file complete?\n"
    )


# -- a Korean side covering 5% of the English ---------------------------------------------------


def test_fixture_is_one_sentence_a_row():
    # The tests below index sentences by row; that needs exactly one sentence per row on each side.
    assert len(rows()) == 72 and TRANSLATED / len(rows()) < 0.06
    assert all(en.strip() and ko.strip() and "\n" not in en + ko for en, ko in rows())


def test_add_with_a_partial_korean_pairs_what_exists_and_warns(home: Path, kiwi, nlp):
    en, ko = home / "news.en.md", home / "news.ko.md"
    en.write_text(markdown(full(0)), encoding="utf-8")
    ko.write_text(markdown(partial(1, TRANSLATED)), encoding="utf-8")
    result = invoke("--home", str(home), "-q", "add", str(en), "--ko", str(ko))
    assert result.exit_code == 0, result.output
    n = len(rows())
    assert result.stdout.startswith(
        f"news: {n} English and {TRANSLATED} Korean sentences in {n} pairs, 6% covered, "
        f"{n - TRANSLATED} untranslated, 0 added."
    )
    assert result.stderr == coverage_warning("Korean", "English", TRANSLATED, n, "untranslated (1-0 beads)")
    assert result.stderr.startswith(
        "Warning: Korean covers 6% of the English (4 of 72 sentences); the other 68"
    )

    beads = bead_lines((home / "aligned/news.jsonl").read_text(encoding="utf-8"))
    head, rest = beads[:TRANSLATED], beads[TRANSLATED:]
    assert [(b["en"], b["ko"]) for b in head] == [([i], [i]) for i in range(TRANSLATED)]
    assert [(b["en_text"], b["ko_text"]) for b in head] == rows()[:TRANSLATED]
    assert [(b["en"], b["ko"]) for b in rest] == [([i], []) for i in range(TRANSLATED, n)]

    again = invoke("--home", str(home), "-q", "add", str(en), "--ko", str(ko), "--json")
    assert again.exit_code == 0, again.output
    summary = json.loads(again.stdout)  # stdout stays pure JSON; the warning is on stderr
    assert summary["coverage"] == pytest.approx(TRANSLATED / n)
    assert (summary["en"], summary["ko"], summary["untranslated"]) == (n, TRANSLATED, n - TRANSLATED)
    assert again.stderr.startswith("Warning: Korean covers 6% of the English")


def test_align_presplit_partial_korean_warns_on_stderr_only(tmp_path):
    en, ko = tmp_path / "en.txt", tmp_path / "ko.txt"
    en.write_text(presplit(full(0)), encoding="utf-8")
    ko.write_text(presplit(partial(1, TRANSLATED)), encoding="utf-8")
    result = invoke("align", str(en), str(ko), "--presplit")
    assert result.exit_code == 0, result.output
    beads = bead_lines(result.stdout)  # every stdout line is a bead
    n = len(rows())
    assert [i for b in beads for i in b["en"]] == list(range(n))
    assert [i for b in beads for i in b["ko"]] == list(range(TRANSLATED))
    paired = sum(len(b["en"]) for b in beads if b["ko"])
    assert paired / n < 0.5
    assert result.stderr == coverage_warning("Korean", "English", paired, n, "untranslated (1-0 beads)")

    out = tmp_path / "beads.jsonl"
    written = invoke("align", str(en), str(ko), "--presplit", "--out", str(out))
    assert written.stdout == "" and bead_lines(out.read_text(encoding="utf-8")) == beads
    assert (
        written.stderr.startswith("Warning: Korean covers ")
        and f"{len(beads)} beads written" in written.stderr
    )


def test_align_presplit_partial_korean_pairs_the_first_sentences_one_to_one(tmp_path):
    en, ko = tmp_path / "en.txt", tmp_path / "ko.txt"
    en.write_text(presplit(full(0)), encoding="utf-8")
    ko.write_text(presplit(partial(1, TRANSLATED)), encoding="utf-8")
    result = invoke("align", str(en), str(ko), "--presplit")
    beads = bead_lines(result.stdout)
    n = len(rows())
    assert [(b["en"], b["ko"]) for b in beads] == [([i], [i]) for i in range(TRANSLATED)] + [
        ([i], []) for i in range(TRANSLATED, n)
    ]
    assert result.stderr == coverage_warning("Korean", "English", TRANSLATED, n, "untranslated (1-0 beads)")


def test_align_presplit_partial_english_warns_the_other_way(tmp_path):
    en, ko = tmp_path / "en.txt", tmp_path / "ko.txt"
    en.write_text(presplit(partial(0, TRANSLATED)), encoding="utf-8")
    ko.write_text(presplit(full(1)), encoding="utf-8")
    result = invoke("align", str(en), str(ko), "--presplit")
    assert result.exit_code == 0, result.output
    beads = bead_lines(result.stdout)
    n = len(rows())
    assert [i for b in beads for i in b["ko"]] == list(range(n))
    paired = sum(len(b["ko"]) for b in beads if b["en"])
    assert result.stderr == coverage_warning("English", "Korean", paired, n, "without English (0-1 beads)")


def test_full_translation_gives_no_warning(tmp_path):
    en, ko = tmp_path / "en.txt", tmp_path / "ko.txt"
    en.write_text(presplit(full(0)), encoding="utf-8")
    ko.write_text(presplit(full(1)), encoding="utf-8")
    result = invoke("align", str(en), str(ko), "--presplit")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


# -- one side has nothing left to align after cleaning -----------------------------------------

NO_PROSE = "it has no text to align once front matter, code, tables, images, HTML and rules are set aside"
NO_WORDS = "it has no words to align, only digits, punctuation or markup"
HINT = "Pass the file that holds the article's text: paragraphs, headings, lists or quotes."

# (Korean content, English content, message): the same kind of file on either side.
NOTHING_TO_ALIGN = {
    "front-matter": (
        "---\ntitle: 제목\nsource: https://example.com\n---\n",
        "---\ntitle: Title\n---\n",
        NO_PROSE,
    ),
    "image": ("![그림 1](figure-1.png)\n", "![Figure 1](figure-1.png)\n", NO_PROSE),
    "html-comment": ("<!-- 번역 예정 -->\n", "<!-- to do -->\n", NO_PROSE),
    "code-block": ("```python\nprint('hello')\n```\n", "```python\nprint('hello')\n```\n", NO_PROSE),
    "rules": ("---\n\n***\n\n___\n", "***\n\n---\n", NO_PROSE),
    "table": (
        "| 영어 | 한국어 |\n|---|---|\n| model | 모델 |\n",
        "| a | b |\n|---|---|\n| 1 | 2 |\n",
        NO_PROSE,
    ),
    "punctuation": ("...\n\n— 2025 —\n", "...\n\n(1)\n", NO_WORDS),
}


def assert_one_line_error(result, path: Path, message: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.output == f"Error: {path}: {message}. {HINT}\n"


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("case", sorted(NOTHING_TO_ALIGN))
def test_add_refuses_a_side_with_nothing_to_align_and_changes_nothing(ws, case, lang):
    ko_text, en_text, message = NOTHING_TO_ALIGN[case]
    # Named as the stored article's file, so that adding it would be a re-add replacing that article.
    bad = ws / case / f"karpathy-2025.{lang}.md"
    bad.parent.mkdir()
    bad.write_text(ko_text if lang == "ko" else en_text, encoding="utf-8")
    db_before, files_before = dump(ws / "notes.db"), outputs(ws)
    # The good side of the pair is the stored sample, so a failure could only come from `bad`.
    args = (
        [str(ws / SAMPLE_EN), "--ko", str(bad)] if lang == "ko" else [str(bad), "--ko", str(ws / SAMPLE_KO)]
    )
    result = invoke("--home", str(ws), "-q", "add", *args, "--slug", "karpathy-2025")
    assert_one_line_error(result, bad, message)
    assert dump(ws / "notes.db") == db_before
    assert outputs(ws) == files_before


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("case", sorted(NOTHING_TO_ALIGN))
def test_align_refuses_a_side_with_nothing_to_align(tmp_path, case, lang):
    ko_text, en_text, message = NOTHING_TO_ALIGN[case]
    bad = tmp_path / f"{case}.{lang}.md"
    bad.write_text(ko_text if lang == "ko" else en_text, encoding="utf-8")
    pair = [ROOT / SAMPLE_EN, bad] if lang == "ko" else [bad, ROOT / SAMPLE_KO]
    out = tmp_path / "beads.jsonl"
    result = invoke("align", *map(str, pair), "--out", str(out))
    assert_one_line_error(result, bad, message)
    assert not out.exists()


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize(
    "content, message",
    [("\n\n   \n\t\n\n", "it is empty"), ("---\n\n***\n...\n", NO_WORDS)],
    ids=["blank-lines", "markup"],
)
def test_align_presplit_refuses_a_side_with_nothing_to_align(tmp_path, lang, content, message):
    good = tmp_path / f"good.{'en' if lang == 'ko' else 'ko'}.txt"
    good.write_text("Hello there.\n" if lang == "ko" else "안녕하세요.\n", encoding="utf-8")
    bad = tmp_path / f"bad.{lang}.txt"
    bad.write_text(content, encoding="utf-8")
    pair = [good, bad] if lang == "ko" else [bad, good]
    result = invoke("align", *map(str, pair), "--presplit")
    assert result.exit_code == 1, result.output
    assert result.output.startswith(f"Error: {bad}: {message}. ") and result.output.count("\n") == 1
    assert result.stdout == ""


# -- more sentences than the aligner takes -----------------------------------------------------


def test_align_presplit_over_the_sentence_limit_stops_before_aligning(tmp_path):
    limit = align.Aligner().max_sentences
    per_side = limit // 2 + 1000
    en, ko = tmp_path / "en.txt", tmp_path / "ko.txt"
    en.write_text("".join(f"Sentence {i} of a very long text.\n" for i in range(per_side)), encoding="utf-8")
    ko.write_text("".join(f"아주 긴 글의 {i}번째 문장입니다.\n" for i in range(per_side)), encoding="utf-8")
    out = tmp_path / "beads.jsonl"
    start = time.monotonic()
    result = invoke("align", str(en), str(ko), "--presplit", "--out", str(out))
    elapsed = time.monotonic() - start
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)  # no traceback
    assert result.output.startswith("Error: cannot align: ") and result.output.count("\n") == 1
    assert f"{limit:,}" in result.output and "split" in result.output
    assert not out.exists()
    # The limit is checked before the DP: aligning this much would take minutes, refusing takes seconds.
    assert elapsed < 30, elapsed

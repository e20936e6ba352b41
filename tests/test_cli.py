"""The CLI through CliRunner: add, align, sheet, list, workspace selection, help, and bad input."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt
from workspace_state import dump, outputs

from pipeline import store as db
from pipeline.cli import cli

ROOT = Path(__file__).resolve().parent.parent
GOLD = [tuple(b) for b in json.loads((ROOT / "tests/data/karpathy-2025.gold.json").read_text())]
SLUG = "karpathy-2025"


def invoke(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, list(args), env=env)


def bead_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


# -- add ---------------------------------------------------------------------------------------


def test_add_writes_jsonl_tsv_and_sheet(home, run):
    result = run("add", str(home / "raw/karpathy-2025.en.md"))
    assert "18 English and 20 Korean sentences in 18 pairs" in result.output
    assert f"exports/{SLUG}.md" in result.output
    beads = bead_lines((home / f"aligned/{SLUG}.jsonl").read_text(encoding="utf-8"))
    for bead in beads:
        assert list(bead) == ["en", "ko", "score", "en_text", "ko_text"]
        assert all(isinstance(i, int) for i in bead["en"] + bead["ko"])
        assert 0.0 <= bead["score"] <= 1.0
        assert bead["en_text"] or bead["ko_text"]
    assert [(b["en"], b["ko"]) for b in beads] == [(list(e), list(k)) for e, k in GOLD]
    rows = (home / f"aligned/{SLUG}.tsv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == "en\tko\tscore"
    assert len(rows) == len(beads) + 1
    for row, bead in zip(rows[1:], beads, strict=True):
        en, ko, score = row.split("\t")
        assert (en, ko) == (bead["en_text"], bead["ko_text"])
        assert abs(float(score) - bead["score"]) < 1e-3
    assert (home / f"exports/{SLUG}.md").read_text(encoding="utf-8").startswith("# 2025 LLM Year in Review")


def test_add_json_summary(home, run):
    result = run("add", str(home / "raw/karpathy-2025.en.md"), "--json")
    summary = json.loads(result.stdout)
    assert (summary["slug"], summary["en"], summary["ko"], summary["beads"]) == (SLUG, 18, 20, 18)
    assert Path(summary["sheet"]) == home / f"exports/{SLUG}.md"


APPENDICES = ("\n## Vocabulary", "\n## Review")


def sheet_runs(sheet: str) -> list[str]:
    """Plain text of every paragraph and heading of the sheet's body (outside its header table, before
    the appendices), in order; the ⚠ mark of a flagged pair and footnote references are dropped."""
    cut = min([sheet.find(a) for a in APPENDICES if a in sheet] or [len(sheet)])
    sheet = re.sub(r"\[\^[fv]\d+\]", "", sheet[:cut]).replace("⚠ ", "")
    runs, stack = [], []
    for tok in MarkdownIt("commonmark").enable("table").parse(sheet):
        if tok.nesting == 1:
            stack.append(tok.type)
        elif tok.nesting == -1:
            stack.pop()
        elif tok.type == "inline" and "table_open" not in stack:
            runs.append("".join(c.content for c in tok.children or [] if c.type in ("text", "code_inline")))
    return runs


def test_sheet_has_every_sentence_once_in_order(ws):
    """Read the sheet back as runs of text: each is a group of consecutive English sentences, or
    the Korean ones that follow them, or a marker. Consuming them in order must use every
    sentence of both sides exactly once, and give back the gold pairing."""
    article = db.load_article(db.open_db(ws / "notes.db"), SLUG)
    en = [s.text for s in article.en_sentences]
    ko = [s.text for s in article.ko_sentences]
    assert (len(en), len(ko)) == (18, 20)
    i = j = 0
    pairs: list[tuple[list[int], list[int]]] = []
    for run in sheet_runs((ws / f"exports/{SLUG}.md").read_text(encoding="utf-8")):
        if run == "(no Korean translation)":
            assert pairs and pairs[-1][1] == [], "marker without an English sentence before it"
            continue
        added = run.endswith(" (added by the translation; no English)")
        run = run.removesuffix(" (added by the translation; no English)")
        en_size = next((k for k in (1, 2, 3) if " ".join(en[i : i + k]) == run), 0)
        # A Korean list item keeps the reader's marker (`1.`) in front of its first sentence.
        unmarked = re.sub(r"^(?:\d+[.)]|[-*+•]) ", "", run)
        ko_size = next((k for k in (1, 2, 3) if " ".join(ko[j : j + k]) in (run, unmarked)), 0)
        assert en_size or ko_size, f"unexpected text in the sheet: {run!r}"
        if en_size and not added:
            pairs.append((list(range(i, i + en_size)), []))
            i += en_size
        else:
            if added:
                pairs.append(([], []))
            assert pairs[-1][1] == [], f"two Korean runs for one English: {run!r}"
            pairs[-1][1].extend(range(j, j + ko_size))
            j += ko_size
    assert (i, j) == (len(en), len(ko))
    assert pairs == [(list(e), list(k)) for e, k in GOLD]


def test_rerun_replaces_rows(ws):
    before = {t: db.open_db(ws / "notes.db")[t].count for t in ["articles", *db.ARTICLE_TABLES]}
    result = invoke("--home", str(ws), "-q", "add", str(ws / "raw/karpathy-2025.en.md"))
    assert result.exit_code == 0, result.output
    conn = db.open_db(ws / "notes.db")
    assert {t: conn[t].count for t in ["articles", *db.ARTICLE_TABLES]} == before
    for table in db.ARTICLE_TABLES:
        keys = [tuple(r[k] for k in conn[table].pks) for r in conn[table].rows]
        assert len(keys) == len(set(keys))
    assert len((ws / f"aligned/{SLUG}.jsonl").read_text().splitlines()) == before["beads"]


def test_crash_mid_save_keeps_the_previous_version(ws, monkeypatch):
    db_before, files_before = dump(ws / "notes.db"), outputs(ws)
    # A changed article, so that a half-written save would show.
    en = ws / "raw/karpathy-2025.en.md"
    en.write_text(en.read_text(encoding="utf-8") + "\nA new closing paragraph. It has two sentences.\n")

    def crashing_saver(_db, _article):
        raise RuntimeError("simulated crash while saving")

    monkeypatch.setattr(db, "ARTICLE_SAVERS", [*db.ARTICLE_SAVERS, crashing_saver])
    result = invoke("--home", str(ws), "-q", "add", str(en))
    assert result.exit_code != 0
    assert isinstance(result.exception, RuntimeError)
    assert dump(ws / "notes.db") == db_before
    assert outputs(ws) == files_before


# -- bad input ---------------------------------------------------------------------------------

KO = "raw/karpathy-2025.ko.md"
EN = "raw/karpathy-2025.en.md"


@pytest.mark.parametrize(
    "files, args, message",
    [
        ({"empty.md": b""}, ["empty.md", "--ko", KO], "empty.md: it is empty"),
        ({"blank.md": b" \n\n\t\n"}, ["blank.md", "--ko", KO], "blank.md: it is empty"),
        ({"pic.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"}, ["pic.md", "--ko", KO], "binary"),
        (
            {"bad.md": b"caf\xc3 \xff\xfe\xfd broken \x80\x81"},
            ["bad.md", "--ko", KO],
            "neither UTF-8 nor CP949",
        ),
        ({"bad.ko.md": b"\xff\xfe\xfd \x80\x81"}, [EN, "--ko", "bad.ko.md"], "neither UTF-8 nor CP949"),
        ({}, [EN, "--ko", EN], "looks like English (are the two files swapped?)"),
        ({}, [KO, "--ko", EN], "looks like Korean (are the two files swapped?)"),
        (
            {"lonely.md": b"An English article without a translation."},
            ["lonely.md"],
            "put lonely.ko.md beside",
        ),
        ({}, ["no-such-file.md"], "no-such-file.md: no such file"),
        ({}, [EN, "--ko", "no-such-file.ko.md"], "no-such-file.ko.md: no such file"),
        ({"notes/x.md": None}, ["notes"], "no English article files in"),
        ({"notes.pdf": b"%PDF-1.4 text"}, ["notes.pdf", "--ko", KO], "readnotes reads .md and .txt"),
    ],
)
def test_bad_input_is_one_line_and_leaves_everything_intact(ws, files, args, message):
    for name, data in files.items():
        (ws / name).parent.mkdir(parents=True, exist_ok=True)
        (ws / name).write_bytes(data if data is not None else b"- a note, not an article\n")
    db_before, files_before = dump(ws / "notes.db"), outputs(ws)
    paths = [str(ws / a) if not a.startswith("-") else a for a in args]
    result = invoke("--home", str(ws), "-q", "add", *paths)
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert dump(ws / "notes.db") == db_before
    assert outputs(ws) == files_before


def test_bad_input_in_a_fresh_workspace_creates_no_database(tmp_path):
    (tmp_path / "empty.md").write_bytes(b"")
    result = invoke("--home", str(tmp_path / "ws"), "add", str(tmp_path / "empty.md"))
    # No -q here: off a terminal progress is plain lines, then the error is the last line.
    assert result.exit_code == 1
    *progress, error = result.output.splitlines()
    assert error.startswith("Error: ") and all(line.startswith("readnotes: ") for line in progress)
    assert not (tmp_path / "ws" / "notes.db").exists()


# -- align (stateless) -------------------------------------------------------------------------


def test_align_presplit_out(tmp_path):
    en = tmp_path / "en.txt"
    ko = tmp_path / "ko.txt"
    en.write_text("Hello there.\nThe model has 8B parameters.\n\nA new paragraph about GPT-4.\n")
    ko.write_text("안녕하세요.\n그 모델은 80억 개의 매개변수를 가집니다.\n\nGPT-4에 관한 새 문단입니다.\n")
    out = tmp_path / "out" / "beads.jsonl"
    result = invoke("align", str(en), str(ko), "--presplit", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # the beads go to the file; the note goes to stderr
    assert "3 beads written" in result.stderr
    beads = bead_lines(out.read_text(encoding="utf-8"))
    assert [(b["en"], b["ko"]) for b in beads] == [([0], [0]), ([1], [1]), ([2], [2])]
    assert beads[1]["en_text"] == "The model has 8B parameters."
    assert beads[2]["ko_text"] == "GPT-4에 관한 새 문단입니다."


def test_align_presplit_refuses_swapped_sides(tmp_path):
    en = tmp_path / "en.txt"
    en.write_text("Hello there.\n")
    result = invoke("align", str(en), str(en), "--presplit")
    assert result.exit_code == 1 and result.output.startswith("Error: ")
    assert "swapped" in result.output and result.output.count("\n") == 1


def test_align_sample_without_presplit(kiwi, nlp):
    result = invoke("align", str(ROOT / EN), str(ROOT / KO))
    assert result.exit_code == 0, result.output
    beads = bead_lines(result.stdout)
    assert [(b["en"], b["ko"]) for b in beads] == [(list(e), list(k)) for e, k in GOLD]


# -- sheet and list ----------------------------------------------------------------------------


def test_sheet_regenerates_the_study_sheet(ws):
    sheet = ws / f"exports/{SLUG}.md"
    original = sheet.read_text(encoding="utf-8")
    sheet.unlink()
    result = invoke("--home", str(ws), "sheet", SLUG)
    assert result.exit_code == 0, result.output
    assert sheet.read_text(encoding="utf-8") == original
    other = ws / "elsewhere" / "sheet.md"
    result = invoke("--home", str(ws), "sheet", SLUG, "--out", str(other))
    assert result.exit_code == 0, result.output
    assert other.read_text(encoding="utf-8") == original


def test_sheet_unknown_slug(ws):
    result = invoke("--home", str(ws), "sheet", "no-such-slug")
    assert result.exit_code == 1
    assert result.output.startswith("Error: no article 'no-such-slug'")
    assert "readnotes list" in result.output and result.output.count("\n") == 1


def test_list(ws, tmp_path):
    result = invoke("--home", str(ws), "list")
    assert result.exit_code == 0
    assert result.output.startswith(f"{SLUG}\t2025 LLM Year in Review\t18 sentences\t89% covered")
    rows = json.loads(invoke("--home", str(ws), "list", "--json").stdout)
    assert [(r["slug"], r["n_en"], r["n_ko"], r["n_beads"]) for r in rows] == [(SLUG, 18, 20, 18)]
    # A folder that is no workspace: one line that says so, and nothing is created there.
    reads = (
        ["list"],
        ["list", "--json"],
        ["flags"],
        ["search", "연구소"],
        ["sheet", SLUG],
        ["vocab", "hits"],
    )
    for args in reads:
        empty = invoke("--home", str(tmp_path / "empty"), *args)
        assert empty.exit_code == 1 and empty.output.count("\n") == 1, empty.output
        assert empty.output.startswith("Error: no readnotes workspace in ")
        assert "readnotes add" in empty.output
    assert not (tmp_path / "empty").exists()


def test_home_option_and_environment_variable(ws, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # No --home: READNOTES_HOME picks the workspace.
    rows = json.loads(invoke("list", "--json", env={"READNOTES_HOME": str(ws)}).stdout)
    assert [r["slug"] for r in rows] == [SLUG]
    # --home wins over the environment variable.
    other = tmp_path / "other"
    refused = invoke("--home", str(other), "list", "--json", env={"READNOTES_HOME": str(ws)})
    assert refused.exit_code == 1 and str(other) in refused.output and not other.exists()
    # Neither: the current directory.
    monkeypatch.delenv("READNOTES_HOME", raising=False)
    shutil.copytree(ws, tmp_path / "here")
    monkeypatch.chdir(tmp_path / "here")
    assert [r["slug"] for r in json.loads(invoke("list", "--json").stdout)] == [SLUG]


# -- help --------------------------------------------------------------------------------------


def test_python_m_pipeline_help():
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "--help"], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: readnotes")
    for name in ("add", "align", "sheet", "list"):
        assert name in result.stdout


@pytest.mark.parametrize("slug", ["../escape", "a/b", ".hidden"])
def test_slug_must_be_a_plain_name(run, home, slug):
    result = run("add", str(home / "raw/karpathy-2025.en.md"), "--slug", slug, ok=False)
    assert result.exit_code == 1
    assert "Error: " in result.output and "Traceback" not in result.output
    assert not (home / "escape.md").exists() and not (home / "notes.db").exists()


def test_add_several_files_or_a_folder_in_one_run(tmp_path, kiwi, nlp):
    """A folder adds every <name>.en.md in it (not the vocabulary notes); one bad article is
    reported and the others are still added; exit 1 with a summary."""
    home, folder = tmp_path / "ws", tmp_path / "articles"
    folder.mkdir()
    for name in ("first", "second"):
        shutil.copy(ROOT / "raw/karpathy-2025.en.md", folder / f"{name}.en.md")
        shutil.copy(ROOT / "raw/karpathy-2025.ko.md", folder / f"{name}.ko.md")
    shutil.copy(ROOT / "raw/karpathy-2025.vocab.md", folder)
    result = invoke("--home", str(home), "-q", "add", str(folder), "--json")
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["slug"] for line in result.stdout.splitlines()] == ["first", "second"]
    (folder / "broken.en.md").write_bytes(b"\x00\x01binary")
    result = invoke("--home", str(home), "-q", "add", str(folder))
    assert result.exit_code == 1
    assert "broken.en.md" in result.stderr and "1 of 3 articles could not be added" in result.stderr
    assert "Traceback" not in result.output
    rows = json.loads(invoke("--home", str(home), "list", "--json").stdout)
    assert sorted(r["slug"] for r in rows) == ["first", "second"]
    # --slug and --ko name one article.
    both = invoke(
        "--home", str(home), "add", str(folder / "first.en.md"), str(folder / "second.en.md"), "--slug", "x"
    )
    assert both.exit_code == 2 and "one English file" in both.output
    empty = tmp_path / "empty"
    empty.mkdir()
    none = invoke("--home", str(home), "add", str(empty))
    assert none.exit_code == 1 and none.output.startswith("Error: no English article files in ")


def test_article_text_printed_to_a_terminal_has_controls_escaped(ws):
    """A stored sentence with an escape sequence or a bidi override is shown escaped, not obeyed."""
    conn = db.open_db(ws / "notes.db")
    conn.execute("update articles set title = ? where slug = ?", ["Evil \x1b[2J\u202etitle", SLUG])
    conn.conn.commit()
    shown = invoke("--home", str(ws), "list").output
    assert "\x1b" not in shown and "\u202e" not in shown
    assert "Evil \\x1b[2J\\u202etitle" in shown

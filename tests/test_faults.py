"""Fault injection for notes.db: concurrent processes, read-only files, damaged, newer and full
databases. Every case ends in success or one `Error:` line (exit 1, no traceback), with notes.db
passing `PRAGMA integrity_check` and nothing lost."""

from __future__ import annotations

import gc
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline import store
from pipeline.store import connect

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_EN = ROOT / "raw" / "karpathy-2025.en.md"
SAMPLE_KO = ROOT / "raw" / "karpathy-2025.ko.md"
SLUG = "karpathy-2025"


def assert_one_error(result, *words: str) -> str:
    """Exit 1, and the output is one `Error:` line (no traceback) containing `words`."""
    output = result.output if hasattr(result, "output") else result.stdout + result.stderr
    exit_code = result.exit_code if hasattr(result, "exit_code") else result.returncode
    assert exit_code == 1, output
    assert "Traceback" not in output, output
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), output
    for word in words:
        assert word in lines[0], output
    return lines[0]


def integrity(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


def count(path: Path, table: str = "articles") -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def user_version(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("PRAGMA user_version").fetchone()[0]


def readnotes(home: Path, *args: str) -> subprocess.Popen:
    """The real program in its own process (not CliRunner): concurrency needs separate processes."""
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", "--home", str(home), "-q", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=home,
    )


def finish(process: subprocess.Popen, timeout: float = 240) -> subprocess.CompletedProcess:
    stdout, stderr = process.communicate(timeout=timeout)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def settle(path: Path) -> None:
    """Move every page from notes.db-wal into notes.db, so the file alone holds the database."""
    gc.collect()  # connections of finished in-process commands
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


@pytest.fixture
def added(added: Path, home: Path) -> Path:
    """A workspace with the sample article stored (a copy of the session's `added`, all of it in
    notes.db); returns notes.db."""
    shutil.copytree(added, home, dirs_exist_ok=True)
    settle(home / "notes.db")
    return home / "notes.db"


# --- concurrency: real processes ------------------------------------------------------------------


@pytest.mark.slow
def test_two_adds_at_once_both_succeed(home: Path):
    first = readnotes(home, "add", str(SAMPLE_EN), "--ko", str(SAMPLE_KO), "--slug", "first")
    second = readnotes(home, "add", str(SAMPLE_EN), "--ko", str(SAMPLE_KO), "--slug", "second")
    for done in (finish(first), finish(second)):
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
    db = home / "notes.db"
    assert integrity(db) == "ok"
    assert count(db) == 2
    assert count(db, "beads") == 2 * count(db, "beads WHERE slug = 'first'") > 0


@pytest.mark.slow
def test_readers_and_a_review_decision_during_an_add(added: Path, home: Path):
    """A re-add runs in another process while `list`, `flags` and `show` read and a review decision
    is written: every reader succeeds, the decision survives the re-add."""
    adding = readnotes(home, "add", str(SAMPLE_EN), "--ko", str(SAMPLE_KO))
    readers = 0
    while adding.poll() is None or readers < 3:
        for args in (("list",), ("flags", SLUG, "--json"), ("show", SLUG)):
            done = finish(readnotes(home, *args), timeout=60)
            assert done.returncode == 0, done.stderr
            readers += 1
        if readers == 3:  # a review decision, written while the add computes
            database = store.open_db(added)
            flag = store.load_flags(database, SLUG)[0]
            store.record_decision(database, flag, "dismiss", None)
            database.conn.close()
    assert finish(adding).returncode == 0
    assert integrity(added) == "ok"
    statuses = {f.id: f.status for f in store.load_flags(store.open_db(added), SLUG)}
    assert flag.id in statuses and statuses[flag.id] == "dismissed"


@pytest.mark.slow
def test_opening_an_old_database_from_several_processes_migrates_it_once(tmp_path: Path):
    path = tmp_path / "notes.db"
    code = "import sys; from pipeline.store import open_db; open_db(sys.argv[1]).execute('select 1')"
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    processes = [
        subprocess.Popen([sys.executable, "-c", code, str(path)], stderr=subprocess.PIPE, text=True, env=env)
        for _ in range(4)
    ]
    for process in processes:
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr
    assert user_version(path) == store.SCHEMA_VERSION
    with sqlite3.connect(path) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")]
    assert len(names) == len(set(names)) == len(store.migrations()._migrations)
    assert integrity(path) == "ok"


@pytest.mark.slow
def test_a_writer_waits_for_another_instead_of_failing(tmp_path: Path):
    """While one connection holds the write lock, a second writer waits (busy timeout) and then
    succeeds; BEGIN IMMEDIATE makes it wait at the start, not fail in the middle."""
    path = tmp_path / "notes.db"
    store.open_db(path)
    holder = sqlite3.connect(path)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO vocab_terms (key, term) VALUES ('k', 'held')")
    code = (
        "import sys; from pipeline.store import open_db\n"
        "db = open_db(sys.argv[1])\n"
        "with db.atomic():\n"
        "    db.execute(\"INSERT INTO vocab_terms (key, term) VALUES ('w', 'waited')\")\n"
    )
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    writer = subprocess.Popen(
        [sys.executable, "-c", code, str(path)], stderr=subprocess.PIPE, text=True, env=env
    )
    time.sleep(1.5)
    assert writer.poll() is None  # still waiting for the lock
    holder.commit()
    holder.close()
    _, stderr = writer.communicate(timeout=60)
    assert writer.returncode == 0, stderr
    assert count(path, "vocab_terms") == 2


def test_a_lock_held_too_long_is_one_error_line(added: Path, run, monkeypatch):
    monkeypatch.setattr(connect, "BUSY_TIMEOUT", 0.2)
    holder = sqlite3.connect(added)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = run("vocab", "add", "vicinity", "--gloss", "근처", ok=False)
    finally:
        holder.rollback()
        holder.close()
    assert_one_error(result, "busy", "Run again")
    assert count(added, "vocab_terms") == 0


# --- read commands write nothing; read-only files ------------------------------------------------


READ_COMMANDS = [("list",), ("show", SLUG), ("flags", SLUG, "--json"), ("vocab", "list"), ("search", "LLM")]


def test_read_commands_leave_notes_db_byte_for_byte(added: Path, run):
    before = added.read_bytes()
    for args in READ_COMMANDS:
        run(*args)
    settle(added)  # anything written would be in notes.db now
    assert added.read_bytes() == before
    assert user_version(added) == store.SCHEMA_VERSION


def test_read_only_open_reads_and_refuses_writes_with_one_line(added: Path, run, monkeypatch):
    """As root every file is writable, so this forces the read-only open (sqlite `mode=ro`) the
    Workspace uses for a notes.db or folder it cannot write."""
    monkeypatch.setattr(connect, "_writable", lambda path: False)
    before = added.read_bytes()
    for args in READ_COMMANDS:
        run(*args)
    run("sheet", SLUG)  # writes exports/, reads notes.db
    assert_one_error(run("vocab", "add", "vicinity", "--gloss", "근처", ok=False), "read-only")
    assert added.read_bytes() == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files; the mode=ro test covers the open")
def test_read_only_workspace_folder_and_file(added: Path, home: Path, run):
    added.chmod(0o444)
    for folder in (home, home / "exports", home / "aligned"):
        folder.chmod(0o555)
    try:
        for args in READ_COMMANDS:
            run(*args)
        assert_one_error(run("sheet", SLUG, ok=False), "cannot write")
        assert_one_error(run("add", str(SAMPLE_EN), "--ko", str(SAMPLE_KO), ok=False))
    finally:
        for folder in (home, home / "exports", home / "aligned"):
            folder.chmod(0o755)
        added.chmod(0o644)
    assert integrity(added) == "ok" and count(added) == 1


def test_a_read_only_database_that_needs_a_migration_is_refused(added: Path, run, monkeypatch):
    with sqlite3.connect(added) as conn:
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm090_reindex_search_for_lean_kiwi'")
        conn.execute("PRAGMA user_version = 10")
    monkeypatch.setattr(connect, "_writable", lambda path: False)
    assert_one_error(run("list", ok=False), "read-only", "needs an upgrade")


# --- damaged and newer databases -------------------------------------------------------------------


def _truncate(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2)


def _garbage_header(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[:16] = b"garbage garbage!"
    path.write_bytes(bytes(data))


def _text_file(path: Path) -> None:
    path.write_text("my notes, not a database\n", encoding="utf-8")


def _garbage_in_the_middle(path: Path) -> None:
    data = bytearray(path.read_bytes())
    noise = random.Random(42)
    for i in range(4096, len(data) - 4096):  # every page but the first (the schema) and the last
        data[i] = noise.randrange(256)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "damage, words",
    [
        (_truncate, ["cut short", ".recover"]),
        (_garbage_header, ["not a SQLite database", "Move it aside"]),
        (_text_file, ["not a SQLite database", "Move it aside"]),
        (_garbage_in_the_middle, ["damaged", ".recover"]),
    ],
)
def test_a_damaged_database_is_one_line_and_left_as_it_is(added: Path, run, damage, words):
    damage(added)
    damaged = added.read_bytes()
    for args in (("list",), ("show", SLUG), ("add", str(SAMPLE_EN), "--ko", str(SAMPLE_KO))):
        assert_one_error(run(*args, ok=False), *words)
    assert added.read_bytes() == damaged  # nothing "repaired" behind the reader's back


def test_a_newer_database_is_refused_and_not_downgraded(added: Path, run):
    with sqlite3.connect(added) as conn:
        conn.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 1}")
    before = added.read_bytes()
    assert_one_error(run("list", ok=False), "newer", "Upgrade readnotes")
    assert_one_error(run("add", str(SAMPLE_EN), "--ko", str(SAMPLE_KO), ok=False), "newer")
    assert added.read_bytes() == before
    assert user_version(added) == store.SCHEMA_VERSION + 1


def test_an_empty_file_is_a_new_database(home: Path, run):
    (home / "notes.db").write_bytes(b"")
    run("add", str(SAMPLE_EN), "--ko", str(SAMPLE_KO))
    assert count(home / "notes.db") == 1


# --- a full disk during the save ---------------------------------------------------------------------


def test_a_full_disk_during_the_save_rolls_back_with_one_line(added: Path, home: Path, run, monkeypatch):
    """`PRAGMA max_page_count` makes the database full: the second article cannot be stored."""
    before = {t: count(added, t) for t in ["articles", *store.ARTICLE_TABLES]}
    opened = store.open_db

    def nearly_full(path, read_only=None):
        database = opened(path, read_only)
        pages = database.execute("PRAGMA page_count").fetchone()[0]
        database.execute(f"PRAGMA max_page_count = {pages + 1}")
        return database

    monkeypatch.setattr(store, "open_db", nearly_full)
    other = home / "raw" / "other.en.md"
    shutil.copy(SAMPLE_EN, other)
    shutil.copy(SAMPLE_KO, home / "raw" / "other.ko.md")
    assert_one_error(run("add", str(other), ok=False), "disk is full", "previous version is intact")
    assert integrity(added) == "ok"
    assert {t: count(added, t) for t in before} == before
    assert not (home / "exports" / "other.md").exists()  # no sheet for an article that is not stored


def test_a_write_failure_is_reported_in_one_line_for_every_sqlite_error():
    for text, words in [
        ("database is locked", ["busy"]),
        ("database or disk is full", ["disk is full"]),
        ("attempt to write a readonly database", ["read-only"]),
        ("database disk image is malformed", ["damaged", ".recover"]),
        ("disk I/O error", ["Nothing was saved"]),
    ]:
        line = connect.describe_error(sqlite3.OperationalError(text))
        assert "\n" not in line and all(w in line for w in words), line


def test_search_on_a_read_only_database_with_unindexed_sentences_still_answers(added: Path, run, monkeypatch):
    with sqlite3.connect(added) as conn:
        conn.execute("DELETE FROM search_terms WHERE lang = 'ko'")
    monkeypatch.setattr(connect, "_writable", lambda path: False)
    result = run("search", "LLM")
    assert "karpathy-2025" in result.output


#: The real CLI, with the save paused halfway through its transaction (after the flags are written)
#: until the test signals it: argv[1] is the file to touch once paused, the rest is the command.
#: Ctrl-C is live as in a terminal: a test run started in the background (as a CI runner may start
#: it) hands its children an ignored SIGINT, and Python then installs no KeyboardInterrupt. The pause
#: is many short sleeps: a SIGINT the kernel hands to one of Kiwi's worker threads only sets Python's
#: flag, which the main thread reads when its current sleep ends.
PAUSED_SAVE = """
import pathlib, signal, sys, time
signal.signal(signal.SIGINT, signal.default_int_handler)
from pipeline import store
save_flags = store.ARTICLE_SAVERS[2]
def save_flags_then_pause(db, article):
    save_flags(db, article)
    pathlib.Path(sys.argv[1]).touch()
    for _ in range(1200):
        time.sleep(0.1)
store.ARTICLE_SAVERS[2] = save_flags_then_pause
from pipeline.cli import cli
cli(sys.argv[2:], prog_name="readnotes")
"""


@pytest.mark.parametrize("signal_name", ["SIGKILL", "SIGINT"])
@pytest.mark.slow
def test_a_kill_or_ctrl_c_inside_the_save_keeps_the_previous_version(added: Path, home: Path, signal_name):
    import signal

    with sqlite3.connect(added) as conn:
        conn.execute("UPDATE articles SET title = 'the previous version'")
    before = {t: count(added, t) for t in ["articles", *store.ARTICLE_TABLES]}
    paused = home / "paused"
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    args = ["--home", str(home), "-q", "add", str(SAMPLE_EN), "--ko", str(SAMPLE_KO)]
    process = subprocess.Popen(
        [sys.executable, "-c", PAUSED_SAVE, str(paused), *args], stderr=subprocess.PIPE, text=True, env=env
    )
    deadline = time.monotonic() + 120
    while not paused.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert paused.exists(), process.stderr.read() if process.poll() is not None else "never paused"
    process.send_signal(getattr(signal, signal_name))
    _, stderr = process.communicate(timeout=60)
    assert process.returncode != 0
    assert "Traceback" not in stderr, stderr
    assert integrity(added) == "ok"
    assert {t: count(added, t) for t in before} == before
    with sqlite3.connect(added) as conn:
        assert conn.execute("SELECT title FROM articles").fetchone()[0] == "the previous version"


def test_notes_db_uses_write_ahead_logging_and_a_busy_timeout(tmp_path: Path):
    path = tmp_path / "notes.db"
    with sqlite3.connect(path) as conn:  # an older notes.db, in the default rollback-journal mode
        conn.execute("PRAGMA journal_mode = DELETE")
    database = store.open_db(path)
    assert database.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert database.execute("PRAGMA busy_timeout").fetchone()[0] == connect.BUSY_TIMEOUT * 1000
    assert database.execute("PRAGMA foreign_keys").fetchone()[0] == 1

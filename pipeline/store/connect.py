"""Opening notes.db the way a SQLite application should: checked, concurrent, and quiet when reading.

- **Checked.** A file that is not a SQLite database, is cut short, or was written by a newer
  readnotes is refused with one line that says what to do, before anything touches it.
- **Concurrent.** Write-ahead logging (readers never block the writer, nor it them), a busy timeout
  (a second writer waits for the first instead of failing), and write transactions that take the
  write lock when they begin (``BEGIN IMMEDIATE``), so a writer never fails halfway because another
  one committed after it had started reading.
- **Quiet.** Opening writes nothing unless a migration is pending; then the migrations run under the
  write lock, and ``PRAGMA user_version`` is set in the same transaction. A notes.db that is not
  writable (or sits in a folder that is not) is opened read-only, and read commands still work.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from pipeline.errors import ReadnotesError

if TYPE_CHECKING:
    from sqlite_utils import Database

    from pipeline.store._sqlite import NotesDatabase

#: What SQLite raises: the CLI's error table names it through the store, which alone imports sqlite3.
DatabaseError = sqlite3.Error

#: What the store's read queries take: sqlite-utils' Database (a command that writes has one open) or
#: a plain sqlite3 connection (`open_reader`: a command that only reads imports no sqlite-utils).
Reader = Union["Database", sqlite3.Connection]

#: Seconds a write waits for another process's write to finish before giving up.
BUSY_TIMEOUT = 30.0

SQLITE_HEADER = b"SQLite format 3\x00"

RECOVER_HINT = (
    "Save what can be saved with `sqlite3 notes.db .recover | sqlite3 recovered.db`, then move "
    "notes.db aside (mv notes.db notes.db.damaged); the next `readnotes add` starts a new one."
)


class DatabaseProblem(ReadnotesError):
    "notes.db cannot be used as it is"


class NotADatabase(DatabaseProblem):
    "The file is not a SQLite database at all (text, garbage, another format)"

    hint = "Move it aside (mv notes.db notes.db.bad); the next `readnotes add` starts a new one."


class DamagedDatabase(DatabaseProblem):
    "A SQLite database whose pages are missing or corrupt"

    hint = RECOVER_HINT


class NewerDatabase(DatabaseProblem):
    "notes.db was written by a newer readnotes; an older one must not downgrade it"

    hint = "Upgrade readnotes (pip install -U readnotes); this version leaves the file untouched."


class ReadOnlyDatabase(DatabaseProblem):
    "notes.db is read-only, and the command needs to write to it"

    hint = "Make notes.db and its folder writable (or work on a copy), and run again."


def check_file(path: Path) -> None:
    """Refuse a notes.db that is not a SQLite database or is cut short, before SQLite opens it."""
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            header = f.read(100)
    except FileNotFoundError:
        return
    except OSError as e:
        raise DatabaseProblem(f"cannot read it ({e.strerror})", path=path, hint=ReadOnlyDatabase.hint) from e
    if size == 0:
        return  # SQLite treats an empty file as an empty database
    if not header.startswith(SQLITE_HEADER):
        raise NotADatabase(
            "this is not a SQLite database (its first bytes are not the SQLite header)", path=path
        )
    if len(header) < 100:
        raise DamagedDatabase(f"the file is cut short ({size} bytes, not even a SQLite header)", path=path)
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    counter_matches = header[24:28] == header[92:96]  # the page count in the header is valid
    if page_size < 512 or page_size & (page_size - 1):
        raise DamagedDatabase(f"its header is garbled (page size {page_size})", path=path)
    if counter_matches and pages and size < pages * page_size:
        raise DamagedDatabase(
            f"the file is cut short ({size} bytes of the {pages * page_size} its header promises)", path=path
        )


def _writable(path: Path) -> bool:
    """SQLite in WAL mode writes the file and, beside it, notes.db-wal and notes.db-shm."""
    folder = path.parent
    return os.access(folder, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


def _connect(path: Path, read_only: bool) -> sqlite3.Connection:
    if not read_only:
        return sqlite3.connect(str(path), timeout=BUSY_TIMEOUT)
    uri = path.resolve().as_uri()
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=BUSY_TIMEOUT)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        # A WAL database in a folder we cannot write has no -shm to share; nobody else can write
        # there either, so reading it as an unchanging file is safe.
        conn.close()
        return sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, timeout=BUSY_TIMEOUT)


def open_db(path: Path | str, read_only: bool | None = None) -> NotesDatabase:
    """Open notes.db (creating it if needed), checked and with its schema up to date.

    `read_only`: None opens it read-only exactly when it (or its folder) is not writable. A read-only
    notes.db is never migrated; one that needs a migration is refused with a hint.
    """
    from pipeline.store._sqlite import NotesDatabase
    from pipeline.store.schema import SCHEMA_VERSION, migrations

    if str(path) == ":memory:":
        db = NotesDatabase(sqlite3.connect(":memory:"))
        _migrate(db, SCHEMA_VERSION)
        return db
    path = Path(path)
    check_file(path)
    if read_only is None:
        read_only = not _writable(path)
    try:
        db = NotesDatabase(_connect(path, read_only))
        db.read_only = read_only
        db.execute("PRAGMA foreign_keys = ON")
        version = _checked_version(db.conn, path)
    except sqlite3.DatabaseError as e:
        raise _open_problem(e, path) from e
    if read_only:
        if version < SCHEMA_VERSION and migrations().pending(db):
            raise ReadOnlyDatabase(
                f"it is read-only and needs an upgrade (schema {version} → {SCHEMA_VERSION})", path=path
            )
        return db
    _use_wal(db)
    if version < SCHEMA_VERSION or migrations().pending(db):
        _migrate(db, SCHEMA_VERSION)
    return db


def open_reader(path: Path) -> sqlite3.Connection:
    """An existing notes.db opened to read (``mode=ro``: nothing is created or written), checked
    like `open_db`, on plain sqlite3: the read commands import no sqlite-utils. A notes.db with an
    older schema goes through `open_db`, which migrates it (or refuses, if it is read-only)."""
    from pipeline.store.schema import SCHEMA_VERSION

    check_file(path)
    try:
        conn = _connect(path, read_only=True)
        version = _checked_version(conn, path)
    except sqlite3.DatabaseError as e:
        raise _open_problem(e, path) from e
    if version == SCHEMA_VERSION:
        return conn
    conn.close()
    return open_db(path).conn


def _checked_version(conn: sqlite3.Connection, path: Path) -> int:
    """notes.db's schema version (PRAGMA user_version); one from a newer readnotes is refused."""
    from pipeline.store.schema import SCHEMA_VERSION

    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise NewerDatabase(
            f"it has schema version {version}, newer than this readnotes knows ({SCHEMA_VERSION})", path=path
        )
    return version


def connection(db: Reader) -> sqlite3.Connection:
    return db if isinstance(db, sqlite3.Connection) else db.conn


def rows(db: Reader, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Iterator[dict[str, Any]]:
    """The rows a query returns, as dicts (what sqlite-utils' ``db.query`` gives, on either reader)."""
    cursor = connection(db).execute(sql, params)
    columns = [d[0] for d in cursor.description]
    for row in cursor:
        yield dict(zip(columns, row, strict=True))


def _open_problem(e: sqlite3.DatabaseError, path: Path) -> DatabaseProblem:
    text = str(e)
    if "not a database" in text:
        return NotADatabase("this is not a SQLite database", path=path)
    if "malformed" in text or "corrupt" in text:
        return DamagedDatabase(f"it is damaged ({text})", path=path)
    return DatabaseProblem(
        f"cannot open it ({text})", path=path, hint="Check that its folder exists and that you can read it."
    )


def _use_wal(db: Database) -> None:
    """Switch to write-ahead logging once (the mode is stored in the file). If another process holds
    the database right now, stay in the old mode this time: it is only slower, never wrong."""
    if db.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
        return
    db.execute("PRAGMA busy_timeout = 1000")  # a second is enough to try; the mode can wait
    try:
        db.execute("PRAGMA journal_mode = WAL")
    except sqlite3.OperationalError:
        pass
    finally:
        db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")


def _migrate(db: NotesDatabase, version: int) -> None:
    """Apply the pending migrations and set user_version, all under the write lock: two processes
    opening an old notes.db at once migrate it once (the second finds nothing pending)."""
    from pipeline.store.schema import migrations

    with db.atomic():
        migrations().apply(db)  # each migration nests as a savepoint
        db.execute(f"PRAGMA user_version = {version}")


def describe_error(e: sqlite3.Error) -> str:
    """The one line a user sees for a SQLite error that reached the command (notes.db is the only
    database readnotes opens): what happened, and what to do."""
    text = str(e)
    if "locked" in text or "busy" in text:
        return (
            f"notes.db is busy: another readnotes command kept it locked for over {BUSY_TIMEOUT:g} s; "
            "nothing was saved. Run again when it has finished."
        )
    if "disk is full" in text or "database or disk is full" in text:
        return (
            "notes.db: the disk is full; nothing was saved and the previous version is intact. "
            "Free some space and run again."
        )
    if "readonly" in text or "read-only" in text:
        return f"notes.db is read-only ({text}). {ReadOnlyDatabase.hint}"
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return f"notes.db is damaged ({text}). {RECOVER_HINT}"
    return (
        f"notes.db: {text}. Nothing was saved; if this repeats, {RECOVER_HINT[0].lower()}{RECOVER_HINT[1:]}"
    )


def database_state(path: Path) -> tuple[str, int]:
    """`PRAGMA integrity_check`'s first line and `user_version`, opened read-only (for `doctor`:
    it looks without migrating or writing)."""
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        version = connection.execute("PRAGMA user_version").fetchone()[0]
    finally:
        connection.close()
    return integrity, version

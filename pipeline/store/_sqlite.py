"""sqlite-utils, imported without numpy, and notes.db's Database on it: what a command that writes
loads (`open_db`); the read commands reach notes.db through plain sqlite3 (`connect.open_reader`).

sqlite-utils imports numpy when it is installed (and the aligner installs it) only to map numpy
scalar types to column types when it infers a table from values. readnotes declares its tables in
its migrations and stores Python values, and numpy costs a command that only reads notes.db about
0.1 s and 15 MB at start. So sqlite-utils is imported with numpy hidden, unless numpy is loaded
already (then hiding it would save nothing).
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Generator
from contextlib import contextmanager


def import_sqlite_utils() -> None:
    if "sqlite_utils" in sys.modules or "numpy" in sys.modules:
        return
    sys.modules["numpy"] = None  # type: ignore[assignment]  # `import numpy` raises ImportError
    try:
        import sqlite_utils.db  # noqa: F401
    finally:
        del sys.modules["numpy"]


import_sqlite_utils()

from sqlite_utils import Database  # noqa: E402  (after the import without numpy)


class NotesDatabase(Database):
    """sqlite-utils' Database, whose ``atomic()`` takes the write lock at BEGIN (``BEGIN
    IMMEDIATE``): with a busy timeout, a second writer then waits at the start of its transaction
    instead of failing in its middle (a deferred transaction that read first cannot wait)."""

    read_only: bool = False

    def __init__(self, conn: sqlite3.Connection) -> None:
        # No sqlite-utils plugins: readnotes uses none, and finding them scans the entry points of
        # every installed package on each open (tens of ms, and it grows with the environment).
        super().__init__(conn, execute_plugins=False)

    @contextmanager
    def atomic(self) -> Generator[Database, None, None]:
        if self.conn.in_transaction:  # nested: a savepoint inside the outer transaction
            with super().atomic():
                yield self
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.rollback()
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except BaseException:
                self.rollback()
                raise

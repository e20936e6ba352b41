"""The workspace: a folder holding raw/, aligned/, exports/ and notes.db.

Light on purpose: the CLI builds one before it knows which command runs, so opening notes.db (and
importing the store) waits until a command asks for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import ReadnotesError

if TYPE_CHECKING:
    import sqlite3

    from sqlite_utils import Database


class NoWorkspace(ReadnotesError):
    "A command that only reads found no notes.db where it looked"

    hint = (
        "Add an article there first (readnotes add EN_FILE), or point --home or $READNOTES_HOME "
        "at your workspace."
    )


@dataclass
class Workspace:
    """The folder a command works in. `create=False` (commands that only read) refuses to make a
    notes.db where there is none, so `readnotes list` in the wrong folder leaves nothing behind."""

    home: Path
    create: bool = True
    db_path: Path = field(init=False)

    def __post_init__(self) -> None:
        self.home = Path(self.home)
        self.db_path = self.home / "notes.db"

    @property
    def raw(self) -> Path:
        return self.home / "raw"

    @property
    def aligned(self) -> Path:
        return self.home / "aligned"

    @property
    def exports(self) -> Path:
        return self.home / "exports"

    @cached_property
    def db(self) -> Database:
        """notes.db to write (sqlite-utils), migrated when its schema is older."""
        from pipeline import store

        self._check_exists()
        if self.create:
            try:
                self.home.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise ReadnotesError(
                    f"cannot create the workspace folder ({e.strerror})",
                    path=self.home,
                    hint="Choose a folder you can write to with --home or $READNOTES_HOME.",
                ) from e
        # A notes.db (or folder) that is not writable is opened read-only: read commands work.
        return store.open_db(self.db_path)

    @property
    def reader(self) -> sqlite3.Connection:
        """notes.db to read: the connection of the database a command opened to write, or else a
        plain read-only one (`store.open_reader`: no sqlite-utils, nothing created or written)."""
        if self.create or "db" in self.__dict__:
            return self.db.conn
        return self._read_connection

    @cached_property
    def _read_connection(self) -> sqlite3.Connection:
        from pipeline import store

        self._check_exists()
        return store.open_reader(self.db_path)

    def _check_exists(self) -> None:
        if not self.create and not self.db_path.exists():
            raise NoWorkspace(f"no readnotes workspace in {self.home} (no notes.db there)")

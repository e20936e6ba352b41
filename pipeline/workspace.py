"""The workspace: a folder holding raw/, aligned/, exports/ and notes.db.

Light on purpose: the CLI builds one before it knows which command runs, so opening notes.db (and
importing the store) waits until a command asks for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database


@dataclass
class Workspace:
    home: Path
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
        from pipeline import store

        self.home.mkdir(parents=True, exist_ok=True)
        return store.open_db(self.db_path)

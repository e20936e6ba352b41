"""What a failed command must leave untouched: the database's contents and the written outputs."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def outputs(home: Path) -> dict[str, bytes]:
    files = sorted((home / "aligned").glob("*")) + sorted((home / "exports").glob("*"))
    return {str(p.relative_to(home)): p.read_bytes() for p in files}

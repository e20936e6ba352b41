"""The translation cache table: machine translations by (provider, languages, sha256 of the text).

Its schema is migration ``m030_translation_cache``. Each ``put`` commits at once (outside an open
transaction), so an interrupted translation run keeps every answer it got.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database


TABLE = "translation_cache"
PRIMARY_KEY = ("provider", "source", "target", "sha256")


def lookup(db: Database, provider: str, source: str, target: str, sha256: str) -> str | None:
    """The cached translation of the text with this SHA-256, or None."""
    row = db.execute(
        f"select translation from {TABLE} where provider = ? and source = ? and target = ? and sha256 = ?",
        [provider, source, target, sha256],
    ).fetchone()
    return row[0] if row else None


def put(
    db: Database, provider: str, source: str, target: str, sha256: str, text: str, translation: str
) -> None:
    """Store a translation, replacing an older one for the same key (``--refresh``)."""
    db[TABLE].upsert(
        {
            "provider": provider,
            "source": source,
            "target": target,
            "sha256": sha256,
            "text": text,
            "translation": translation,
            "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        },
        pk=PRIMARY_KEY,
    )

"""The model checks' tables: the LLM reviewer's answers per pair, and which model checks ran on an
article (so a plain ``check`` re-derives their flags from the caches without sending anything).

Their schema is migration ``m050_model_checks``. ``put_review`` commits at once (outside an open
transaction), like the translation cache: an interrupted review keeps every batch it got.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlite_utils import Database

REVIEW_TABLE = "llm_review_cache"
RUNS_TABLE = "model_check_runs"


def m050_model_checks(db: Database) -> None:
    """Migration: the LLM answer cache and the record of model checks run per article."""
    # Not per article: an answer is keyed by (model, prompt version, sha256 of the pair's texts), so
    # it survives re-processing, is shared by articles quoting the same pair, and a re-run is free.
    if not db[REVIEW_TABLE].exists():
        db[REVIEW_TABLE].create(
            {
                "model": str,
                "prompt_version": str,
                "pair_sha256": str,
                "en_text": str,
                "ko_text": str,
                "errors": str,  # JSON list of the errors located in this pair (often [])
                "created_at": str,
            },
            pk=("model", "prompt_version", "pair_sha256"),
        )
    # Per article: which engine a model check last ran with, and its settings (JSON).
    if not db[RUNS_TABLE].exists():
        db[RUNS_TABLE].create(
            {"slug": str, "check": str, "engine": str, "settings": str, "ran_at": str},
            pk=("slug", "check"),
        )


def ready(db: Database) -> None:
    """Make sure the migration is registered and applied (a no-op once the store registers it)."""
    from pipeline.store import migrations

    if not any(m.name == m050_model_checks.__name__ for m in migrations._migrations):
        migrations()(m050_model_checks)
    if migrations.pending(db):
        migrations.apply(db)


def lookup_review(db: Database, model: str, prompt_version: str, pair_sha256: str) -> list[dict] | None:
    """The errors stored for this pair by this model and prompt, or None when it was never sent."""
    row = db.execute(
        f"select errors from {REVIEW_TABLE} where model = ? and prompt_version = ? and pair_sha256 = ?",
        [model, prompt_version, pair_sha256],
    ).fetchone()
    return json.loads(row[0]) if row else None


def put_review(
    db: Database,
    model: str,
    prompt_version: str,
    pair_sha256: str,
    en_text: str,
    ko_text: str,
    errors: list[dict[str, Any]],
) -> None:
    """Store one pair's answer (replacing an older one for the same key)."""
    db[REVIEW_TABLE].upsert(
        {
            "model": model,
            "prompt_version": prompt_version,
            "pair_sha256": pair_sha256,
            "en_text": en_text,
            "ko_text": ko_text,
            "errors": json.dumps(errors, ensure_ascii=False),
            "created_at": _now(),
        },
        pk=("model", "prompt_version", "pair_sha256"),
    )


def model_check_runs(db: Database, slug: str) -> dict[str, tuple[str, dict[str, Any]]]:
    """check name → (engine, settings) of the model checks last run on this article."""
    return {
        r["check"]: (r["engine"], json.loads(r["settings"] or "{}"))
        for r in db[RUNS_TABLE].rows_where("slug = ?", [slug])
    }


def record_model_check(db: Database, slug: str, check: str, engine: str, settings: dict[str, Any]) -> None:
    """Remember that this model check ran on the article, so a plain ``check`` keeps its flags."""
    db[RUNS_TABLE].upsert(
        {
            "slug": slug,
            "check": check,
            "engine": engine,
            "settings": json.dumps(settings, sort_keys=True),
            "ran_at": _now(),
        },
        pk=("slug", "check"),
    )


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")

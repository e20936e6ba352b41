"""The model checks' tables: the LLM reviewer's answers per pair, and which model checks ran on an
article (so a plain ``check`` re-derives their flags from the caches without sending anything).

Their schema is migration ``m070_model_checks`` in ``store.schema``. ``put_review`` commits at once
(outside an open transaction), like the translation cache: an interrupted review keeps every batch
it got.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from pipeline.store.schema import now

if TYPE_CHECKING:
    from sqlite_utils import Database

REVIEW_TABLE = "llm_review_cache"
RUNS_TABLE = "model_check_runs"


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
            "created_at": now(),
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
            "ran_at": now(),
        },
        pk=("slug", "check"),
    )

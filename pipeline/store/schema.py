"""The notes.db schema: its migrations, in the order they are applied, and opening the database.

sqlite-utils' ``Migrations`` applies functions in the order they are registered, and records each by
name, so they are all listed here, in name order; the Migrations set is built from the list when a
command opens notes.db to write (reading imports no sqlite-utils). A committed migration is not
edited to change a schema; a new one is added (m040's body only lost a backfill, which now runs
outside it: see ``store.search``).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

Migration = Callable[["Database"], None]

#: Every migration, in the order it is applied (the `migration` decorator appends to it).
MIGRATIONS: list[Migration] = []


def migration(function: Migration) -> Migration:
    MIGRATIONS.append(function)
    return function


@functools.cache
def migrations() -> Migrations:
    """sqlite-utils' Migrations set "readnotes", holding MIGRATIONS in order (each by its name)."""
    from pipeline.store._sqlite import import_sqlite_utils

    import_sqlite_utils()
    from sqlite_utils.migrations import Migrations

    registered = Migrations("readnotes")
    for function in MIGRATIONS:
        registered()(function)
    return registered


#: Bumped together with each new migration; stored in PRAGMA user_version for outside tools.
SCHEMA_VERSION = 12

#: Tables that hold an article's derived rows, children first, so deletes respect foreign keys.
#: Rows keyed by something other than the article (review decisions, the vocabulary, the term
#: base, caches) are not listed and survive re-processing.
ARTICLE_TABLES: list[str] = [
    "flags",
    "term_uses",
    "search_terms",  # references sentences
    "vocab_hits",  # references sentences
    "sentences",
    "beads",
    "blocks",
]


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def block_id(slug: str, lang: str, index: int) -> str:
    return f"{slug}/{lang}/block/{index}"


def sentence_id(slug: str, lang: str, index: int) -> str:
    return f"{slug}/{lang}/{index}"


@migration
def m001_articles(db: Database) -> None:
    db["articles"].create(
        {
            "slug": str,
            "title": str,
            "source_url": str,
            "date": str,
            "en_path": str,
            "ko_path": str,
            "en_encoding": str,
            "ko_encoding": str,
            "provenance": str,
            "n_en": int,
            "n_ko": int,
            "n_beads": int,
            "coverage": float,
            "added_at": str,
            "updated_at": str,
        },
        pk="slug",
    )
    db["blocks"].create(
        {
            "id": str,
            "slug": str,
            "lang": str,
            "idx": int,
            "kind": str,
            "text": str,
            "line": int,
            "level": int,
            "marker": str,
        },
        pk="id",
        foreign_keys=[("slug", "articles", "slug")],
    )
    db["beads"].create(
        {
            "id": str,
            "slug": str,
            "idx": int,
            "en": str,  # JSON list of English sentence indices
            "ko": str,
            "kind": str,  # "1-1", "1-0", …
            "score": float,
            "en_text": str,
            "ko_text": str,
        },
        pk="id",
        foreign_keys=[("slug", "articles", "slug")],
    )
    db["sentences"].create(
        {
            "id": str,
            "slug": str,
            "lang": str,
            "idx": int,
            "block_id": str,
            "bead_id": str,
            "text": str,
            "start": int,
            "end": int,
        },
        pk="id",
        foreign_keys=[
            ("slug", "articles", "slug"),
            ("block_id", "blocks", "id"),
            ("bead_id", "beads", "id"),
        ],
    )
    for table in ("blocks", "beads", "sentences"):
        db[table].create_index(["slug", "idx"])


@migration
def m010_vocab(db: Database) -> None:
    # vocab_terms is keyed by the normalised term and survives re-processing; vocab_hits are per
    # article rows, replaced with the article (and by `vocab retag`).
    db["vocab_terms"].create(
        {
            "key": str,  # models.vocab_key(term): "tldr" for "TL;DR"
            "term": str,
            "glosses": str,  # JSON list
            "aliases": str,  # JSON list
            "note": str,
            "examples": str,  # JSON list
            "status": str,  # new, learning, known, ignored
            "written": str,
            "source": str,
            "added_at": str,
            "updated_at": str,
        },
        pk="key",
        not_null={"term", "status"},
        defaults={"status": "new", "note": "", "glosses": "[]", "aliases": "[]", "examples": "[]"},
    )
    db["vocab_hits"].create(
        {
            "id": str,
            "slug": str,
            "term_key": str,
            "term": str,
            "lang": str,  # "en": the term in an English sentence; "ko": its gloss in the Korean pair
            "sentence": int,  # sentence index on that side
            "sentence_id": str,
            "start": int,  # character span inside the sentence text
            "end": int,
            "surface": str,
        },
        pk="id",
        foreign_keys=[("slug", "articles", "slug"), ("sentence_id", "sentences", "id")],
    )
    db["vocab_hits"].create_index(["slug", "lang", "sentence"])
    db["vocab_hits"].create_index(["term_key"])


@migration
def m020_terms_flags_decisions(db: Database) -> None:
    # Decisions are keyed by the flag's fingerprint and are not article rows: re-processing an
    # article replaces its flags but keeps what the reader decided about them.
    db["terms"].create(
        {
            "key": str,  # models.termbase_key(term): case, spaces and hyphens folded
            "term": str,
            "aliases": str,  # JSON lists
            "acronym": str,
            "accepted": str,
            "forbidden": str,
            "note": str,
            "ambiguous": int,
            "source": str,  # add, import, review, harvest
            "updated_at": str,
        },
        pk="key",
    )
    db["flags"].create(
        {
            "id": str,
            "slug": str,
            "idx": int,
            "check": str,
            "severity": str,
            "en": str,  # JSON list of English sentence indices
            "ko": str,
            "en_text": str,
            "ko_text": str,
            "evidence": str,
            "message": str,
            "fingerprint": str,
            "term": str,
        },
        pk="id",
        foreign_keys=[("slug", "articles", "slug")],
    )
    db["flags"].create_index(["slug", "idx"])
    db["flags"].create_index(["fingerprint"])
    db["flag_decisions"].create(
        {
            "id": int,
            "fingerprint": str,
            "slug": str,
            "check": str,
            "evidence": str,
            "action": str,  # accept, dismiss, fix, note
            "text": str,  # the corrected Korean (fix) or the note
            "decided_at": str,
        },
        pk="id",
    )
    db["flag_decisions"].create_index(["fingerprint"])
    db["term_uses"].create(
        {"slug": str, "term": str, "rendering": str, "n": int},
        pk=("slug", "term", "rendering"),
        foreign_keys=[("slug", "articles", "slug")],
    )


@migration
def m020_flag_status(db: Database) -> None:
    # A copy of the latest decision on each flag; m060 drops it again (flag_decisions is the only
    # record, read by store.flags.FLAGS_SQL). Kept so that its name stays registered.
    db["flags"].add_column("status", str, not_null_default="open")


@migration
def m030_translation_cache(db: Database) -> None:
    # Machine translations by (provider, languages, sha256 of the text sent): not per article, so
    # they survive re-processing and a re-run or a resumed run costs no request.
    db["translation_cache"].create(
        {
            "provider": str,
            "source": str,
            "target": str,
            "sha256": str,
            "text": str,
            "translation": str,
            "created_at": str,
        },
        pk=("provider", "source", "target", "sha256"),
    )


@migration
def m040_search_terms(db: Database) -> None:
    # search_terms holds, per sentence, the terms stages.search indexes (Kiwi morphemes for Korean,
    # lemmas for English); an FTS5 table over it is kept in sync by sqlite-utils' triggers, so
    # deleting an article's rows also empties its part of the index. Articles stored before this
    # table existed are indexed by the app (store.search.unindexed_sentences), not here.
    db["search_terms"].create(
        {"id": str, "slug": str, "lang": str, "idx": int, "terms": str},
        pk="id",
        foreign_keys=[("slug", "articles", "slug"), ("id", "sentences", "id")],
    )
    db["search_terms"].create_index(["slug"])
    db["search_terms"].enable_fts(["terms"], fts_version="FTS5", create_triggers=True)


@migration
def m050_bead_cosine(db: Database) -> None:
    # The aligner's sentence-embedding cosine for a bead; NULL when no encoder was used.
    db["beads"].add_column("cosine", float)


@migration
def m060_flag_status_from_decisions(db: Database) -> None:
    # A flag's status is its latest decision, read from flag_decisions when flags are loaded: the
    # copy in flags.status could disagree with it, so it goes.
    if "status" in db["flags"].columns_dict:
        db["flags"].transform(drop={"status"})


@migration
def m070_model_checks(db: Database) -> None:
    """Migration: the LLM answer cache and the record of model checks run per article."""
    # Not per article: an answer is keyed by (model, prompt version, sha256 of the pair's texts), so
    # it survives re-processing, is shared by articles quoting the same pair, and a re-run is free.
    if not db["llm_review_cache"].exists():
        db["llm_review_cache"].create(
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
    if not db["model_check_runs"].exists():
        db["model_check_runs"].create(
            {"slug": str, "check": str, "engine": str, "settings": str, "ran_at": str},
            pk=("slug", "check"),
        )


@migration
def m080_flag_model_details(db: Database) -> None:
    # What a model check offers beside its message: the LLM's corrected Korean (offered as the fix
    # in review) and the back-translation (shown under the pair in the sheet).
    for column in ("suggestion", "back_translation"):
        if column not in db["flags"].columns_dict:
            db["flags"].add_column(column, str, not_null_default="")


@migration
def m090_reindex_search_for_lean_kiwi(db: Database) -> None:
    # Kiwi is now built without its multi-word dictionary (lang.ko): 16 in 1,015 dev sentences
    # index other morphemes. Clearing the index makes the app re-index every sentence, outside
    # any transaction, on the next `add` or `search` (app.index_unindexed): the store computes nothing.
    if db["search_terms"].exists():
        db["search_terms"].delete_where()


@migration
def m100_reindex_english_search_without_spacy(db: Database) -> None:
    # English search terms are now cut by lang.en's regular expression instead of spaCy's tokenizer
    # (they differ on abbreviations' periods and a few units: benchmarks/english_tokens.py). Only
    # the English rows are cleared: re-indexing them needs neither Kiwi nor spaCy.
    if db["search_terms"].exists():
        db["search_terms"].delete_where("lang = 'en'")

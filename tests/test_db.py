"""db: migrations, schema version, foreign keys, and the article save/load round trip."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from pipeline import app
from pipeline import store as db
from pipeline.app import build_article
from pipeline.errors import ReadnotesError
from pipeline.models import Article, Bead, Block, Document, Sentence
from pipeline.stages import ingest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def sample_article(kiwi, nlp) -> Article:
    en = ingest.read_document(ROOT / "raw/karpathy-2025.en.md", "en")
    ko = ingest.read_document(ROOT / "raw/karpathy-2025.ko.md", "ko")
    return build_article(en, ko, "karpathy-2025", "file:raw/karpathy-2025.ko.md")


def tiny_article(slug: str = "tiny", extra: str = "") -> Article:
    en = Document("en", [Block(0, "heading", "Title", 0, 1), Block(1, "paragraph", "One. Two." + extra, 2)])
    ko = Document("ko", [Block(0, "paragraph", "하나. 둘.", 0)])
    en_s = [
        Sentence(0, 0, "Title", 0, 5, "heading"),
        Sentence(1, 1, "One.", 0, 4),
        Sentence(2, 1, "Two." + extra, 5, 9 + len(extra)),
    ]
    ko_s = [Sentence(0, 0, "하나.", 0, 3), Sentence(1, 0, "둘.", 4, 6)]
    beads = [
        Bead([0], [], 0.9, "Title", ""),
        Bead([1], [0], 0.8, "One.", "하나.", cosine=0.61),
        Bead([2], [1], 0.7),
    ]
    return Article(slug, en, ko, en_s, ko_s, beads, "file:tiny.ko.md")


def test_migrations_apply_once(tmp_path):
    path = tmp_path / "notes.db"
    first = db.open_db(path)
    applied = [m.name for m in db.migrations().applied(first)]
    assert applied and "m001_articles" in applied
    assert len(applied) == len(set(applied))
    db.save_article(first, tiny_article())
    first.close()
    again = db.open_db(path)  # opening an up-to-date DB changes nothing
    assert [m.name for m in db.migrations().applied(again)] == applied
    assert db.migrations().pending(again) == []
    assert again["articles"].count == 1


def test_user_version_is_schema_version(tmp_path):
    conn = db.open_db(tmp_path / "notes.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == db.SCHEMA_VERSION


def test_foreign_keys_declared_and_enforced(tmp_path):
    conn = db.open_db(tmp_path / "notes.db")

    def fks(table: str) -> set[tuple[str, str, str]]:
        return {(fk.column, fk.other_table, fk.other_column) for fk in conn[table].foreign_keys}

    assert ("slug", "articles", "slug") in fks("blocks")
    assert ("slug", "articles", "slug") in fks("beads")
    assert {("slug", "articles", "slug"), ("block_id", "blocks", "id"), ("bead_id", "beads", "id")} <= fks(
        "sentences"
    )
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    with pytest.raises(sqlite3.IntegrityError):
        conn["blocks"].insert({"id": "x", "slug": "no-such-article", "lang": "en", "idx": 0})


def test_article_tables_list_children_first():
    tables = db.ARTICLE_TABLES
    assert tables.index("sentences") < tables.index("beads") < tables.index("blocks")


def test_round_trip_of_the_sample(tmp_path, sample_article):
    conn = db.open_db(tmp_path / "notes.db")
    db.save_article(conn, sample_article)
    loaded = db.load_article(conn, "karpathy-2025")
    assert loaded.en_sentences == sample_article.en_sentences
    assert loaded.ko_sentences == sample_article.ko_sentences
    assert loaded.beads == sample_article.beads
    assert loaded.en.blocks == sample_article.en.blocks
    assert loaded.ko.blocks == sample_article.ko.blocks
    assert (loaded.title, loaded.provenance) == (sample_article.title, sample_article.provenance)
    row = db.get_article_row(conn, "karpathy-2025")
    assert (row["n_en"], row["n_ko"], row["n_beads"]) == (18, 20, 18)
    # Every sentence row points at the bead that holds it.
    orphans = conn.execute("select count(*) from sentences where bead_id is null").fetchone()[0]
    assert orphans == 0


def test_resave_replaces_rows(tmp_path):
    conn = db.open_db(tmp_path / "notes.db")
    db.save_article(conn, tiny_article())
    added_at = db.get_article_row(conn, "tiny")["added_at"]
    counts = {t: conn[t].count for t in db.ARTICLE_TABLES}
    db.save_article(conn, tiny_article(extra=" Changed."))
    assert {t: conn[t].count for t in db.ARTICLE_TABLES} == counts
    assert db.load_article(conn, "tiny").en_sentences[2].text == "Two. Changed."
    assert db.get_article_row(conn, "tiny")["added_at"] == added_at


def test_failing_saver_rolls_back_the_whole_article(tmp_path, monkeypatch):
    conn = db.open_db(tmp_path / "notes.db")
    db.save_article(conn, tiny_article())
    before = list(conn.iterdump())

    def broken(_db, _article):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(db, "ARTICLE_SAVERS", [*db.ARTICLE_SAVERS, broken])
    with pytest.raises(RuntimeError):
        db.save_article(conn, tiny_article(extra=" Changed."))
    assert list(conn.iterdump()) == before


def test_unknown_article(tmp_path):
    with pytest.raises(db.UnknownArticle):
        db.load_article(db.open_db(tmp_path / "notes.db"), "nope")


def test_bead_cosine_round_trips(tmp_path):
    conn = db.open_db(tmp_path / "notes.db")
    db.save_article(conn, tiny_article())
    assert [b.cosine for b in db.load_article(conn, "tiny").beads] == [None, 0.61, None]


def test_migrations_apply_in_the_order_of_their_numbers():
    from sqlite_utils import Database

    names = [m.name for m in db.migrations().pending(Database(memory=True))]
    numbers = [int(name[1:4]) for name in names]
    assert numbers == sorted(numbers) and len(names) == db.SCHEMA_VERSION
    # The two m020s: the table first, then the column on it.
    assert names.index("m020_terms_flags_decisions") < names.index("m020_flag_status")


def test_sentences_without_search_terms_are_indexed_on_search(tmp_path, kiwi, nlp):
    """A save without search terms (or an article from before the index) is indexed by the app on
    the next search, outside any migration or save transaction."""
    ws = app.Workspace(tmp_path)
    db.save_article(ws.db, tiny_article())
    assert ws.db["search_terms"].count == 0 and len(db.unindexed_sentences(ws.db)) == 5
    [match] = app.search(ws, "둘")
    assert (match.slug, match.lang, match.sentence) == ("tiny", "ko", 1)
    assert db.unindexed_sentences(ws.db) == []


def test_kiwi_and_spacy_never_run_inside_a_write_transaction(tmp_path, monkeypatch, kiwi, nlp):
    from pipeline.stages import search

    ws = app.Workspace(tmp_path)
    db.save_article(ws.db, tiny_article())  # no search terms: the next add backfills them
    calls = []

    def index_terms(text: str, lang: str, _real=search.index_terms) -> str:
        calls.append(ws.db.conn.in_transaction)
        return _real(text, lang)

    monkeypatch.setattr(search, "index_terms", index_terms)
    monkeypatch.setenv("READNOTES_SEMANTIC", "0")
    app.add_article(ws, ROOT / "raw/karpathy-2025.en.md")
    assert calls and not any(calls)
    assert db.unindexed_sentences(ws.db) == []


def test_search_index_is_rebuilt_after_the_analyzer_changes(tmp_path):
    """m090 clears search terms made by an older Kiwi configuration; the next search re-indexes."""
    from click.testing import CliRunner

    from pipeline.cli import cli

    home = tmp_path
    shutil.copytree(Path(__file__).resolve().parent.parent / "raw", home / "raw")
    runner = CliRunner()
    assert runner.invoke(cli, ["--home", str(home), "-q", "add", "raw/karpathy-2025.en.md"]).exit_code == 0
    conn = db.open_db(home / "notes.db")
    indexed = conn["search_terms"].count
    conn.execute("update search_terms set terms = 'stale'")  # what an older analyzer left
    conn["_sqlite_migrations"].delete_where("name = ?", ["m090_reindex_search_for_lean_kiwi"])
    conn.conn.commit()
    assert db.open_db(home / "notes.db")["search_terms"].count == 0
    found = runner.invoke(cli, ["--home", str(home), "search", "연구소", "--json"])
    assert found.exit_code == 0 and json.loads(found.stdout), found.output
    assert db.open_db(home / "notes.db")["search_terms"].count == indexed


def test_the_read_path_opens_notes_db_read_only_on_plain_sqlite3(tmp_path):
    path = tmp_path / "notes.db"
    writer = db.open_db(path)
    db.save_article(writer, tiny_article())
    reader = db.open_reader(path)
    assert isinstance(reader, sqlite3.Connection)
    assert db.load_article(reader, "tiny") == db.load_article(writer, "tiny")
    assert db.article_summaries(reader) == db.article_summaries(writer)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        reader.execute("delete from articles")
    with pytest.raises(db.UnknownArticle):
        db.get_article_row(reader, "absent")


def test_the_read_path_migrates_an_older_notes_db_and_refuses_a_newer_one(tmp_path):
    path = tmp_path / "notes.db"
    writer = db.open_db(path)
    db.save_article(writer, tiny_article())
    writer.execute("delete from _sqlite_migrations where name = ?", [db.schema.MIGRATIONS[-1].__name__])
    writer.execute(f"PRAGMA user_version = {db.SCHEMA_VERSION - 1}")
    writer.conn.commit()
    reader = db.open_reader(path)
    assert reader.execute("PRAGMA user_version").fetchone()[0] == db.SCHEMA_VERSION
    assert db.migrations().pending(db.open_db(path)) == []
    assert [r["slug"] for r in db.article_rows(reader)] == ["tiny"]
    writer.execute(f"PRAGMA user_version = {db.SCHEMA_VERSION + 1}")
    writer.conn.commit()
    with pytest.raises(ReadnotesError, match="newer than this readnotes"):
        db.open_reader(path)


def test_the_english_search_index_is_rebuilt_once_after_the_tokenizer_change(tmp_path):
    path = tmp_path / "notes.db"
    writer = db.open_db(path)
    article = tiny_article()
    article.search_terms = {"en": ["title", "one", "two"], "ko": ["하나", "둘"]}
    db.save_article(writer, article)
    writer.execute("delete from _sqlite_migrations where name = 'm100_reindex_english_search_without_spacy'")
    writer.execute("PRAGMA user_version = 11")
    writer.conn.commit()
    migrated = db.open_db(path)
    assert [r["lang"] for r in migrated["search_terms"].rows] == ["ko", "ko"]
    assert {r["lang"] for r in db.unindexed_sentences(migrated)} == {"en"}

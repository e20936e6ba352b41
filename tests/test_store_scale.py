"""The store's shortcuts for large libraries answer what the long way answered: open flag counts in
SQL, the unindexed-sentence check by counts, a search hit's pair found within its article."""

from __future__ import annotations

from pathlib import Path

from pipeline import app, store
from pipeline.models import FlagCounts
from pipeline.workspace import Workspace


def open_counts_the_long_way(db: store.Database) -> dict[str, int]:
    counts: dict[str, int] = {}
    for slug in (r["slug"] for r in store.article_rows(db)):
        counts[slug] = FlagCounts.of(store.load_flags(db, slug)).open
    return {slug: n for slug, n in counts.items() if n}


def test_open_flag_counts_are_flag_counts_open_after_decisions(ws: Path):
    workspace = Workspace(ws)
    db = workspace.db
    flags = [f for f in store.load_flags(db) if f.severity in ("error", "warning")]
    assert len(flags) >= 3
    assert store.open_flag_counts(db) == open_counts_the_long_way(db)
    store.record_decision(db, flags[0], "accept", "")
    store.record_decision(db, flags[1], "dismiss", "")
    store.record_decision(db, flags[2], "note", "a note leaves it open")
    counts = store.open_flag_counts(db)
    assert counts == open_counts_the_long_way(db)
    assert sum(counts.values()) == len(flags) - 2
    (slug,) = counts
    assert store.open_flag_counts(db, slug) == counts
    assert store.open_flag_counts(db, "no-such-article") == {}
    assert [r["open_flags"] for r in app.article_summaries(workspace)] == [counts[slug]]


def test_unindexed_sentences_are_found_when_some_lack_terms(ws: Path):
    db = Workspace(ws).db
    assert store.unindexed_sentences(db) == []
    db.execute("delete from search_terms where idx < 3 and lang = 'ko'")
    db.conn.commit()
    missing = store.unindexed_sentences(db)
    assert [(r["lang"], r["idx"]) for r in missing] == [("ko", 0), ("ko", 1), ("ko", 2)]


def test_a_search_hit_carries_the_sentences_of_its_bead(ws: Path):
    db = Workspace(ws).db
    hits = store.search_sentences(db, '"연구소"')
    assert hits
    for hit in hits:
        bead_id = db.execute(
            "select bead_id from sentences where slug = ? and lang = ? and idx = ?",
            [hit["slug"], hit["lang"], hit["sentence"]],
        ).fetchone()[0]
        others = db.execute(
            "select lang, idx, text from sentences where bead_id = ? and lang != ? order by idx",
            [bead_id, hit["lang"]],
        ).fetchall()
        assert [(p["lang"], p["sentence"], p["text"]) for p in hit["paired"]] == [tuple(r) for r in others]
        assert hit["paired"]

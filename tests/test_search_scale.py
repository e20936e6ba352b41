"""Search in a large library: the hits are ranked on the index alone and only the shown ones are
read; the answer is the one the full join gave, in the same order, with ties (copies of one
article) broken the same way. A complete index is read without sqlite-utils, and the CLI says how
many more sentences match than it shows."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.library_scale import copy_articles
from pipeline import app, store
from pipeline.cli import cli
from pipeline.cli.articles import SEARCH_LIMIT_MAX, more_matches_line
from pipeline.stages import search
from pipeline.workspace import Workspace

# What search_sentences ran before the ranking was split from the reading (every hit joined to its
# sentence before the sort; each pair found by scanning the hit's article for its bead).
FULL_JOIN = """
    select t.slug, a.title, t.lang, t.idx, s.text, s.bead_id
    from search_terms_fts
    join search_terms t on t.rowid = search_terms_fts.rowid
    join sentences s on s.id = t.id
    join articles a on a.slug = t.slug
    where search_terms_fts match :match
    order by search_terms_fts.rank, a.added_at, t.slug, t.lang, t.idx
    limit :limit
"""
PAIRS_BY_SCAN = (
    "select lang, idx, text from sentences where slug = ? and bead_id = ? and lang != ? order by idx"
)


def hits_by_full_join(conn: sqlite3.Connection, match: str, limit: int) -> list[dict[str, object]]:
    out = []
    for slug, title, lang, idx, text, bead_id in conn.execute(FULL_JOIN, {"match": match, "limit": limit}):
        paired = [
            {"lang": o, "sentence": i, "text": t}
            for o, i, t in conn.execute(PAIRS_BY_SCAN, [slug, bead_id, lang])
        ]
        out.append(
            {"slug": slug, "title": title, "lang": lang, "sentence": idx, "text": text, "paired": paired}
        )
    return out


@pytest.fixture
def library(ws: Path) -> Path:
    """The sample workspace and 5 copies of its article: every hit has 5 twins of equal rank."""
    copy_articles(ws / "notes.db", 6)
    return ws


def index_queries(conn: sqlite3.Connection) -> list[str]:
    """FTS expressions for terms of the index itself, English and Korean: the most frequent (many
    ties), rare ones, and two-term queries."""
    queries = []
    for lang in ("en", "ko"):
        counts = Counter(
            term
            for (terms,) in conn.execute("select terms from search_terms where lang = ?", [lang])
            for term in terms.split()
        )
        ranked = [t for t, _ in counts.most_common()]
        assert len(ranked) > 50, lang
        picked = ranked[:4] + ranked[len(ranked) // 2 : len(ranked) // 2 + 3] + ranked[-2:]
        queries += [search.fts_query([t]) for t in picked]
        queries.append(search.fts_query(ranked[1:3]))
    return queries


def test_hits_and_their_order_are_those_of_the_full_join(library: Path):
    conn = sqlite3.connect(library / "notes.db")
    for match in index_queries(conn):
        every = hits_by_full_join(conn, match, -1)
        assert every, match
        assert store.count_matches(conn, match) == len(every)
        for limit in (1, 7, 20, len(every) + 5):
            assert store.search_sentences(conn, match, limit) == every[:limit], (match, limit)
    assert store.count_matches(conn, search.fts_query(["no-such-term-anywhere"])) == 0


def test_a_pair_is_only_the_sentences_that_point_at_the_bead(library: Path):
    """The pair is found through the bead's lists; a sentence listed by a bead but pointing at none
    (bead_id NULL) is not in it, as it was not when the article was scanned."""
    conn = sqlite3.connect(library / "notes.db")
    match = index_queries(conn)[0]
    [hit] = hits_by_full_join(conn, match, 1)
    other = hit["paired"][0]
    with conn:
        conn.execute(
            "update sentences set bead_id = null where slug = ? and lang = ? and idx = ?",
            [hit["slug"], other["lang"], other["sentence"]],
        )
    [after] = store.search_sentences(conn, match, 1)
    assert after == hits_by_full_join(conn, match, 1)[0]
    assert other not in after["paired"]


def test_search_results_count_what_is_not_shown(library: Path):
    workspace = Workspace(library, create=False)
    shown = app.search_results(workspace, "연구소", limit=2)
    every = app.search_results(workspace, "연구소", limit=SEARCH_LIMIT_MAX)
    assert len(shown.matches) == 2 and shown.matches == every.matches[:2]
    assert shown.total == every.total == len(every.matches) > 2 and shown.more == every.total - 2
    assert every.more == 0
    # Korean forms with particles are still found through the analyzed index: 연구소의, 연구소들이.
    assert any(m.text[e : e + 1] == "의" for m in every.matches for _, e in m.spans)


def test_the_cli_says_how_many_more_match(library: Path):
    result = CliRunner().invoke(cli, ["--home", str(library), "search", "연구소", "--limit", "2"])
    assert result.exit_code == 0, result.output
    total = app.search_results(Workspace(library, create=False), "연구소", 2).total
    assert (
        result.output.splitlines()[-1]
        == f"{total - 2:,} more sentences match; --limit {total} shows them all."
    )
    everything = CliRunner().invoke(cli, ["--home", str(library), "search", "연구소", "--limit", str(total)])
    assert "more sentences match" not in everything.output
    as_json = CliRunner().invoke(cli, ["--home", str(library), "search", "연구소", "--limit", "2", "--json"])
    hits = json.loads(as_json.output)  # the same shape: a list of matches, no count added
    assert [sorted(h) for h in hits] == [["lang", "paired", "sentence", "slug", "spans", "text", "title"]] * 2


def test_more_matches_than_the_limit_can_show():
    assert more_matches_line(250_000, 249_980) == (
        "249,980 more sentences match; --limit 1000 shows the first 1,000, "
        "another word in the query narrows it."
    )


def test_a_complete_index_is_read_without_sqlite_utils(library: Path):
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from pipeline.cli import cli\n"
        f"result = CliRunner().invoke(cli, ['--home', {str(library)!r}, 'search', 'model'])\n"
        "assert result.exit_code == 0, result.output\n"
        "print('sqlite_utils' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_an_incomplete_index_is_completed_by_the_search(library: Path, kiwi):
    conn = sqlite3.connect(library / "notes.db")
    expected = store.search_sentences(conn, search.fts_query(["연구소"]), 50)
    with conn:
        conn.execute("delete from search_terms where lang = 'ko' and idx < 10")
    assert not store.index_is_complete(conn)
    matches = app.search(Workspace(library, create=False), "연구소", limit=50)
    assert store.index_is_complete(conn)
    assert [(m.slug, m.lang, m.sentence, m.text, m.paired) for m in matches] == [
        (r["slug"], r["lang"], r["sentence"], r["text"], r["paired"]) for r in expected
    ]

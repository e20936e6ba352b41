"""The full-text index: per sentence the terms stages.search computed, and FTS5 queries over them.

The terms are computed before a save (app) and arrive as ``Article.search_terms``; the store only
writes them. Sentences without terms (articles saved before the index existed, or saved without
terms) are listed by ``unindexed_sentences`` so the app can index them outside any migration.

The queries take either reader (``connect.Reader``): a search whose index is complete reads notes.db
on plain sqlite3 and never loads sqlite-utils.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from pipeline.models import Article
from pipeline.store.connect import Reader, connection
from pipeline.store.schema import sentence_id

if TYPE_CHECKING:
    from sqlite_utils import Database


def save_search_terms(db: Database, article: Article) -> None:
    """Inside save_article's transaction: article.search_terms[lang][i] for sentence i of lang."""
    rows = []
    for lang, sentences in (("en", article.en_sentences), ("ko", article.ko_sentences)):
        terms = article.search_terms.get(lang)
        if terms is None:
            continue
        for s, sentence_terms in zip(sentences, terms, strict=True):
            rows.append(
                {
                    "id": sentence_id(article.slug, lang, s.index),
                    "slug": article.slug,
                    "lang": lang,
                    "idx": s.index,
                    "terms": sentence_terms,
                }
            )
    db["search_terms"].insert_all(rows)


def index_is_complete(db: Reader) -> bool:
    """Whether every stored sentence has its search terms.

    Every search asks, so the common answer (yes) must be cheap: the search terms of an article are
    written for its stored sentences only and deleted with them, so equal counts mean every sentence
    has its terms (two index counts, 30 ms at 660,000 sentences; the join of `unindexed_sentences`,
    0.5 s)."""
    sql = "select (select count(*) from sentences) = (select count(*) from search_terms)"
    return bool(connection(db).execute(sql).fetchone()[0])


def unindexed_sentences(db: Database) -> list[dict[str, Any]]:
    """Stored sentences with no search terms: id, slug, lang, idx, text.

    None for a notes.db opened read-only: it cannot take an index, and search then covers the
    sentences indexed so far instead of failing."""
    if getattr(db, "read_only", False) or index_is_complete(db):
        return []
    sql = """
        select s.id, s.slug, s.lang, s.idx, s.text from sentences s
        left join search_terms t on t.id = s.id
        where t.id is null
        order by s.slug, s.lang, s.idx
    """
    return list(db.query(sql))


def add_search_terms(db: Database, rows: Iterable[dict[str, Any]]) -> None:
    """Index sentences ({id, slug, lang, idx, terms}) in one transaction."""
    with db.atomic():
        db["search_terms"].insert_all(rows, replace=True)


# The hits are ranked on the index, the search terms and the article alone, and only the shown ones
# are joined to their sentence: a common word matches hundreds of thousands of sentences in a large
# library, and reading each one's text to sort it (then dropping all but 20) was a third of the
# query. The subquery's LIMIT keeps SQLite from flattening it into the join; the outer ORDER BY
# repeats the ranking's keys, so the order is the same.
_RANKED_HITS = """
    with ranked as (
        select t.id, t.slug, a.title, t.lang, t.idx, search_terms_fts.rank as rank, a.added_at
        from search_terms_fts
        join search_terms t on t.rowid = search_terms_fts.rowid
        join articles a on a.slug = t.slug
        where search_terms_fts match :match
        order by search_terms_fts.rank, a.added_at, t.slug, t.lang, t.idx
        limit :limit
    )
    select r.slug, r.title, r.lang, r.idx, s.text, s.bead_id
    from ranked r
    join sentences s on s.id = r.id
    order by r.rank, r.added_at, r.slug, r.lang, r.idx
"""

# The sentences of a bead in the other language. sentences.bead_id has no index, but the bead's row
# lists its sentences (beads.en, beads.ko: JSON lists of indices), so they are found by the
# (slug, idx) index (CROSS JOIN keeps the list as the outer loop: SQLite would otherwise scan the
# article's sentences for each listed one); `bead_id = :bead` keeps exactly the sentences that point
# at this bead.
_BEAD_SENTENCES = """
    with listed(lang, idx) as (
        select 'en', e.value from beads b, json_each(b.en) e where b.id = :bead
        union
        select 'ko', k.value from beads b, json_each(b.ko) k where b.id = :bead
    )
    select s.lang, s.idx, s.text
    from listed
    cross join sentences s on s.slug = :slug and s.idx = listed.idx and s.lang = listed.lang
    where s.bead_id = :bead and s.lang != :lang
    order by s.idx
"""


def search_sentences(db: Reader, match: str, limit: int = 20) -> list[dict[str, Any]]:
    """Sentences whose search terms match an FTS5 expression, best first, with their article and the
    sentences of the other language in the same bead."""
    conn = connection(db)
    out = []
    for slug, title, lang, idx, text, bead_id in conn.execute(
        _RANKED_HITS, {"match": match, "limit": limit}
    ).fetchall():
        paired = (
            [
                {"lang": other, "sentence": i, "text": t}
                for other, i, t in conn.execute(
                    _BEAD_SENTENCES, {"bead": bead_id, "slug": slug, "lang": lang}
                ).fetchall()
            ]
            if bead_id
            else []
        )
        out.append(
            {"slug": slug, "title": title, "lang": lang, "sentence": idx, "text": text, "paired": paired}
        )
    return out


def count_matches(db: Reader, match: str) -> int:
    """How many sentences `search_sentences` would return with no limit.

    Counted on the index alone: its rows are search_terms' (an external-content FTS5 table kept by
    sqlite-utils' triggers) and each of those belongs to an article (a foreign key), so the joins of
    `search_sentences` drop none. FTS5 counts without reading the rows: 12 ms for 200,700 hits in a
    library of 1,000 articles, against 110 ms with the joins."""
    sql = "select count(*) from search_terms_fts where search_terms_fts match :match"
    return int(connection(db).execute(sql, {"match": match}).fetchone()[0])

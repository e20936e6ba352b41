"""The full-text index: per sentence the terms stages.search computed, and FTS5 queries over them.

The terms are computed before a save (app) and arrive as ``Article.search_terms``; the store only
writes them. Sentences without terms (articles saved before the index existed, or saved without
terms) are listed by ``unindexed_sentences`` so the app can index them outside any migration.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from pipeline.models import Article
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


def unindexed_sentences(db: Database) -> list[dict[str, Any]]:
    """Stored sentences with no search terms: id, slug, lang, idx, text.

    None for a notes.db opened read-only: it cannot take an index, and search then covers the
    sentences indexed so far instead of failing."""
    if getattr(db, "read_only", False):
        return []
    # Every search asks, so the common answer (none) must be cheap: the search terms of an article
    # are written for its stored sentences only and deleted with them, so equal counts mean every
    # sentence has its terms (two index counts, 30 ms at 660,000 sentences; the join below, 0.5 s).
    if db.execute("select (select count(*) from sentences) = (select count(*) from search_terms)").fetchone()[
        0
    ]:
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


def search_sentences(db: Database, match: str, limit: int = 20) -> list[dict[str, Any]]:
    """Sentences whose search terms match an FTS5 expression, best first, with their article and the
    sentences of the other language in the same bead."""
    sql = """
        select t.slug, a.title, t.lang, t.idx, s.text, s.bead_id
        from search_terms_fts
        join search_terms t on t.rowid = search_terms_fts.rowid
        join sentences s on s.id = t.id
        join articles a on a.slug = t.slug
        where search_terms_fts match :match
        order by search_terms_fts.rank, a.added_at, t.slug, t.lang, t.idx
        limit :limit
    """
    out = []
    for slug, title, lang, idx, text, bead_id in db.execute(sql, {"match": match, "limit": limit}).fetchall():
        paired = (
            [
                {"lang": other, "sentence": i, "text": t}
                for other, i, t in db.execute(
                    # slug first: its index narrows the scan to one article (bead_id has none)
                    "select lang, idx, text from sentences where slug = ? and bead_id = ? and lang != ? "
                    "order by idx",
                    [slug, bead_id, lang],
                ).fetchall()
            ]
            if bead_id
            else []
        )
        out.append(
            {"slug": slug, "title": title, "lang": lang, "sentence": idx, "text": text, "paired": paired}
        )
    return out

"""The word list (vocab_terms, kept across re-processing) and per-article vocabulary hits."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from pipeline.models import Article, VocabHit, VocabTerm, vocab_key
from pipeline.store.connect import Reader, connection, rows
from pipeline.store.schema import now, sentence_id

if TYPE_CHECKING:
    from sqlite_utils import Database


def _vocab_term(row: dict[str, Any]) -> VocabTerm:
    return VocabTerm(
        term=row["term"],
        glosses=json.loads(row["glosses"] or "[]"),
        aliases=json.loads(row["aliases"] or "[]"),
        note=row["note"] or "",
        examples=json.loads(row["examples"] or "[]"),
        status=row["status"],
        written=row["written"] or "",
        source=row["source"] or "",
    )


def load_vocab(db: Reader, status: str | None = None) -> list[VocabTerm]:
    """The word list in the order it was noted, optionally one status only."""
    where, args = (" where status = ?", [status]) if status else ("", [])
    return [_vocab_term(r) for r in rows(db, f"select * from vocab_terms{where} order by rowid", args)]


def save_vocab_terms(db: Database, terms: Iterable[VocabTerm]) -> None:
    """Insert or update terms (by key) in one transaction; added_at is kept on update."""
    with db.atomic():
        for term in terms:
            row = {
                "key": term.key,
                "term": term.term,
                "glosses": json.dumps(term.glosses, ensure_ascii=False),
                "aliases": json.dumps(term.aliases, ensure_ascii=False),
                "note": term.note,
                "examples": json.dumps(term.examples, ensure_ascii=False),
                "status": term.status,
                "written": term.written,
                "source": term.source,
                "updated_at": now(),
            }
            if db["vocab_terms"].count_where("key = ?", [term.key]):
                db["vocab_terms"].update(term.key, row)
            else:
                db["vocab_terms"].insert(row | {"added_at": now()})


def set_vocab_status(db: Database, key: str, status: str) -> None:
    db["vocab_terms"].update(key, {"status": status, "updated_at": now()})


def vocab_hit_counts(db: Reader) -> dict[str, int]:
    """term key → number of English sentences it was found in, over all articles."""
    sql = "select term_key, count(*) from vocab_hits where lang = 'en' group by term_key"
    return dict(connection(db).execute(sql).fetchall())


def _vocab_hit_rows(slug: str, hits: Iterable[VocabHit]) -> Iterator[dict[str, Any]]:
    for h in hits:
        key = vocab_key(h.term)
        yield {
            "id": f"{slug}/{h.lang}/{h.sentence}/{h.start}-{h.end}/{key}",
            "slug": slug,
            "term_key": key,
            "term": h.term,
            "lang": h.lang,
            "sentence": h.sentence,
            "sentence_id": sentence_id(slug, h.lang, h.sentence),
            "start": h.start,
            "end": h.end,
            "surface": h.surface,
        }


def save_vocab_hits(db: Database, article: Article) -> None:
    """Inside save_article's transaction, after the old rows are gone."""
    db["vocab_hits"].insert_all(_vocab_hit_rows(article.slug, article.hits), replace=True)


def replace_vocab_hits(db: Database, slug: str, hits: Iterable[VocabHit]) -> None:
    """Re-tagging: swap one article's hits, leaving its other rows alone, in one transaction."""
    with db.atomic():
        db["vocab_hits"].delete_where("slug = ?", [slug])
        db["vocab_hits"].insert_all(_vocab_hit_rows(slug, hits), replace=True)


def load_vocab_hits(db: Reader, slug: str) -> list[VocabHit]:
    sql = "select * from vocab_hits where slug = ? order by lang, sentence, start"
    return [
        VocabHit(r["term"], r["lang"], r["sentence"], r["start"], r["end"], r["surface"])
        for r in rows(db, sql, [slug])
    ]


def vocab_occurrences(db: Reader, key: str | None = None) -> list[dict[str, Any]]:
    """Every English sentence holding a term (or one term), across articles, with its Korean pair
    and the gloss spans found there."""
    sql = """
        select h.term_key, h.term, h.slug, a.title, h.sentence, s.text, h.start, h.end, h.surface,
               s.bead_id
        from vocab_hits h
        join sentences s on s.id = h.sentence_id
        join articles a on a.slug = h.slug
        where h.lang = 'en' and (:key is null or h.term_key = :key)
        order by a.added_at, h.slug, h.sentence, h.start
    """
    out = []
    conn = connection(db)
    for row in conn.execute(sql, {"key": key}).fetchall():
        term_key_, term, slug, title, sentence, text, start, end, surface, bead_id = row
        korean = []
        ko_rows = conn.execute(
            "select idx, text from sentences where bead_id = ? and lang = 'ko' order by idx", [bead_id]
        ).fetchall()
        for ko_idx, ko_text in ko_rows:
            spans = conn.execute(
                "select start, end, surface from vocab_hits where slug = ? and lang = 'ko' and sentence = ?"
                " and term_key = ? order by start",
                [slug, ko_idx, term_key_],
            ).fetchall()
            korean.append(
                {
                    "sentence": ko_idx,
                    "text": ko_text,
                    "hits": [{"start": s, "end": e, "surface": surf} for s, e, surf in spans],
                }
            )
        out.append(
            {
                "term": term,
                "key": term_key_,
                "slug": slug,
                "title": title,
                "sentence": sentence,
                "text": text,
                "start": start,
                "end": end,
                "surface": surface,
                "korean": korean,
            }
        )
    return out

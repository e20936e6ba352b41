"""db: the notes.db schema, its migrations, and saving/loading articles.

Every article is written inside one transaction (``Database.atomic``): a crash mid-run leaves the
previous version of that article intact. Schema changes are registered migration functions; a
committed migration is never edited, a new one is added.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from sqlite_utils.db import NotFoundError
from sqlite_utils.migrations import Migrations

from pipeline.models import Article, Bead, Block, Document, Flag, Sentence, VocabHit
from pipeline.stages.terms import Term
from pipeline.stages.vocab import VocabTerm, term_key

migrations = Migrations("readnotes")

#: Bumped together with each new migration; stored in PRAGMA user_version for outside tools.
SCHEMA_VERSION = 6  # m001, m010 vocab, m020 terms/flags (+ flag status), m030 translation cache, m040 search


class UnknownArticle(LookupError):
    "No article with this slug in the database"


@migrations()
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


@migrations()
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


def open_db(path: Path | str) -> Database:
    """Open (creating if needed) notes.db and bring its schema up to date."""
    db = Database(path)
    db.execute("PRAGMA foreign_keys = ON")
    migrations.apply(db)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return db


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


#: Tables that hold an article's derived rows, children first, so deletes respect foreign keys.
#: Later stages append their per-article tables here; rows keyed by something other than the
#: article (review decisions, the vocabulary, caches) are not listed and survive re-processing.
ARTICLE_TABLES: list[str] = ["sentences", "beads", "blocks"]


#: Functions that save a stage's per-article rows (vocabulary hits, flags, …) inside the same
#: transaction as the article; each stage registers one with @article_saver.
ARTICLE_SAVERS: list[Callable[[Database, Article], None]] = []


def article_saver(fn: Callable[[Database, Article], None]) -> Callable[[Database, Article], None]:
    ARTICLE_SAVERS.append(fn)
    return fn


def delete_article_rows(db: Database, slug: str) -> None:
    for table in ARTICLE_TABLES:
        if db[table].exists():
            db[table].delete_where("slug = ?", [slug])


def save_article(db: Database, article: Article) -> None:
    """Replace every row of this article in one transaction."""
    slug = article.slug
    with db.atomic():
        previous = _get_row(db, slug)
        delete_article_rows(db, slug)
        coverage = article_coverage(article)
        db["articles"].upsert(
            {
                "slug": slug,
                "title": article.title,
                "source_url": article.en.source_url or article.ko.source_url,
                "date": article.en.date or article.ko.date,
                "en_path": article.en.path,
                "ko_path": article.ko.path,
                "en_encoding": article.en.encoding,
                "ko_encoding": article.ko.encoding,
                "provenance": article.provenance,
                "n_en": len(article.en_sentences),
                "n_ko": len(article.ko_sentences),
                "n_beads": len(article.beads),
                "coverage": coverage,
                "added_at": previous["added_at"] if previous else now(),
                "updated_at": now(),
            },
            pk="slug",
        )
        for doc in (article.en, article.ko):
            db["blocks"].insert_all(
                {
                    "id": block_id(slug, doc.lang, b.index),
                    "slug": slug,
                    "lang": doc.lang,
                    "idx": b.index,
                    "kind": b.kind,
                    "text": b.text,
                    "line": b.line,
                    "level": b.level,
                    "marker": b.marker,
                }
                for b in doc.blocks
            )
        bead_of: dict[tuple[str, int], str] = {}
        rows = []
        for i, bead in enumerate(article.beads):
            bid = f"{slug}/bead/{i}"
            rows.append(
                {
                    "id": bid,
                    "slug": slug,
                    "idx": i,
                    "en": json.dumps(bead.en),
                    "ko": json.dumps(bead.ko),
                    "kind": bead.kind,
                    "score": bead.score,
                    "en_text": bead.en_text,
                    "ko_text": bead.ko_text,
                }
            )
            bead_of.update({("en", s): bid for s in bead.en})
            bead_of.update({("ko", s): bid for s in bead.ko})
        db["beads"].insert_all(rows)
        for lang, sentences in (("en", article.en_sentences), ("ko", article.ko_sentences)):
            db["sentences"].insert_all(
                {
                    "id": sentence_id(slug, lang, s.index),
                    "slug": slug,
                    "lang": lang,
                    "idx": s.index,
                    "block_id": block_id(slug, lang, s.block),
                    "bead_id": bead_of.get((lang, s.index)),
                    "text": s.text,
                    "start": s.start,
                    "end": s.end,
                }
                for s in sentences
            )
        for saver in ARTICLE_SAVERS:
            saver(db, article)


def block_id(slug: str, lang: str, index: int) -> str:
    return f"{slug}/{lang}/block/{index}"


def sentence_id(slug: str, lang: str, index: int) -> str:
    return f"{slug}/{lang}/{index}"


def article_coverage(article: Article) -> float:
    """Share of English sentences that have a Korean counterpart."""
    if not article.en_sentences:
        return 0.0
    paired = sum(len(b.en) for b in article.beads if b.en and b.ko)
    return paired / len(article.en_sentences)


def _get_row(db: Database, slug: str) -> dict[str, Any] | None:
    try:
        return db["articles"].get(slug)
    except NotFoundError:
        return None


def get_article_row(db: Database, slug: str) -> dict[str, Any]:
    row = _get_row(db, slug)
    if row is None:
        raise UnknownArticle(slug)
    return row


def article_rows(db: Database) -> Iterator[dict[str, Any]]:
    yield from db["articles"].rows_where(order_by="added_at, slug")


def load_article(db: Database, slug: str) -> Article:
    """Rebuild an Article (documents, sentences, beads) from the database."""
    row = get_article_row(db, slug)
    docs: dict[str, Document] = {}
    for lang in ("en", "ko"):
        blocks = [
            Block(r["idx"], r["kind"], r["text"], r["line"], r["level"], r["marker"])
            for r in db["blocks"].rows_where("slug = ? and lang = ?", [slug, lang], order_by="idx")
        ]
        docs[lang] = Document(
            lang=lang,  # type: ignore[arg-type]
            blocks=blocks,
            title=row["title"] if lang == "en" else "",
            source_url=row["source_url"] or "",
            date=row["date"] or "",
            path=row[f"{lang}_path"] or "",
            encoding=row[f"{lang}_encoding"] or "",
        )
    kinds = {lang: {b.index: b.kind for b in docs[lang].blocks} for lang in docs}
    sentences: dict[str, list[Sentence]] = {}
    for lang in ("en", "ko"):
        sentences[lang] = [
            Sentence(
                r["idx"],
                int(r["block_id"].rsplit("/", 1)[1]),
                r["text"],
                r["start"],
                r["end"],
                kinds[lang].get(int(r["block_id"].rsplit("/", 1)[1]), "paragraph"),
            )
            for r in db["sentences"].rows_where("slug = ? and lang = ?", [slug, lang], order_by="idx")
        ]
    beads = [
        Bead(json.loads(r["en"]), json.loads(r["ko"]), r["score"], r["en_text"], r["ko_text"])
        for r in db["beads"].rows_where("slug = ?", [slug], order_by="idx")
    ]
    return Article(
        slug=slug,
        en=docs["en"],
        ko=docs["ko"],
        en_sentences=sentences["en"],
        ko_sentences=sentences["ko"],
        beads=beads,
        provenance=row["provenance"] or "",
    )


# --- vocabulary (issue 4) ------------------------------------------------------------------------
# vocab_terms is keyed by the normalised term and survives re-processing; vocab_hits are per
# article rows, replaced with the article (and by `vocab retag`).


@migrations()
def m010_vocab(db: Database) -> None:
    db["vocab_terms"].create(
        {
            "key": str,  # vocab.term_key(term): "tldr" for "TL;DR"
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


ARTICLE_TABLES.insert(0, "vocab_hits")  # references sentences: deleted before them


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


def load_vocab(db: Database, status: str | None = None) -> list[VocabTerm]:
    """The word list in the order it was noted, optionally one status only."""
    where, args = ("status = ?", [status]) if status else (None, [])
    return [_vocab_term(r) for r in db["vocab_terms"].rows_where(where, args, order_by="rowid")]


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


def vocab_hit_counts(db: Database) -> dict[str, int]:
    """term key → number of English sentences it was found in, over all articles."""
    sql = "select term_key, count(*) from vocab_hits where lang = 'en' group by term_key"
    return dict(db.execute(sql).fetchall())


def _vocab_hit_rows(slug: str, hits: Iterable[VocabHit]) -> Iterator[dict[str, Any]]:
    for h in hits:
        key = term_key(h.term)
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


@article_saver
def save_vocab_hits(db: Database, article: Article) -> None:
    """Inside save_article's transaction, after the old rows are gone."""
    db["vocab_hits"].insert_all(_vocab_hit_rows(article.slug, article.hits), replace=True)


def replace_vocab_hits(db: Database, slug: str, hits: Iterable[VocabHit]) -> None:
    """Re-tagging: swap one article's hits, leaving its other rows alone, in one transaction."""
    with db.atomic():
        db["vocab_hits"].delete_where("slug = ?", [slug])
        db["vocab_hits"].insert_all(_vocab_hit_rows(slug, hits), replace=True)


def load_vocab_hits(db: Database, slug: str) -> list[VocabHit]:
    rows = db["vocab_hits"].rows_where("slug = ?", [slug], order_by="lang, sentence, start")
    return [VocabHit(r["term"], r["lang"], r["sentence"], r["start"], r["end"], r["surface"]) for r in rows]


def vocab_occurrences(db: Database, key: str | None = None) -> list[dict[str, Any]]:
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
    for row in db.execute(sql, {"key": key}).fetchall():
        term_key_, term, slug, title, sentence, text, start, end, surface, bead_id = row
        korean = []
        ko_rows = db.execute(
            "select idx, text from sentences where bead_id = ? and lang = 'ko' order by idx", [bead_id]
        ).fetchall()
        for ko_idx, ko_text in ko_rows:
            spans = db.execute(
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


# --- full-text search (issue 7) ------------------------------------------------------------------
# search_terms holds, per sentence, the terms pipeline.search indexes (Kiwi morphemes for Korean,
# lemmas for English); an FTS5 table over it is kept in sync by sqlite-utils' triggers, so deleting
# an article's rows (ARTICLE_TABLES) also empties its part of the index.


@migrations()
def m040_search_terms(db: Database) -> None:
    db["search_terms"].create(
        {"id": str, "slug": str, "lang": str, "idx": int, "terms": str},
        pk="id",
        foreign_keys=[("slug", "articles", "slug"), ("id", "sentences", "id")],
    )
    db["search_terms"].create_index(["slug"])
    db["search_terms"].enable_fts(["terms"], fts_version="FTS5", create_triggers=True)
    # Articles stored before this migration: index their sentences now.
    if db["sentences"].exists() and db["sentences"].count:
        from pipeline.stages import search

        db["search_terms"].insert_all(
            {
                "id": r["id"],
                "slug": r["slug"],
                "lang": r["lang"],
                "idx": r["idx"],
                "terms": search.index_terms(r["text"], r["lang"]),
            }
            for r in db["sentences"].rows
        )


ARTICLE_TABLES.insert(0, "search_terms")  # references sentences: deleted before them


@article_saver
def save_search_terms(db: Database, article: Article) -> None:
    from pipeline.stages import search  # Kiwi and spaCy load on first use

    rows = []
    for lang, sentences in (("en", article.en_sentences), ("ko", article.ko_sentences)):
        for s in sentences:
            terms = search.index_terms(s.text, lang)
            rows.append(
                {
                    "id": sentence_id(article.slug, lang, s.index),
                    "slug": article.slug,
                    "lang": lang,
                    "idx": s.index,
                    "terms": terms,
                }
            )
    db["search_terms"].insert_all(rows)


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
                    "select lang, idx, text from sentences where bead_id = ? and lang != ? order by idx",
                    [bead_id, lang],
                ).fetchall()
            ]
            if bead_id
            else []
        )
        out.append(
            {"slug": slug, "title": title, "lang": lang, "sentence": idx, "text": text, "paired": paired}
        )
    return out


def article_summaries(db: Database, slug: str | None = None) -> list[dict[str, Any]]:
    """The library at a glance: per article its row, vocabulary hits and open flags.

    Open flags are counted from a ``flags`` table with a ``status`` column when the checks stage
    has created one; until then they are 0.
    """
    rows = [get_article_row(db, slug)] if slug else list(article_rows(db))
    hits = dict(
        db.execute("select slug, count(*) from vocab_hits where lang = 'en' group by slug").fetchall()
    )
    flags: dict[str, int] = {}
    if db["flags"].exists() and {"slug", "status"} <= set(db["flags"].columns_dict):
        # Errors and warnings: info flags are for `readnotes flags`, not for the queue.
        sql = "select slug, count(*) from flags where status = 'open' and severity != 'info' group by slug"
        flags = dict(db.execute(sql).fetchall())
    return [
        {
            "slug": r["slug"],
            "title": r["title"],
            "date": r["date"] or "",
            "read": (r["added_at"] or "")[:10],
            "source_url": r["source_url"] or "",
            "provenance": r["provenance"] or "",
            "n_en": r["n_en"],
            "n_ko": r["n_ko"],
            "n_beads": r["n_beads"],
            "coverage": r["coverage"],
            "hits": hits.get(r["slug"], 0),
            "open_flags": flags.get(r["slug"], 0),
        }
        for r in rows
    ]


# ---------------------------------------------------------------------------------------------
# Checks and review (issue 5): the term base, flags per article, review decisions, term usage.
# Decisions are keyed by the flag's fingerprint and are not article rows: re-processing an article
# replaces its flags but keeps what the reader decided about them.
# ---------------------------------------------------------------------------------------------


@migrations()
def m020_terms_flags_decisions(db: Database) -> None:
    db["terms"].create(
        {
            "key": str,  # terms.term_key(term): case, spaces and hyphens folded
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


ARTICLE_TABLES[:0] = ["flags", "term_uses"]


@article_saver
def save_flags(db: Database, article: Article) -> None:
    """The article's flags (article.flags), numbered in order."""
    replace_flags(db, article.slug, article.flags)


#: decision action → the status it gives a flag ("note" leaves the status alone).
DECISION_STATUS: dict[str, str] = {"accept": "accepted", "dismiss": "dismissed", "fix": "fixed"}


@migrations()
def m020_flag_status(db: Database) -> None:
    """flags.status mirrors the latest accept/dismiss/fix decision, so summaries can count open flags
    in SQL; flag_decisions stays the record."""
    db["flags"].add_column("status", str, not_null_default="open")
    for fingerprint, status in decided_status(db, [r["fingerprint"] for r in db["flags"].rows]).items():
        db.execute("update flags set status = ? where fingerprint = ?", [status, fingerprint])


def decided_status(db: Database, fingerprints: Iterable[str]) -> dict[str, str]:
    """fingerprint → status from its latest accept/dismiss/fix decision (absent: open)."""
    wanted = list(dict.fromkeys(fingerprints))
    out: dict[str, str] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        sql = (
            "select fingerprint, action from flag_decisions where id in (select max(id) from flag_decisions"
            f" where action != 'note' and fingerprint in ({marks}) group by fingerprint)"
        )
        out.update({fp: DECISION_STATUS[action] for fp, action in db.execute(sql, chunk).fetchall()})
    return out


def replace_flags(db: Database, slug: str, flags: list[Flag]) -> None:
    status = decided_status(db, (f.fingerprint for f in flags))
    with db.atomic():
        db["flags"].delete_where("slug = ?", [slug])
        db["flags"].insert_all(
            {
                "id": f"{slug}/flag/{i}",
                "slug": slug,
                "idx": i,
                "check": f.check,
                "severity": f.severity,
                "en": json.dumps(f.en),
                "ko": json.dumps(f.ko),
                "en_text": f.en_text,
                "ko_text": f.ko_text,
                "evidence": f.evidence,
                "message": f.message,
                "fingerprint": f.fingerprint,
                "term": f.term,
                "status": status.get(f.fingerprint, "open"),
            }
            for i, f in enumerate(flags)
        )


def load_flags(db: Database, slug: str) -> list[Flag]:
    """The article's stored flags, in order (review state lives in flag_decisions)."""
    return [
        Flag(
            r["check"],
            r["severity"],
            json.loads(r["en"] or "[]"),
            json.loads(r["ko"] or "[]"),
            r["en_text"],
            r["ko_text"],
            r["evidence"],
            r["message"],
            r["fingerprint"] or "",
            r["term"] or "",
        )
        for r in db["flags"].rows_where("slug = ?", [slug], order_by="idx")
    ]


@article_saver
def save_term_uses(db: Database, article: Article) -> None:
    """How this article renders term-base terms, for the cross-article `inconsistent` check."""
    from pipeline.stages import checks, terms  # checks import db's callers; import late to avoid a cycle

    uses = checks.term_uses(checks.gather(article, terms.bundled().merged(user_terms(db))))
    replace_term_uses(db, article.slug, uses)


def replace_term_uses(db: Database, slug: str, uses: dict[str, Any]) -> None:
    with db.atomic():
        db["term_uses"].delete_where("slug = ?", [slug])
        db["term_uses"].insert_all(
            {"slug": slug, "term": key, "rendering": rendering, "n": n}
            for key, counter in uses.items()
            for rendering, n in counter.items()
        )


def term_usage(db: Database, exclude: str = "") -> dict[str, dict[str, set[str]]]:
    """term key → rendering → slugs of the articles that use it (other than `exclude`)."""
    out: dict[str, dict[str, set[str]]] = {}
    for r in db["term_uses"].rows_where("slug != ?", [exclude]):
        out.setdefault(r["term"], {}).setdefault(r["rendering"], set()).add(r["slug"])
    return out


# --- the term base: user entries in the `terms` table, laid over the bundled glossary -------------


def _term_row(t: Term) -> dict[str, object]:
    return {
        "key": t.key,
        "term": t.term,
        "aliases": json.dumps(t.aliases, ensure_ascii=False),
        "acronym": t.acronym,
        "accepted": json.dumps(t.accepted, ensure_ascii=False),
        "forbidden": json.dumps(t.forbidden, ensure_ascii=False),
        "note": t.note,
        "ambiguous": int(t.ambiguous),
        "source": t.source,
        "updated_at": now(),
    }


def user_terms(db: Database) -> list[Term]:
    return [
        Term(
            term=r["term"],
            aliases=json.loads(r["aliases"] or "[]"),
            acronym=r["acronym"] or "",
            accepted=json.loads(r["accepted"] or "[]"),
            forbidden=json.loads(r["forbidden"] or "[]"),
            note=r["note"] or "",
            ambiguous=bool(r["ambiguous"]),
            source=r["source"] or "user",
        )
        for r in db["terms"].rows_where(order_by="key")
    ]


def save_terms(db: Database, terms: Iterable[Term]) -> int:
    rows = [_term_row(t) for t in terms]
    with db.atomic():
        db["terms"].upsert_all(rows, pk="key")
    return len(rows)

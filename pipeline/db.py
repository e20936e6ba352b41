"""db: the notes.db schema, its migrations, and saving/loading articles.

Every article is written inside one transaction (``Database.atomic``): a crash mid-run leaves the
previous version of that article intact. Schema changes are registered migration functions; a
committed migration is never edited, a new one is added.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from sqlite_utils.db import NotFoundError
from sqlite_utils.migrations import Migrations

from pipeline.document import Article, Bead, Block, Document, Flag, Sentence

migrations = Migrations("readnotes")

#: Bumped together with each new migration; stored in PRAGMA user_version for outside tools.
SCHEMA_VERSION = 1


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


def replace_flags(db: Database, slug: str, flags: list[Flag]) -> None:
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
            }
            for i, f in enumerate(flags)
        )


@article_saver
def save_term_uses(db: Database, article: Article) -> None:
    """How this article renders term-base terms, for the cross-article `inconsistent` check."""
    from pipeline import checks, terms  # checks import db's callers; import late to avoid a cycle

    uses = checks.term_uses(checks.gather(article, terms.load(db), semantic=False))
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

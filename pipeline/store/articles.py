"""Articles: their row, blocks, beads and sentences, saved and loaded as they are."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pipeline.errors import ReadnotesError
from pipeline.models import Article, Bead, Block, Document, Sentence
from pipeline.store.connect import Reader, connection, rows
from pipeline.store.schema import ARTICLE_TABLES, block_id, now, sentence_id

if TYPE_CHECKING:
    from sqlite_utils import Database


class UnknownArticle(ReadnotesError, LookupError):
    "No article with this slug in the database"

    hint = "`readnotes list` shows the articles there"

    def __init__(self, slug: str) -> None:
        super().__init__(f"no article {slug!r} in the workspace")
        self.slug = slug


def delete_article_rows(db: Database, slug: str) -> None:
    for table in ARTICLE_TABLES:
        if db[table].exists():
            db[table].delete_where("slug = ?", [slug])


def save_article_rows(db: Database, article: Article) -> None:
    """The article's row, blocks, beads and sentences (inside the caller's transaction)."""
    slug = article.slug
    previous = _get_row(db, slug)
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
            "coverage": article.coverage,
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
    bead_rows = []
    for i, bead in enumerate(article.beads):
        bid = f"{slug}/bead/{i}"
        bead_rows.append(
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
                "cosine": bead.cosine,
            }
        )
        bead_of.update({("en", s): bid for s in bead.en})
        bead_of.update({("ko", s): bid for s in bead.ko})
    db["beads"].insert_all(bead_rows)
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


def _get_row(db: Reader, slug: str) -> dict[str, Any] | None:
    found = list(rows(db, "select * from articles where slug = ?", [slug]))
    return found[0] if found else None


def get_article_row(db: Reader, slug: str) -> dict[str, Any]:
    row = _get_row(db, slug)
    if row is None:
        raise UnknownArticle(slug)
    return row


def article_rows(db: Reader) -> Iterator[dict[str, Any]]:
    yield from rows(db, "select * from articles order by added_at, slug")


def load_article(db: Reader, slug: str) -> Article:
    """Rebuild an Article (documents, sentences, beads) from the database."""
    row = get_article_row(db, slug)
    docs: dict[str, Document] = {}
    for lang in ("en", "ko"):
        blocks = [
            Block(r["idx"], r["kind"], r["text"], r["line"], r["level"], r["marker"])
            for r in rows(db, "select * from blocks where slug = ? and lang = ? order by idx", [slug, lang])
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
            for r in rows(
                db, "select * from sentences where slug = ? and lang = ? order by idx", [slug, lang]
            )
        ]
    beads = [
        Bead(
            json.loads(r["en"]),
            json.loads(r["ko"]),
            r["score"],
            r["en_text"],
            r["ko_text"],
            cosine=r["cosine"],
        )
        for r in rows(db, "select * from beads where slug = ? order by idx", [slug])
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


def article_summaries(db: Reader, slug: str | None = None) -> list[dict[str, Any]]:
    """The library at a glance: per article its row and its number of vocabulary hits (English).

    Flag counts are not stored; the app adds them from the loaded flags (models.FlagCounts)."""
    articles = [get_article_row(db, slug)] if slug else list(article_rows(db))
    sql = "select slug, count(*) from vocab_hits where lang = 'en' group by slug"
    hits = dict(connection(db).execute(sql).fetchall())
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
        }
        for r in articles
    ]

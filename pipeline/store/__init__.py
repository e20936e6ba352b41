"""store: notes.db — the schema and its migrations, and the only SQL in readnotes.

It saves what the stages computed and loads it back; it computes nothing and imports no stage.
Every article is written inside one transaction (``Database.atomic``, which takes the write lock
at BEGIN): a crash mid-run leaves the previous version of that article intact.

    connect   open_db: checks the file, WAL and a busy timeout, migrates only when needed;
              open_reader: the same checks on plain sqlite3, read-only, for the commands that read
    schema    migrations (applied in name order), ARTICLE_TABLES
    articles  the article row, blocks, beads, sentences
    vocab     the word list and vocabulary hits
    terms     the reader's term-base entries
    flags     flags with their review state, decisions, term uses
    search    the full-text index
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from pipeline.models import Article
from pipeline.store.articles import (
    UnknownArticle,
    article_rows,
    article_summaries,
    delete_article_rows,
    get_article_row,
    load_article,
    save_article_rows,
)
from pipeline.store.connect import DatabaseError, Reader, open_db, open_reader
from pipeline.store.flags import (
    FLAGS_SQL,
    decision_history,
    load_flags,
    open_flag_counts,
    record_decision,
    replace_checks,
    save_flags,
    save_term_uses,
    term_usage,
)
from pipeline.store.schema import (
    ARTICLE_TABLES,
    SCHEMA_VERSION,
    block_id,
    migrations,
    now,
    sentence_id,
)
from pipeline.store.search import (
    add_search_terms,
    count_matches,
    index_is_complete,
    save_search_terms,
    search_sentences,
    unindexed_sentences,
)
from pipeline.store.terms import delete_term, save_terms, user_terms
from pipeline.store.vocab import (
    load_vocab,
    load_vocab_hits,
    replace_vocab_hits,
    save_vocab_hits,
    save_vocab_terms,
    set_vocab_status,
    vocab_hit_counts,
    vocab_occurrences,
)

if TYPE_CHECKING:
    from sqlite_utils import Database

#: What saving an article writes, in order, inside its one transaction: each takes the article
#: with everything the stages attached to it (hits, flags, term uses, search terms).
ARTICLE_SAVERS: list[Callable[[Database, Article], None]] = [
    save_article_rows,
    save_vocab_hits,
    save_flags,
    save_term_uses,
    save_search_terms,
]


def save_article(db: Database, article: Article) -> None:
    """Replace every row of this article in one transaction."""
    with db.atomic():
        delete_article_rows(db, article.slug)
        for saver in ARTICLE_SAVERS:
            saver(db, article)


__all__ = [
    "ARTICLE_SAVERS",
    "ARTICLE_TABLES",
    "FLAGS_SQL",
    "SCHEMA_VERSION",
    "Reader",
    "UnknownArticle",
    "add_search_terms",
    "article_rows",
    "article_summaries",
    "block_id",
    "count_matches",
    "decision_history",
    "delete_article_rows",
    "delete_term",
    "get_article_row",
    "index_is_complete",
    "load_article",
    "load_flags",
    "load_vocab",
    "load_vocab_hits",
    "migrations",
    "now",
    "open_db",
    "open_flag_counts",
    "open_reader",
    "DatabaseError",
    "record_decision",
    "replace_checks",
    "replace_vocab_hits",
    "save_article",
    "save_article_rows",
    "save_flags",
    "save_search_terms",
    "save_term_uses",
    "save_terms",
    "save_vocab_hits",
    "save_vocab_terms",
    "search_sentences",
    "sentence_id",
    "set_vocab_status",
    "term_usage",
    "unindexed_sentences",
    "user_terms",
    "vocab_hit_counts",
    "vocab_occurrences",
]

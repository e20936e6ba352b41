"""Flags per article, the reader's decisions about them, and how articles render term-base terms.

A flag's review state is read in one place, ``FLAGS_SQL``: its status and fix come from its latest
accept, dismiss or fix decision in flag_decisions (keyed by fingerprint, so decisions survive
re-processing), its note from its latest note. Nothing else stores or derives a status.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from pipeline.models import DECISION_STATUS, REVIEWED_SEVERITIES, Article, Flag
from pipeline.store.connect import Reader, rows
from pipeline.store.schema import now

if TYPE_CHECKING:
    from sqlite_utils import Database

_STATUS_CASE = " ".join(f"when '{action}' then '{status}'" for action, status in DECISION_STATUS.items())
_DECIDING = ", ".join(f"'{action}'" for action in DECISION_STATUS)

#: Every stored flag with its review state; callers add "where" conditions on f (flags) and status.
FLAGS_SQL = f"""
with latest as (
    select fingerprint, action, text, decided_at from flag_decisions
    where id in (select max(id) from flag_decisions where action in ({_DECIDING}) group by fingerprint)
), noted as (
    select fingerprint, text from flag_decisions
    where id in (select max(id) from flag_decisions where action = 'note' group by fingerprint)
)
select f.*,
    case latest.action {_STATUS_CASE} else 'open' end as status,
    case latest.action when 'fix' then latest.text else '' end as fix,
    coalesce(noted.text, '') as note,
    coalesce(latest.decided_at, '') as decided_at
from flags f
join articles a on a.slug = f.slug
left join latest on latest.fingerprint = f.fingerprint
left join noted on noted.fingerprint = f.fingerprint
"""


def _flag(r: dict[str, Any]) -> Flag:
    return Flag(
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
        suggestion=r.get("suggestion") or "",
        back_translation=r.get("back_translation") or "",
        status=r["status"],
        fix=r["fix"],
        note=r["note"],
        decided_at=r["decided_at"],
        slug=r["slug"],
    )


def load_flags(
    db: Reader,
    slug: str | None = None,
    *,
    check: str | None = None,
    status: str | None = None,
    severities: Sequence[str] | None = None,
) -> list[Flag]:
    """Stored flags with their review state, in article order (articles by date added)."""
    where, params = [], []
    for condition, value in (("f.slug = ?", slug), ("f.[check] = ?", check), ("status = ?", status)):
        if value:
            where.append(condition)
            params.append(value)
    if severities:
        where.append(f"f.severity in ({', '.join('?' for _ in severities)})")
        params.extend(severities)
    sql = FLAGS_SQL + (" where " + " and ".join(where) if where else "")
    sql += " order by a.added_at, f.slug, f.idx"
    return [_flag(r) for r in rows(db, sql, params)]


def open_flag_counts(db: Reader, slug: str | None = None) -> dict[str, int]:
    """Per article, how many of its flags wait for a decision: what FlagCounts.of(load_flags()).open
    gives, counted in SQL (`list` reads every article's; building every Flag took a second at
    1,000 articles)."""
    where = "status = 'open' and severity in (" + ", ".join("?" for _ in REVIEWED_SEVERITIES) + ")"
    params: list[str] = list(REVIEWED_SEVERITIES)
    if slug:
        where += " and slug = ?"
        params.append(slug)
    sql = f"select slug, count(*) from ({FLAGS_SQL}) where {where} group by slug"
    return dict(db.execute(sql, params).fetchall())


def _flag_rows(slug: str, flags: Iterable[Flag]) -> Iterable[dict[str, Any]]:
    for i, f in enumerate(flags):
        yield {
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
            "suggestion": f.suggestion,
            "back_translation": f.back_translation,
        }


def save_flags(db: Database, article: Article) -> None:
    """The article's flags (article.flags), numbered in order; inside save_article's transaction."""
    db["flags"].insert_all(_flag_rows(article.slug, article.flags))


def save_term_uses(db: Database, article: Article) -> None:
    """How this article renders term-base terms (article.term_uses, from checks.term_uses)."""
    db["term_uses"].insert_all(
        {"slug": article.slug, "term": key, "rendering": rendering, "n": n}
        for key, renderings in article.term_uses.items()
        for rendering, n in renderings.items()
    )


def replace_checks(db: Database, article: Article) -> None:
    """A re-check: swap the article's flags and term uses in one transaction, leaving its other rows."""
    with db.atomic():
        for table in ("flags", "term_uses"):
            db[table].delete_where("slug = ?", [article.slug])
        save_flags(db, article)
        save_term_uses(db, article)


def term_usage(db: Reader, exclude: str = "") -> dict[str, dict[str, set[str]]]:
    """term key → rendering → slugs of the articles that use it (other than `exclude`)."""
    out: dict[str, dict[str, set[str]]] = {}
    for r in rows(db, "select * from term_uses where slug != ?", [exclude]):
        out.setdefault(r["term"], {}).setdefault(r["rendering"], set()).add(r["slug"])
    return out


def record_decision(db: Database, flag: Flag, action: str, text: str) -> None:
    """One review decision about a flag, now, in its own transaction (an interrupted review keeps it)."""
    with db.atomic():
        db["flag_decisions"].insert(
            {
                "fingerprint": flag.fingerprint,
                "slug": flag.slug,
                "check": flag.check,
                "evidence": flag.evidence,
                "action": action,
                "text": text,
                "decided_at": now(),
            },
            pk="id",
        )


def decision_history(db: Reader, fingerprint: str) -> list[dict[str, Any]]:
    return list(rows(db, "select * from flag_decisions where fingerprint = ? order by id", [fingerprint]))

"""review: the flag queue, and the reader's decisions about flags.

A decision (accept = a real error, dismiss = a false alarm, fix = the corrected Korean, note) is a
timestamped row keyed by the flag's fingerprint (check + evidence + normalised sentence), not by the
article: re-processing an article replaces its flags, and each new flag picks up the decisions made
about the same finding before, so a dismissed false alarm stays dismissed. A flag's status is its
latest accept, dismiss or fix; notes don't change it.

The interactive queue is a plain loop over injected I/O (read a key, prompt for a line, print), so it
is tested without a terminal; the CLI supplies click's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

from sqlite_utils import Database

from pipeline import store
from pipeline.stages import terms

#: action → the status it gives a flag ("note" leaves the status alone).
ACTIONS: dict[str, str] = {**store.DECISION_STATUS, "note": ""}
STATUSES: tuple[str, ...] = ("open", "accepted", "dismissed", "fixed")
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


class ReviewError(ValueError):
    "A review decision cannot be recorded as asked"


@dataclass
class FlagView:
    """A stored flag with its review state; ``id`` is its fingerprint."""

    id: str
    slug: str
    check: str
    severity: str
    en_text: str
    ko_text: str
    evidence: str
    message: str
    status: str
    fix: str = ""
    note: str = ""
    decided_at: str = ""
    term: str = ""
    ko: tuple[int, ...] = ()

    def to_json(self) -> dict[str, object]:
        out = asdict(self)
        out.pop("ko")
        return out


_LATEST = """
select fingerprint, action, text, decided_at from flag_decisions
where id in (select max(id) from flag_decisions where action in ({actions}) group by fingerprint)
"""


def _latest(db: Database, actions: Sequence[str]) -> dict[str, dict[str, str]]:
    marks = ", ".join("?" for _ in actions)
    return {r["fingerprint"]: r for r in db.query(_LATEST.format(actions=marks), list(actions))}


def flag_views(
    db: Database,
    slug: str | None = None,
    status: str | None = None,
    severities: Sequence[str] | None = None,
    check: str | None = None,
) -> list[FlagView]:
    """Stored flags with their status, in article order (one per fingerprint within an article)."""
    where, params = [], []
    if slug:
        store.get_article_row(db, slug)  # raises UnknownArticle
        where.append("f.slug = ?")
        params.append(slug)
    if check:
        where.append("f.[check] = ?")
        params.append(check)
    sql = "select f.* from flags f join articles a on a.slug = f.slug"
    if where:
        sql += " where " + " and ".join(where)
    sql += " order by a.added_at, f.slug, f.idx"
    decided = _latest(db, ["accept", "dismiss", "fix"])
    noted = _latest(db, ["note"])
    fixes = _latest(db, ["fix"])
    out = []
    for r in db.query(sql, params):
        d = decided.get(r["fingerprint"])
        view = FlagView(
            id=r["fingerprint"],
            slug=r["slug"],
            check=r["check"],
            severity=r["severity"],
            en_text=r["en_text"],
            ko_text=r["ko_text"],
            evidence=r["evidence"],
            message=r["message"],
            status=ACTIONS[d["action"]] if d else "open",
            fix=fixes[r["fingerprint"]]["text"] if r["fingerprint"] in fixes else "",
            note=noted[r["fingerprint"]]["text"] if r["fingerprint"] in noted else "",
            decided_at=d["decided_at"] if d else "",
            term=r["term"] or "",
            ko=tuple(json.loads(r["ko"] or "[]")),
        )
        if status and view.status != status:
            continue
        if severities and view.severity not in severities:
            continue
        out.append(view)
    return out


def queue(db: Database, slug: str | None = None, include_info: bool = False) -> list[FlagView]:
    """Open flags to review: errors first, then warnings (and info if asked), in article order."""
    severities = ["error", "warning", "info"] if include_info else ["error", "warning"]
    views = flag_views(db, slug, status="open", severities=severities)
    return sorted(views, key=lambda v: SEVERITY_ORDER.get(v.severity, 3))


def decide(db: Database, view: FlagView, action: str, text: str = "") -> None:
    """Record one decision now, in its own transaction (an interrupted review keeps it)."""
    if action not in ACTIONS:
        raise ReviewError(f"unknown action {action!r}; use one of {', '.join(ACTIONS)}")
    if action in ("fix", "note") and not text.strip():
        raise ReviewError(f"a {action} needs text")
    with db.atomic():
        db["flag_decisions"].insert(
            {
                "fingerprint": view.id,
                "slug": view.slug,
                "check": view.check,
                "evidence": view.evidence,
                "action": action,
                "text": text.strip(),
                "decided_at": store.now(),
            },
            pk="id",
        )
        if ACTIONS[action]:
            db.execute("update flags set status = ? where fingerprint = ?", [ACTIONS[action], view.id])


def history(db: Database, flag_id: str) -> list[dict[str, object]]:
    return list(db["flag_decisions"].rows_where("fingerprint = ?", [flag_id], order_by="id"))


@dataclass(frozen=True)
class Promotion:
    """What a fix could add to the term base: for `term`, accept `accepted`, forbid `forbidden`."""

    term: str
    accepted: str
    forbidden: str


def _gloss(text: str) -> tuple[str, str]:
    """(acronym, Korean gloss) of "SFT(지도 미세 조정)" or "지도 미세 조정(SFT)", else ("", text)."""
    for p in terms.korean_parentheticals(text):
        if p.is_acronym:
            return terms.acronym_key(p.latin), p.korean
    return "", text.strip()


def promotion_for(view: FlagView, fix: str) -> Promotion | None:
    """The term-base change a fix suggests, if the flag is about a term."""
    acronym, wrong = _gloss(view.evidence)
    _, right = _gloss(fix)
    name = view.term or acronym
    if not name or not right or re.search(r"[A-Za-z]", right) and not re.search(r"[가-힣]", right):
        return None
    return Promotion(name, right, wrong if wrong != right else "")


def promote(db: Database, promotion: Promotion, accept: bool, forbid: bool) -> terms.Term:
    entry = terms.promoted_entry(
        terms.bundled().merged(store.user_terms(db)),
        promotion.term,
        accepted=[promotion.accepted] if accept else [],
        forbidden=[promotion.forbidden] if forbid and promotion.forbidden else [],
    )
    store.save_terms(db, [entry])
    return entry


# ---------------------------------------------------------------------------------------------
# The interactive queue
# ---------------------------------------------------------------------------------------------

KEYS = {"a": "accept", "d": "dismiss", "f": "fix", "n": "note", "s": "skip", "q": "quit"}
HELP = "[a]ccept (a real error)  [d]ismiss (false alarm)  [f]ix  [n]ote  [s]kip  [q]uit"


@dataclass
class Console:
    """The queue's I/O: read one key, read a line (with a default), print a line, mark evidence."""

    read_key: Callable[[], str]
    read_line: Callable[[str, str], str]
    echo: Callable[[str], None]
    mark: Callable[[str], str] = lambda s: f"[[{s}]]"


@dataclass
class QueueResult:
    decided: int = 0
    skipped: int = 0
    left: int = 0
    interrupted: bool = False
    fixed_slugs: tuple[str, ...] = ()
    promoted: tuple[str, ...] = ()


def highlight(text: str, evidence: str, mark: Callable[[str], str]) -> str:
    if evidence and evidence in text:
        return text.replace(evidence, mark(evidence), 1)
    return text


def show(view: FlagView, position: int, total: int, console: Console) -> None:
    console.echo("")
    console.echo(f"[{position}/{total}] {view.slug} · {view.severity} · {view.check} · {view.id}")
    console.echo(f"  {view.message}")
    en = highlight(view.en_text, view.evidence, console.mark) if not view.ko_text else view.en_text
    console.echo(f"  EN  {en or '—'}")
    console.echo(f"  KO  {highlight(view.ko_text, view.evidence, console.mark) or '—'}")


def run_queue(db: Database, views: Sequence[FlagView], console: Console) -> QueueResult:
    """Walk the queue; each decision is stored as soon as it is made. Ctrl-C or end of input stops
    the walk and keeps what was decided."""
    result = QueueResult()
    fixed: list[str] = []
    promoted: list[str] = []
    total = len(views)
    done = 0
    try:
        for k, view in enumerate(views, start=1):
            show(view, k, total, console)
            while True:
                console.echo(f"  {HELP}")
                key = console.read_key().lower()
                action = KEYS.get(key)
                if action is not None:
                    break
                console.echo(f"  unknown key {key!r}")
            if action == "quit":
                break
            done = k
            if action == "skip":
                result.skipped += 1
                continue
            text = ""
            if action == "fix":
                text = console.read_line("  corrected Korean for the evidence", view.evidence)
                if not text.strip() or text.strip() == view.evidence:
                    console.echo("  unchanged: not recorded")
                    result.skipped += 1
                    continue
            elif action == "note":
                text = console.read_line("  note", "")
                if not text.strip():
                    console.echo("  empty note: not recorded")
                    result.skipped += 1
                    continue
            decide(db, view, action, text)
            result.decided += 1
            if action == "fix":
                fixed.append(view.slug)
                suggestion = promotion_for(view, text)
                if suggestion is not None:
                    name = _offer_promotion(db, suggestion, console)
                    if name:
                        promoted.append(name)
            console.echo(f"  → {action if action != 'note' else 'noted'}")
        else:
            done = total
    except (KeyboardInterrupt, EOFError):
        result.interrupted = True
        console.echo("")
    result.left = total - done
    result.fixed_slugs = tuple(dict.fromkeys(fixed))
    result.promoted = tuple(promoted)
    return result


def _offer_promotion(db: Database, p: Promotion, console: Console) -> str:
    options = f"  term base for {p.term}: [a] accept {p.accepted!r}"
    if p.forbidden:
        options += f"  [f] forbid {p.forbidden!r}  [b] both"
    console.echo(options + "  [n] no")
    while True:
        key = console.read_key().lower()
        if key in ("a", "n") or (p.forbidden and key in ("f", "b")):
            break
    if key == "n":
        return ""
    entry = promote(db, p, accept=key in ("a", "b"), forbid=key in ("f", "b"))
    console.echo(f"  → term base: {entry.label()} updated")
    return entry.term

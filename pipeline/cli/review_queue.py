"""The review queue in the terminal: show a flag, read one key, record the decision at once.

A plain loop over injected I/O (read a key, prompt for a line, print), so it is tested without a
terminal; the `review` command supplies click's. The decisions themselves are stages.review's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from pipeline import app
from pipeline.lang.spans import first_occurrence, mark_spans
from pipeline.lang.text import terminal_safe
from pipeline.models import Flag
from pipeline.stages.review import Promotion, flag_subject, promotion_for
from pipeline.workspace import Workspace

KEYS = {"a": "accept", "d": "dismiss", "f": "fix", "n": "note", "s": "skip", "q": "quit"}
HELP = "[a]ccept (a real error)  [d]ismiss (false alarm)  [f]ix  [n]ote  [s]kip  [q]uit"
#: Keys that look something up about the shown pair and ask again: key → (help, lookup).
Lookup = Callable[[Flag], list[str]]


@dataclass
class Console:
    """The queue's I/O: read one key, read a line (with a default), print a line, mark evidence."""

    read_key: Callable[[], str]
    read_line: Callable[[str, str], str]
    echo: Callable[[str], None]
    mark: Callable[[str], str] = lambda s: f"[[{s}]]"
    #: On-demand lookups for the shown pair (b: back-translation, l: the LLM reviewer), if set up.
    lookups: dict[str, tuple[str, Lookup]] = field(default_factory=dict)


@dataclass
class QueueResult:
    decided: int = 0
    skipped: int = 0
    left: int = 0
    interrupted: bool = False
    fixed_slugs: tuple[str, ...] = ()
    decided_slugs: tuple[str, ...] = ()  # articles whose sheet the decisions change
    promoted: tuple[str, ...] = ()


def highlight(text: str, evidence: str, mark: Callable[[str], str]) -> str:
    """The text with the first occurrence of the flag's evidence marked."""
    return mark_spans(text, first_occurrence(text, evidence), mark)


def show(view: Flag, position: int, total: int, console: Console) -> None:
    # Article text is shown with control and bidi characters escaped, before the evidence is marked.
    view = replace(
        view,
        **{k: terminal_safe(getattr(view, k)) for k in ("message", "en_text", "ko_text", "evidence", "slug")},
    )
    console.echo("")
    console.echo(f"[{position}/{total}] {view.slug} · {view.severity} · {view.check} · {view.id}")
    console.echo(f"  {view.message}")
    en = highlight(view.en_text, view.evidence, console.mark) if not view.ko_text else view.en_text
    console.echo(f"  EN  {en or '—'}")
    console.echo(f"  KO  {highlight(view.ko_text, view.evidence, console.mark) or '—'}")


def run_queue(ws: Workspace, views: Sequence[Flag], console: Console) -> QueueResult:
    """Walk the queue; each decision is stored as soon as it is made. Ctrl-C or end of input stops
    the walk and keeps what was decided."""
    result = QueueResult()
    fixed: list[str] = []
    decided: list[str] = []
    promoted: list[str] = []
    total = len(views)
    done = 0
    try:
        for k, view in enumerate(views, start=1):
            show(view, k, total, console)
            while True:
                extra = "".join(f"  {label}" for label, _ in console.lookups.values())
                console.echo(f"  {HELP}{extra}")
                key = console.read_key().lower()
                action = KEYS.get(key)
                if action is not None:
                    break
                if key in console.lookups:
                    _look_up(view, *console.lookups[key], console)
                    continue
                console.echo(f"  unknown key {key!r}")
            if action == "quit":
                break
            done = k
            if action == "skip":
                result.skipped += 1
                continue
            text = ""
            if action == "fix":
                # A check that offers a fix (the LLM reviewer) makes it the default; else edit the evidence.
                offered = view.suggestion or view.evidence
                text = console.read_line("  corrected Korean for the evidence", offered)
                if not text.strip() or text.strip() == view.evidence:
                    console.echo("  unchanged: not recorded")
                    result.skipped += 1
                    continue
                other = app.fix_mismatch(ws, view, text)
                if other and not _confirm_other_term(other, view, console):
                    console.echo("  not recorded")
                    result.skipped += 1
                    continue
            elif action == "note":
                text = console.read_line("  note", "")
                if not text.strip():
                    console.echo("  empty note: not recorded")
                    result.skipped += 1
                    continue
            app.decide(ws, view, action, text)
            result.decided += 1
            decided.append(view.slug)
            if action == "fix":
                fixed.append(view.slug)
                suggestion = promotion_for(view, text)
                if suggestion is not None and other:
                    console.echo(
                        f"  not offered to the term base: the fix names {other}, not {flag_subject(view)}"
                    )
                elif suggestion is not None:
                    name = _offer_promotion(ws, suggestion, console)
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
    result.decided_slugs = tuple(dict.fromkeys(decided))
    result.promoted = tuple(promoted)
    return result


def _look_up(view: Flag, label: str, lookup: Lookup, console: Console) -> None:
    """Show what a lookup says about the pair; a failure is one line and the queue goes on."""
    from pipeline.errors import ReadnotesError

    try:
        lines = lookup(view)
    except ReadnotesError as e:
        console.echo(f"  {label.replace('[', '').replace(']', '')}: {e.user_message()}")
        return
    for line in lines or ["(nothing found)"]:
        console.echo(f"  {line}")


def _confirm_other_term(other: str, view: Flag, console: Console) -> bool:
    """Ask before saving a fix that names another term than the flag's: a slip of the keyboard
    (SFT(지도 미세 조정) typed for the RLHF flag) must not become the record, nor a term-base entry."""
    console.echo(f"  the fix names {other} but the flag is about {flag_subject(view)} — save anyway? [y/n]")
    while True:
        key = console.read_key().lower()
        if key in ("y", "n"):
            return key == "y"


def _offer_promotion(ws: Workspace, p: Promotion, console: Console) -> str:
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
    entry = app.promote(ws, p, accept=key in ("a", "b"), forbid=key in ("f", "b"))
    console.echo(f"  → term base: {entry.label()} updated")
    return entry.term

"""The reader's word list: vocab import|add|list|set|hits|retag."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.common import echo, echo_json, existing_file, json_option, reads_workspace, user_errors
from pipeline.cli.root import ReadnotesGroup
from pipeline.models import VOCAB_STATUSES


def _echo_report(report, retagged, as_json: bool, what: str) -> None:
    if as_json:
        summary = report.to_json()
        summary["retagged"] = retagged.__dict__ if retagged else None
        echo_json(summary)
        return
    echo(
        f"{what}: {report.count('added')} added, {report.count('updated')} updated, "
        f"{report.count('skipped')} skipped."
    )
    for change in report.changes:
        where = f"line {change.line}" if change.line else "cli"
        subject = f"{change.term} ({where})" if change.term else where
        echo(f"  {change.action:<8}{subject}: {change.reason}")
    _echo_retagged(retagged)


def _echo_retagged(retagged) -> None:
    if retagged and retagged.articles:
        echo(f"Re-tagged {retagged.articles} article(s): {retagged.hits} hit(s).")


@click.group("vocab", cls=ReadnotesGroup)
def vocab_group() -> None:
    """Your English word list: import notes, tag articles, track what you learn.

    \b
        readnotes vocab import raw/karpathy-2025.vocab.md
        readnotes vocab hits "gobble up"
    """


@vocab_group.command("import")
@click.argument("notes", type=click.Path(path_type=Path))
@json_option
@click.pass_obj
def vocab_import(ws, notes: Path, as_json: bool) -> None:
    """Import terms from loose notes ("- vicinity : 부근", "- polymath 박식가", …).

    Re-importing changes nothing; a new gloss for a known term is kept beside the old one.
    Lines that are not terms (headings, URLs, prose) are skipped and listed.

    \b
        readnotes vocab import raw/karpathy-2025.vocab.md
    """
    from pipeline import app

    existing_file(notes, "notes")
    with user_errors(notes):
        report, retagged = app.import_vocab(ws, notes)
    _echo_report(report, retagged, as_json, str(notes))


@vocab_group.command("add")
@click.argument("term")
@click.option("--gloss", "-g", default="", help="The Korean meaning.")
@click.option("--note", default="", help="A note for the card.")
@click.option("--example", default="", help="An example sentence.")
@json_option
@click.pass_obj
def vocab_add(ws, term: str, gloss: str, note: str, example: str, as_json: bool) -> None:
    """Add one term (or another gloss for a term you have).

    \b
        readnotes vocab add "point of inflection" --gloss 변곡점
        readnotes vocab add "Byte-Pair Encoding (BPE)" --gloss "바이트 쌍 인코딩"
    """
    from pipeline import app

    with user_errors():
        report, retagged = app.add_vocab(ws, term, gloss, note, example)
    _echo_report(report, retagged, as_json, term)


@vocab_group.command("list")
@click.option("--status", type=click.Choice(VOCAB_STATUSES), help="Only terms with this status.")
@json_option
@click.pass_obj
@reads_workspace
def vocab_list(ws, status: str | None, as_json: bool) -> None:
    """List your terms with their status, gloss and number of hits.

    \b
        readnotes vocab list --status new
    """
    from pipeline import app

    with user_errors():
        listed = app.vocab_list(ws, status)
    if as_json:
        echo_json([t.to_json() | {"hits": n} for t, n in listed])
        return
    if not listed:
        echo("No terms yet. Import your notes with: readnotes vocab import NOTES.md")
    for t, n in listed:
        aliases = f" ({', '.join(t.aliases)})" if t.aliases else ""
        echo(f"{t.term}{aliases}\t{t.status}\t{t.gloss or '—'}\t{n} hit(s)")


@vocab_group.command("set")
@click.argument("term")
@click.argument("status", type=click.Choice(VOCAB_STATUSES))
@click.pass_obj
def vocab_set(ws, term: str, status: str) -> None:
    """Move a term on the ladder: new → learning → known (or ignored: never tagged).

    \b
        readnotes vocab set vicinity learning
    """
    from pipeline import app

    with user_errors():
        found, retagged = app.set_vocab_status(ws, term, status)
    echo(f"{found.term}: {status}")
    _echo_retagged(retagged)


@vocab_group.command("hits")
@click.argument("term", required=False)
@json_option
@click.pass_obj
@reads_workspace
def vocab_hits(ws, term: str | None, as_json: bool) -> None:
    """Every sentence, across all articles, where a term (or any term) occurs.

    \b
        readnotes vocab hits "gobble up"
        readnotes vocab hits --json
    """
    from pipeline import app

    with user_errors():
        rows = app.vocab_occurrences(ws, term)
    if as_json:
        echo_json(rows)
        return
    if not rows:
        echo("No hits. Add an article (readnotes add) or run: readnotes vocab retag")
    for r in rows:
        text = r["text"]
        marked = text[: r["start"]] + "**" + text[r["start"] : r["end"]] + "**" + text[r["end"] :]
        echo(f"{r['term']}\t{r['slug']}#{r['sentence']}\t{marked}")
        for ko in r["korean"]:
            spans = ", ".join(h["surface"] for h in ko["hits"])
            echo(f"\t\t> {ko['text']}" + (f"  [{spans}]" if spans else ""))


@vocab_group.command("retag")
@click.pass_obj
def vocab_retag(ws) -> None:
    """Tag every stored article again with the current word list.

    \b
        readnotes vocab retag
    """
    from pipeline import app

    with user_errors():
        summary = app.retag(ws)
    echo(f"Re-tagged {summary.articles} article(s): {summary.hits} hit(s).")
    for slug, n in summary.by_slug.items():
        echo(f"  {slug}\t{n} hit(s)")

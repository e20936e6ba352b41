"""The term base: terms add|list|import|export|harvest."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli import common
from pipeline.cli.common import (
    ask_key,
    echo,
    echo_json,
    existing_file,
    json_anywhere,
    json_option,
    plural,
    reads_workspace,
    user_errors,
)
from pipeline.cli.root import ReadnotesGroup


@click.group("terms", cls=ReadnotesGroup)
def terms_group() -> None:
    """The term base: the bundled AI/ML glossary plus your own entries.

    \b
        readnotes terms list RLHF
        readnotes terms add "reward model" --ko "보상 모델"
        readnotes terms import my-terms.tsv
        readnotes terms edit RLHF --drop-ko "지도 미세 조정"
        readnotes terms remove "reward model"
        readnotes terms harvest karpathy-2025
    """


def _term_line(t) -> str:
    line = f"{t.label()}: {' | '.join(t.accepted) or '—'}"
    if t.forbidden:
        line += f"  ✗ {' | '.join(t.forbidden)}"
    return line + (f"  [{t.source}]" if t.source != "bundled" else "")


@terms_group.command("add")
@click.argument("term")
@click.option("--ko", "accepted", multiple=True, help="An accepted Korean rendering (repeatable).")
@click.option("--forbid", "forbidden", multiple=True, help="A wrong Korean rendering (repeatable).")
@click.option("--acronym", default="", help="The acronym, e.g. RLHF.")
@click.option("--alias", "aliases", multiple=True, help="Another English form (repeatable).")
@click.option("--note", default="", help="A note kept with the entry.")
@click.option("--ambiguous", is_flag=True, help="The English has everyday senses: check only in ML articles.")
@click.pass_obj
def terms_add(ws, term: str, accepted, forbidden, acronym: str, aliases, note: str, ambiguous: bool) -> None:
    """Add a term, or more renderings to an existing one.

    \b
        readnotes terms add "reward hacking" --ko "보상 해킹" --forbid "보상 해커"
    """
    from pipeline import app
    from pipeline.stages.terms import Term

    entry = Term(term, list(aliases), acronym, list(accepted), list(forbidden), note, ambiguous, "add")
    with user_errors():
        saved = app.add_term(ws, entry)
    echo(_term_line(saved))


@terms_group.command("edit")
@click.argument("term")
@click.option("--ko", "accepted", multiple=True, help="Accept this Korean rendering (repeatable).")
@click.option("--forbid", "forbidden", multiple=True, help="Forbid this Korean rendering (repeatable).")
@click.option(
    "--drop-ko", "drop_accepted", multiple=True, help="No longer accept this rendering (repeatable)."
)
@click.option(
    "--drop-forbid", "drop_forbidden", multiple=True, help="No longer forbid this rendering (repeatable)."
)
@click.pass_obj
def terms_edit(ws, term: str, accepted, forbidden, drop_accepted, drop_forbidden) -> None:
    """Add or drop renderings of TERM. Editing a bundled term saves your own entry over it.

    \b
        readnotes terms edit RLHF --drop-ko "지도 미세 조정"
        readnotes terms edit "reward model" --ko "보상 모형" --forbid "리워드 모델"
    """
    from pipeline import app

    with user_errors():
        entry = app.edit_term(ws, term, accepted, forbidden, drop_accepted, drop_forbidden)
    echo(_term_line(entry))


@terms_group.command("remove")
@click.argument("term")
@click.pass_obj
def terms_remove(ws, term: str) -> None:
    """Remove your own entry for TERM (its English, an alias or the acronym). A bundled term cannot
    be removed, only overridden with `terms edit`.

    \b
        readnotes terms remove "widget distillation"
    """
    from pipeline import app

    with user_errors():
        removed, bundled = app.remove_term(ws, term)
    echo(f"Removed your entry for {removed.label()}.")
    if bundled is not None:
        echo(f"The bundled entry applies again: {_term_line(bundled)}")


@terms_group.command("list")
@click.argument("query", required=False)
@click.option("--user", "user_only", is_flag=True, help="Only your own entries, not the bundled glossary.")
@json_option
@click.pass_obj
@reads_workspace
def terms_list(ws, query: str | None, user_only: bool, as_json: bool) -> None:
    """List the term base, or the entries matching QUERY (English, acronym or Korean).

    \b
        readnotes terms list fine-tuning
    """
    from pipeline import app

    with user_errors():
        entries = app.find_terms(ws, query, user_only)
    if as_json:
        echo_json([t.__dict__ for t in entries])
        return
    for t in entries:
        echo(_term_line(t))
    if not entries:
        echo("No matching terms." if query else "No terms of your own yet: `readnotes terms add TERM --ko …`")


@terms_group.command("import")
@click.argument("tsv_file", type=click.Path(path_type=Path))
@click.pass_obj
def terms_import(ws, tsv_file: Path) -> None:
    """Import terms from a TSV file (the columns of `terms export`); all lines or none.

    \b
        readnotes terms import my-terms.tsv
    """
    from pipeline import app

    existing_file(tsv_file, "term-base TSV")
    with user_errors(tsv_file):
        n = app.import_terms_file(ws, tsv_file)
    echo(f"Imported {plural(n, 'term')} from {tsv_file}.")


@terms_group.command("export")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Default: stdout.")
@click.option("--user", "user_only", is_flag=True, help="Only your own entries.")
@click.pass_obj
@reads_workspace
def terms_export(ws, out: Path | None, user_only: bool) -> None:
    """Write the term base as TSV (re-importable with `terms import`).

    \b
        readnotes terms export --user --out my-terms.tsv
    """
    from pipeline import app

    with user_errors():
        text = app.terms_tsv(ws, user_only)
        if out:
            app.write_file(out, text)
    if out:
        echo(f"{plural(text.count(chr(10)) - 1, 'term')} written to {out}", err=True)
    else:
        echo(text, nl=False)


@terms_group.command("harvest")
@click.argument("source")
@click.option(
    "--all",
    "add_all",
    is_flag=True,
    help="Add every new, confident candidate without asking (the rest are listed).",
)
@click.option(
    "--json", "as_json", is_flag=True, callback=json_anywhere, help="Only list the candidates, as JSON."
)
@click.pass_obj
def terms_harvest(ws, source: str, add_all: bool, as_json: bool) -> None:
    """Find 한국어(English) and English(한국어) pairs in a stored article (SLUG) or a Korean FILE,
    and confirm them into the term base one by one (y/n/q).

    \b
        readnotes terms harvest karpathy-2025
        readnotes terms harvest notes.ko.md --json
    """
    from pipeline import app

    with user_errors(Path(source)):
        found = app.harvest(ws, source)
    if as_json:
        echo_json([{**c.__dict__, "confident": c.confident} for c in found])
        return
    new = [c for c in found if c.status != "known"]
    if not new:
        echo(f"No new term pairs in {source} ({len(found)} already in the term base).")
        return
    if not add_all and not common.stdin_is_interactive():
        raise click.ClickException(
            "harvest asks about each pair and needs an interactive terminal. "
            "Use --json to list the pairs, or --all to add every new one."
        )
    added = skipped = 0
    for k, c in enumerate(new, start=1):
        label = f"{c.english}" + (f" ({c.acronym})" if c.acronym and c.acronym != c.english else "")
        note = f"  ⚠ {c.reason}" if c.status == "conflict" else ""
        note += f"  ? {c.doubt}" if c.doubt else ""
        echo(f"[{k}/{len(new)}] {label} = {c.korean}{note}\n    {c.context[:120]}")
        if add_all:
            if c.status == "conflict" or not c.confident:
                skipped += 1
                continue
            answer = "y"
        else:
            answer = ask_key("  add? [y/n/q]", "ynq", default="n")
        if answer == "q":
            break
        if answer == "y":
            with user_errors():
                app.add_term(ws, c.to_term())
            added += 1
    echo(f"{plural(added, 'term')} added to the term base.")
    if skipped:
        echo(
            f"{skipped} left out (a conflict, or not sure of the Korean): "
            f"run `readnotes terms harvest {source}` without --all to decide them one by one."
        )

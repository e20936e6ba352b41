"""Translation checks and their review: check, flags, review."""

from __future__ import annotations

import click

from pipeline.cli import common
from pipeline.cli.common import (
    RegistryChoice,
    b_key_translator_option,
    echo,
    echo_json,
    flag_line,
    json_anywhere,
    json_option,
    model_check_options,
    model_checks,
    read_key,
    reads_workspace,
    user_errors,
)
from pipeline.models import FLAG_STATUSES, SEVERITIES


def _check_names() -> list[str]:
    from pipeline.stages.checks import CHECKS
    from pipeline.stages.llm import LLM_CHECK
    from pipeline.stages.translate import BACK_TRANSLATION_CHECK

    # The model checks store flags too, but run only when asked for (check --llm, --back-translate).
    return [*CHECKS, BACK_TRANSLATION_CHECK, LLM_CHECK]


@click.command("check")
@click.argument("slug", required=False)
@click.option(
    "--json", "as_json", is_flag=True, callback=json_anywhere, help="Print flag counts and coverage as JSON."
)
@model_check_options
@click.pass_context
@reads_workspace
def check_command(
    ctx: click.Context,
    slug: str | None,
    as_json: bool,
    back_translate: str | None,
    llm: bool,
    llm_max_pairs: int | None,
    only_flagged: bool,
) -> None:
    """Re-run the translation checks on stored articles (all, or SLUG) with the current term base.

    Earlier review decisions stay attached to the flags they were about. --back-translate and --llm
    add model checks for changes of meaning; a later plain `check` keeps their flags from the cache
    without sending anything.

    \b
        readnotes check karpathy-2025
        readnotes check karpathy-2025 --back-translate google
        READNOTES_LLM_URL=http://127.0.0.1:11434/v1 READNOTES_LLM_MODEL=qwen2.5:7b-instruct \\
            readnotes check karpathy-2025 --llm --only-flagged
    """
    from pipeline import app

    ws = ctx.obj
    options = model_checks(ctx, back_translate, llm, llm_max_pairs, only_flagged)
    with user_errors():
        reports = app.check(ws, slug, options)
    if as_json:
        echo_json(
            [
                {"slug": r.slug, "flags": r.flags.by_severity(), "open": r.flags.open}
                | {"status": r.flags.by_status()}
                | {"coverage": r.coverage_text, "untranslated_share": round(r.untranslated_share, 4)}
                for r in reports
            ]
        )
        return
    for r in reports:
        echo(f"{r.slug}: " + flag_line(r).removeprefix("Flags: "))
    if not reports:
        echo("No articles yet. Add one with: readnotes add raw/<name>.en.md")


@click.command("flags")
@click.argument("slug", required=False)
@json_option
@click.option("--status", type=click.Choice(FLAG_STATUSES), help="Only flags with this status.")
@click.option(
    "--check",
    "check_name",
    type=RegistryChoice(_check_names, "CHECK"),
    help="Only this check (acronym-gloss, term, number, omission, addition, …).",
)
@click.option(
    "--severity",
    type=click.Choice(SEVERITIES),
    multiple=True,
    help="Only these severities (repeatable; default all).",
)
@click.pass_obj
@reads_workspace
def flags_command(
    ws, slug: str | None, as_json: bool, status: str | None, check_name: str | None, severity
) -> None:
    """List suspect translations found by the checks, with their review status.

    \b
        readnotes flags karpathy-2025 --status open
        readnotes flags --json --severity error
    """
    from pipeline import app
    from pipeline.lang.text import terminal_safe

    with user_errors():
        views = app.flag_views(ws, slug, status=status, severities=severity or None, check=check_name)
    if as_json:
        echo_json([v.to_json() for v in views])
        return
    if not views:
        echo("No flags." if not status else f"No {status} flags.")
        return
    current = None
    for v in views:
        if v.slug != current:
            current = v.slug
            click.echo(click.style(terminal_safe(v.slug), bold=True))
        status_text = v.status + (f": {v.fix}" if v.fix else "")
        echo(f"  {v.id[:8]}  {v.severity:<7}  {v.check:<14}  {v.evidence[:60]}")
        echo(f"            {v.message}  [{status_text}]")


def _lookups(ws, provider: str) -> dict:
    """review's on-demand keys: b (back-translation), and l (the LLM) when a server is set."""
    import os

    from pipeline import app

    def back(flag) -> list[str]:
        return [f"back-translation ({provider}): {app.back_translate_pair(ws, flag, provider)}"]

    def llm(flag) -> list[str]:
        return [
            f"llm: {e.severity} {e.category} on “{e.span}”: {e.explanation}"
            + (f" (suggested fix: {e.fix})" if e.fix else "")
            for e in app.llm_review_pair(ws, flag)
        ]

    keys = {"b": ("[b]ack-translate", back)}
    if os.environ.get("READNOTES_LLM_URL"):
        keys["l"] = ("[l]lm", llm)
    return keys


def _read_line(prompt: str, default: str) -> str:
    try:
        return click.prompt(prompt, default=default or "", show_default=bool(default))
    except click.Abort as e:  # Ctrl-C or end of input inside a prompt
        raise KeyboardInterrupt from e


@click.command("review")
@click.argument("slug", required=False)
@click.option("--info", "include_info", is_flag=True, help="Include info-level flags in the queue.")
@b_key_translator_option("the")
@click.pass_context
@reads_workspace
def review_command(ctx: click.Context, slug: str | None, include_info: bool, back_translate: str) -> None:
    """Review open flags one by one in the terminal, with single keys:

    a accept (a real error), d dismiss (a false alarm), f fix (type the corrected Korean; it can go
    into the term base), n note, s skip, q quit; b shows the pair's back-translation, and l asks
    the LLM reviewer about the pair (when READNOTES_LLM_URL is set). Every decision is saved at
    once, so Ctrl-C keeps what you decided.

    \b
        readnotes review karpathy-2025
    """
    from pipeline import app
    from pipeline.cli import review_queue

    ws = ctx.obj
    if not common.stdin_is_interactive():
        raise click.ClickException(
            "review needs an interactive terminal, and stdin is not one. "
            "For scripts, list the flags with `readnotes flags --json`."
        )
    with user_errors():
        views = app.review_queue(ws, slug, include_info)
    if not views:
        more = "" if include_info else " (--info includes info flags)"
        echo(f"Nothing to review: no open flags.{more}")
        return
    console = review_queue.Console(
        read_key=read_key,
        read_line=_read_line,
        echo=click.echo,
        mark=lambda s: click.style(s, fg="red", bold=True, reverse=True),
        lookups=_lookups(ws, back_translate),
    )
    with user_errors():
        result = review_queue.run_queue(ws, views, console)
        for s in result.decided_slugs:
            what = "fixes" if s in result.fixed_slugs else "decisions"
            echo(f"Study sheet with your {what}: {app.write_sheet(ws, s)}")
    stopped = "Stopped. " if result.interrupted else ""
    # Every flag is counted once, also when Ctrl-C lands inside the fix or note prompt.
    left = len(views) - result.decided - result.skipped
    echo(
        f"{stopped}{common.plural(result.decided, 'decision')} saved, {result.skipped} skipped, {left} left."
    )
    if result.interrupted:
        ctx.exit(130)

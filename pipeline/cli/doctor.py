"""readnotes doctor: check what this machine needs, and say how to fix each gap."""

from __future__ import annotations

import click

from pipeline.cli.common import echo, echo_json, json_option, plural


@click.command("doctor")
@json_option
@click.pass_obj
def doctor_command(ws, as_json: bool) -> None:
    """Check the analyzers and their data, notes.db, the optional sentence encoder, PDF printing
    (a browser and a Korean font), and the translation and LLM settings. Says how to fix each gap;
    exits 1 when a required check fails. Changes nothing.

    \b
        readnotes doctor
        readnotes doctor --json
    """
    from pipeline import app

    checks = app.diagnose(ws)
    failed = [c for c in checks if c.required and not c.ok]
    if as_json:
        echo_json({"ok": not failed, "checks": [c.to_dict() for c in checks]})
    else:
        for c in checks:
            mark = "ok" if c.ok else ("FAIL" if c.required else "--")
            echo(f"{mark:<5} {c.name}: {c.found}")
            if not c.ok and c.fix:
                echo(f"      fix: {c.fix}")
    if failed:
        names = ", ".join(c.name for c in failed)
        raise click.ClickException(
            f"{plural(len(failed), 'required check')} failed ({names}); see the fixes above"
        )

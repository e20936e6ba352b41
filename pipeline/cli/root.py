"""The `readnotes` command group and its global options."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.common import workspace_options


class ReadnotesGroup(click.Group):
    """Lists commands in the order they are added (the order of the job), not alphabetically."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        # Every subcommand accepts --home and -q after its name too; subgroups are ReadnotesGroups,
        # so their own commands get them as they are added.
        if not any(p.name == "home" for p in cmd.params):
            workspace_options(cmd)
        super().add_command(cmd, name)


@click.group(cls=ReadnotesGroup)
@click.version_option(package_name="readnotes")
@click.option(
    "--home",
    envvar="READNOTES_HOME",
    default=".",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Workspace folder holding raw/, aligned/, exports/ and notes.db (or $READNOTES_HOME).",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress output.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON, where a command prints it.")
@click.pass_context
def cli(ctx: click.Context, home: Path, quiet: bool, as_json: bool) -> None:
    """readnotes: align an English article with its Korean translation, tag your vocabulary,
    flag suspect translations and print bilingual study sheets.

    \b
        readnotes add raw/karpathy-2025.en.md
        readnotes sheet karpathy-2025
    """
    from pipeline.workspace import Workspace

    ctx.obj = Workspace(home)
    ctx.meta["quiet"] = quiet
    ctx.meta["json"] = as_json

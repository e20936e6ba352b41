"""The `readnotes` command group and its global options.

The group knows its commands by name, import path and one-line help (`COMMANDS`) and imports a
command's module only when that command runs: `readnotes list` does not load `serve` or `terms`,
and `readnotes --help` loads none of them. This is click's documented lazy-loading pattern.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

import click


@dataclass(frozen=True)
class LazyCommand:
    """Where a command lives ("module:attribute") and the one line `readnotes --help` shows for it
    (the first sentence of its help; tests/test_cli_layout.py checks that they agree)."""

    import_path: str
    short_help: str


#: The commands in the order of the job (the order `--help` lists them).
COMMANDS: dict[str, LazyCommand] = {
    "add": LazyCommand(
        "pipeline.cli.articles:add",
        "Process articles: segment, align, store in notes.db, write the study sheets.",
    ),
    "align": LazyCommand(
        "pipeline.cli.articles:align_command",
        "Align two texts and print beads as JSON Lines (no workspace, no database).",
    ),
    "sheet": LazyCommand(
        "pipeline.cli.articles:sheet",
        "Write a bilingual study sheet for a stored article (Markdown, or HTML to print).",
    ),
    "list": LazyCommand(
        "pipeline.cli.articles:list_articles",
        "List the articles in the workspace: title, date read, coverage, hits, open flags.",
    ),
    "show": LazyCommand(
        "pipeline.cli.articles:show",
        "One article at a glance: title, dates, source, coverage, vocabulary hits, open flags.",
    ),
    "export": LazyCommand(
        "pipeline.cli.articles:export_command",
        "Export a stored article (or --all) for another tool, into exports/.",
    ),
    "search": LazyCommand(
        "pipeline.cli.articles:search_command",
        "Find sentences in every stored article, English or Korean, with their pair.",
    ),
    "doctor": LazyCommand(
        "pipeline.cli.doctor:doctor_command",
        "Check the analyzers and their data, notes.db, the optional sentence encoder, PDF printing"
        " (a browser and a Korean font), and the translation and LLM settings.",
    ),
    "check": LazyCommand(
        "pipeline.cli.flags:check_command",
        "Re-run the translation checks on stored articles (all, or SLUG) with the current term base.",
    ),
    "flags": LazyCommand(
        "pipeline.cli.flags:flags_command",
        "List suspect translations found by the checks, with their review status.",
    ),
    "review": LazyCommand(
        "pipeline.cli.flags:review_command",
        "Review open flags one by one in the terminal, with single keys:",
    ),
    "serve": LazyCommand(
        "pipeline.cli.serve:serve_command",
        "Read, review and add articles in the browser: a local server over this workspace's notes.db.",
    ),
    "terms": LazyCommand(
        "pipeline.cli.terms:terms_group",
        "The term base: the bundled AI/ML glossary plus your own entries.",
    ),
    "vocab": LazyCommand(
        "pipeline.cli.vocab:vocab_group",
        "Your English word list: import notes, tag articles, track what you learn.",
    ),
}


class OrderedGroup(click.Group):
    """Lists commands in the order they are added (the order of the job), not alphabetically."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)


class ReadnotesGroup(OrderedGroup):
    """An OrderedGroup whose commands all take --home and -q after their name too."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        # Every subcommand accepts --home and -q after its name too; subgroups are ReadnotesGroups,
        # so their own commands get them as they are added.
        _add_workspace_options(cmd)
        super().add_command(cmd, name)


def _add_workspace_options(cmd: click.Command) -> None:
    from pipeline.cli.common import workspace_options  # a command's module imports it anyway; --help need not

    if not any(p.name == "home" for p in cmd.params):
        workspace_options(cmd)


class LazyGroup(ReadnotesGroup):
    """A ReadnotesGroup whose commands are imported when one is invoked (or its help is asked for),
    from a registry of name → LazyCommand; commands added the usual way are listed first."""

    def __init__(self, *args, lazy_commands: dict[str, LazyCommand], **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.lazy_commands = lazy_commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*self.commands, *(name for name in self.lazy_commands if name not in self.commands)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands or cmd_name not in self.lazy_commands:
            return super().get_command(ctx, cmd_name)
        return self.load(cmd_name)

    def load(self, cmd_name: str) -> click.Command:
        module_name, _, attribute = self.lazy_commands[cmd_name].import_path.partition(":")
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{module_name}:{attribute} is not a click command")
        _add_workspace_options(command)  # once: the module (and so the command) is imported once
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands' one-line help from the registry, shortened as click shortens a command's
        own help, so `readnotes --help` imports no command module."""
        listed = OrderedGroup(self.name)
        for name in self.list_commands(ctx):
            if name in self.commands:
                listed.add_command(self.commands[name], name)
            else:
                listed.add_command(click.Command(name, help=self.lazy_commands[name].short_help), name)
        listed.format_commands(ctx, formatter)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.NoSuchCommand as e:
            # click suggests close names from self.commands, which holds only the loaded ones.
            raise click.exceptions.NoSuchCommand(
                e.command_name, possibilities=self.list_commands(ctx), ctx=ctx
            ) from None


@click.group(cls=LazyGroup, lazy_commands=COMMANDS)
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

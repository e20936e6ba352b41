"""How app functions report the stage they are in: a callable the CLI turns into a progress bar."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str], None]


def no_progress(_stage: str) -> None:
    pass

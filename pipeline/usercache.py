"""usercache: files readnotes derives once per user from what it ships, to start faster next time.

What goes here can always be rebuilt from the installed packages (the sentence encoder's embedding
table, uncompressed so that it can be read a row at a time), so any failure to read or write the cache
(a read-only home, a full disk, a file cut short) costs time, never a result: callers fall back to
building what they need in memory.

The folder is ``$READNOTES_CACHE_DIR`` when set, else the platform's per-user cache folder
(platformdirs: ``~/.cache/readnotes`` on Linux, ``~/Library/Caches/readnotes`` on macOS), else
``$XDG_CACHE_HOME/readnotes`` or ``~/.cache/readnotes``.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

#: Environment variable naming the cache folder (tests point it at a temporary one).
CACHE_DIR_VAR = "READNOTES_CACHE_DIR"


def cache_dir() -> Path:
    """The per-user cache folder (not created here)."""
    if chosen := os.environ.get(CACHE_DIR_VAR):
        return Path(chosen).expanduser()
    try:
        from platformdirs import user_cache_dir
    except ImportError:  # an install without it: the XDG rule platformdirs follows on Linux
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"
        return base / "readnotes"
    return Path(user_cache_dir("readnotes", appauthor=False))


def write_atomically(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write a file through ``write`` into a temporary file beside it, then rename it into place, so
    that a reader (another readnotes process) sees the whole file or none, never a part of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise

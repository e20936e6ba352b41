"""sqlite-utils, imported without numpy: the first store module, so every other one finds it loaded.

sqlite-utils imports numpy when it is installed (and the aligner installs it) only to map numpy
scalar types to column types when it infers a table from values. readnotes declares its tables in
its migrations and stores Python values, and numpy costs a command that only reads notes.db about
0.1 s and 15 MB at start. So sqlite-utils is imported with numpy hidden, unless numpy is loaded
already (then hiding it would save nothing).
"""

from __future__ import annotations

import sys


def import_sqlite_utils() -> None:
    if "sqlite_utils" in sys.modules or "numpy" in sys.modules:
        return
    sys.modules["numpy"] = None  # type: ignore[assignment]  # `import numpy` raises ImportError
    try:
        import sqlite_utils.db  # noqa: F401
    finally:
        del sys.modules["numpy"]


import_sqlite_utils()

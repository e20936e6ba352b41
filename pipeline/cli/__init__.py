"""cli: the thin click layer. Commands parse arguments, call `pipeline.app` and print.

One module per command group; errors become one `Error:` line through one table
(`common.user_errors`, exit 1); exit 2 stays click's usage error. Stages are imported when a
command runs, so `readnotes --help` loads no model or numeric library.
"""

from pipeline.cli import articles, doctor, flags, serve, terms, vocab  # noqa: F401  (registers the commands)
from pipeline.cli.root import cli

__all__ = ["cli"]

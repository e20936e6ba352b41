"""cli: the thin click layer. Commands parse arguments, call `pipeline.app` and print.

One module per command group; errors become one `Error:` line through one table
(`common.user_errors`, exit 1); exit 2 stays click's usage error. The root group (`root.cli`)
imports a command's module only when that command runs, and the command imports the stages it
needs when it runs, so `readnotes --help` loads no command module, model or numeric library.
"""

from pipeline.cli.root import cli

__all__ = ["cli"]

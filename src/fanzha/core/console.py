"""The CLI's two rich consoles, in a module of their own so that a command that needs no
database (``fanzha check``) can print without importing SQLAlchemy or FastAPI."""

from rich.console import Console

# soft_wrap: a line is never broken by rich when the output is not a terminal (pipes, logs).
console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)

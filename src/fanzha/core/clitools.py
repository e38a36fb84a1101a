"""Shared plumbing for CLI commands: one transaction per command, errors for people."""

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from sqlalchemy.orm import Session

from fanzha.core.db import new_session
from fanzha.core.errors import FanzhaError

console = Console()
err_console = Console(stderr=True)


def fail(err: FanzhaError) -> typer.Exit:
    err_console.print(f"[bold red]错误：[/]{err.message}")
    for f in err.fields[:50]:
        err_console.print(f"  • [yellow]{f.field}[/]：{f.message}")
    if len(err.fields) > 50:
        err_console.print(f"  … 另有 {len(err.fields) - 50} 处错误")
    return typer.Exit(2)


@contextmanager
def command_session() -> Iterator[Session]:
    """Commit when the command succeeds; on a domain error roll back and exit with code 2."""
    session = new_session()
    try:
        yield session
        session.commit()
    except FanzhaError as err:
        session.rollback()
        raise fail(err) from err
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()

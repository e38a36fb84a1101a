"""Shared plumbing for CLI commands: one transaction per command, errors for people."""

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from sqlalchemy import inspect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from fanzha.core.config import get_settings
from fanzha.core.console import console as console
from fanzha.core.console import err_console as err_console
from fanzha.core.db import display_url, get_engine, new_session, sqlite_file
from fanzha.core.errors import FanzhaError

FIX = "先运行 fanzha db upgrade 迁移它，或用 fanzha -d URL 指向已有的数据库（演示库见 fanzha demo 的输出）"


class DatabaseNotReady(FanzhaError):
    def __init__(self, message: str) -> None:
        super().__init__(message, [], 503, "database_not_ready")


class DatabaseUnreachable(DatabaseNotReady):
    """The database is configured but does not answer now (down, or a file that cannot be opened)."""


def fail(err: FanzhaError) -> typer.Exit:
    """The error's line, then each field error the line does not already say."""
    err_console.print(f"[bold red]错误：[/]{err.message}", markup=True, highlight=False)
    fields = [f for f in err.fields if f"{f.field}：{f.message}" != err.message]
    for f in fields[:50]:
        err_console.print(f"  • [yellow]{f.field}[/]：{f.message}", highlight=False)
    if len(fields) > 50:
        err_console.print(f"  … 另有 {len(fields) - 50} 处错误")
    return typer.Exit(2)


def require_database() -> None:
    """Stop before touching a database that is missing (SQLite would create an empty file),
    unreachable or not migrated, naming the fix."""
    url = get_settings().database_url
    where = display_url(url)
    path = sqlite_file(url)
    if path is not None and not path.exists():
        raise DatabaseNotReady(f"数据库文件 {where} 不存在：{FIX}")
    try:
        with get_engine().connect() as conn:
            migrated = inspect(conn).has_table("alembic_version")
    except DBAPIError as err:
        raise DatabaseUnreachable(
            f"无法连接数据库 {where}（{_first_line(err.orig)}）：检查 FANZHA_DATABASE_URL 或 -d URL"
        ) from err
    if not migrated:
        raise DatabaseNotReady(f"数据库 {where} 尚未迁移：{FIX}")


def _first_line(value: object) -> str:
    return str(value).strip().splitlines()[0] if str(value).strip() else type(value).__name__


def explain(err: Exception) -> tuple[str, int]:
    """One line for an error that escaped a command, and the exit status."""
    if isinstance(err, FanzhaError):
        return err.message, 2
    if isinstance(err, DBAPIError):
        where = display_url(get_settings().database_url)
        return f"数据库 {where} 出错（{_first_line(err.orig)}）：可能尚未迁移到当前版本，{FIX}", 1
    if isinstance(err, FileNotFoundError):
        return f"找不到文件或目录：{err.filename or '—'}（检查路径是否写对）", 1
    if isinstance(err, PermissionError):
        return f"没有权限读写：{err.filename or '—'}（检查文件权限，或换一个可写的位置）", 1
    if isinstance(err, OSError):
        return f"文件或系统错误：{err.strerror or _first_line(err)}（{err.filename or '—'}）", 1
    return f"内部错误（{type(err).__name__}：{_first_line(err)}），请把这条命令和这行报告给管理员", 1


@contextmanager
def command_session() -> Iterator[Session]:
    """Commit when the command succeeds; on a domain error roll back and exit with code 2."""
    try:
        require_database()
    except DatabaseNotReady as err:
        raise fail(err) from err
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

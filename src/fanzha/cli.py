"""The ``fanzha`` command. Capabilities contribute their own sub-commands."""

import os
from pathlib import Path
from typing import Annotated

import typer

from fanzha.app import scheduled_jobs
from fanzha.capabilities import CAPABILITIES
from fanzha.core.clitools import console
from fanzha.core.config import get_settings
from fanzha.core.registry import load
from fanzha.core.scheduler import run_job
from fanzha.demo.cli import demo
from fanzha.server import run_server

app = typer.Typer(
    help="fanzha 反诈平台：预警、劝阻、止付冻结、案件、通报。",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="数据库迁移")
app.add_typer(db_app, name="db")
app.command("demo")(demo)
for _capability in CAPABILITIES:
    for _entry in _capability.cli:
        _target = load(_entry.target)
        if isinstance(_target, typer.Typer):
            app.add_typer(_target, name=_entry.name)
        else:
            app.command(_entry.name)(_target)


def use_database(url: str | None) -> None:
    """Point every later engine at ``url`` (settings and engines are cached per process)."""
    from fanzha.core import db

    if url:
        os.environ["FANZHA_DATABASE_URL"] = url
    get_settings.cache_clear()
    db.forget_engine()


@app.callback()
def root(
    database: Annotated[
        str | None,
        typer.Option(
            "--database",
            "-d",
            help="数据库 URL，默认读取 FANZHA_DATABASE_URL 或 sqlite:///fanzha.db",
        ),
    ] = None,
) -> None:
    use_database(database)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """把数据库迁移到最新版本（SQLite 与 PostgreSQL 均可）。"""
    from fanzha.migrations.runner import upgrade

    url = get_settings().database_url
    upgrade(url)
    console.print(f"[green]数据库已迁移到最新版本[/]：{_safe_url(url)}")


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口")] = 8000,
) -> None:
    """启动 Web 控制台与 API 服务。"""
    run_server(host, port)


@app.command("tick")
def tick() -> None:
    """立即执行一次所有定时任务（超期升级、到期提醒、定时通报）。"""
    for job in scheduled_jobs():
        ok = run_job(job)
        console.print(f"{'[green]完成[/]' if ok else '[red]失败（详见日志）[/]'} {job.name}")


def _safe_url(url: str) -> str:
    if url.startswith("sqlite:///"):
        return str(Path(url.removeprefix("sqlite:///")).resolve())
    return url.split("@")[-1]


def main() -> None:
    app()

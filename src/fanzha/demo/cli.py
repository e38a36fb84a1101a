"""``fanzha demo``: build the demo city into the configured database."""

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import inspect

from fanzha.core.clitools import command_session, console, err_console
from fanzha.core.config import get_settings
from fanzha.core.db import get_engine
from fanzha.core.demo_context import DEMO_PASSWORD, DemoContext
from fanzha.demo.builder import STEPS, build_demo
from fanzha.migrations.runner import upgrade
from fanzha.models import Base
from fanzha.server import run_server


def _reset() -> None:
    engine = get_engine()
    with engine.begin() as conn:
        Base.metadata.drop_all(conn)
        if inspect(conn).has_table("alembic_version"):
            conn.exec_driver_sql("DROP TABLE alembic_version")


def _has_data() -> bool:
    with get_engine().connect() as conn:
        if not inspect(conn).has_table("jurisdiction_nodes"):
            return False
        return conn.exec_driver_sql("SELECT 1 FROM jurisdiction_nodes LIMIT 1").first() is not None


def _moment(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        err_console.print(f"错误：--now 的值“{text}”不是时间，请写成 2026-11-20T09:00:00+08:00 的形式。")
        raise typer.Exit(2) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _print_logins(ctx: DemoContext, serving: bool) -> None:
    """Plain lines (no rich wrapping), so logins and keys stay whole when output is not a terminal."""
    for line in ctx.summary:
        print(f"  • {line}")
    print(f"\n演示账号（密码均为 {DEMO_PASSWORD}）：" + "、".join(ctx.users))
    for name, token in ctx.api_keys.items():
        print(f"  API 密钥 {name}: {token}")
    url = get_settings().database_url
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        path = Path(url.removeprefix("sqlite:///")).resolve()
        print(
            f"\n其他命令（fanzha warnings import、fanzha bulletin …）先执行：export FANZHA_DATABASE_URL=sqlite:///{path}"
        )
    if serving:
        print(f"\n登录：用户名 commander，密码 {DEMO_PASSWORD}")


def demo(
    seed: Annotated[int, typer.Option(help="随机种子：同一种子、同一时刻生成同样的城市")] = 2026,
    scale: Annotated[int, typer.Option(min=1, max=19, help="规模倍数（用于压测）")] = 1,
    reset: Annotated[bool, typer.Option(help="先清空数据库再生成")] = False,
    serve: Annotated[bool, typer.Option(help="生成后启动服务")] = False,
    port: Annotated[int, typer.Option(help="服务端口")] = 8000,
    now: Annotated[
        str | None, typer.Option(help="演示数据的“此刻”（ISO 时间，默认当前时间）：历史向前推 13 个月")
    ] = None,
) -> None:
    """生成演示城市（辖区、单位、用户、密钥及各模块的演示数据）。"""
    moment = _moment(now)
    if reset:
        _reset()
    elif _has_data():
        err_console.print("错误：数据库中已有数据。如需重建演示数据，请加 --reset。")
        raise typer.Exit(2)
    upgrade(get_settings().database_url)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
    )
    with (
        Progress(*columns, console=console, transient=False) as progress,
        command_session() as session,
    ):
        task = progress.add_task("生成演示数据", total=len(STEPS))

        def on_step(label: str) -> None:
            progress.update(task, description=f"生成：{label}", advance=1)

        ctx = build_demo(session, seed=seed, scale=scale, on_step=on_step, now=moment)
    _print_logins(ctx, serve)
    if serve:
        run_server("127.0.0.1", port)

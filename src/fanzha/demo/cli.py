"""``fanzha demo``: build the demo city into the configured database."""

from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import inspect

from fanzha.core.clitools import command_session, console, err_console
from fanzha.core.config import get_settings
from fanzha.core.db import get_engine
from fanzha.core.demo_context import DEMO_PASSWORD
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


def demo(
    seed: Annotated[int, typer.Option(help="随机种子：同一种子生成同样的城市")] = 2026,
    scale: Annotated[int, typer.Option(min=1, max=19, help="规模倍数（用于压测）")] = 1,
    reset: Annotated[bool, typer.Option(help="先清空数据库再生成")] = False,
    serve: Annotated[bool, typer.Option(help="生成后启动服务")] = False,
    port: Annotated[int, typer.Option(help="服务端口")] = 8000,
) -> None:
    """生成演示城市（辖区、单位、用户、密钥及各模块的演示数据）。"""
    if reset:
        _reset()
    elif _has_data():
        err_console.print("[bold red]错误：[/]数据库中已有数据。如需重建演示数据，请加 --reset。")
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

        ctx = build_demo(session, seed=seed, scale=scale, on_step=on_step)
    for line in ctx.summary:
        console.print(f"  • {line}")
    console.print(f"\n演示账号（密码均为 [bold]{DEMO_PASSWORD}[/]）：" + "、".join(ctx.users))
    for name, token in ctx.api_keys.items():
        console.print(f"  API 密钥 {name}: {token}")
    if serve:
        console.print(f"\n登录：用户名 [bold]commander[/]，密码 [bold]{DEMO_PASSWORD}[/]")
        run_server("127.0.0.1", port)

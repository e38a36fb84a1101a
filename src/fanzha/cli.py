"""The ``fanzha`` command. Capabilities contribute their own sub-commands.

Sub-commands are listed from the registry (``CliEntry.help``) and imported only when one is
run, so ``fanzha --help`` does not load the detector, the web app or the database. Errors
reach the user as one Chinese line: usage errors, domain errors, a missing or unmigrated
database, and anything unexpected (never a traceback).
"""

import os
import sys
from typing import Annotated, Any

import typer
import typer.core
from typer._click import Command, Context, HelpFormatter
from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError
from typer.core import TyperGroup

from fanzha.capabilities import CAPABILITIES
from fanzha.core import clitext
from fanzha.core.registry import CliEntry, load

# Plain click help: rich truncates wide (Chinese) help text to the terminal, and costs start-up time.
typer.core.HAS_RICH = False
clitext.install()

# The CLI's own heavy sub-command (the demo builds every capability's data), loaded like the rest.
OWN = (
    CliEntry("demo", "fanzha.demo.cli:demo", "生成演示城市（辖区、单位、用户、密钥及各模块的演示数据）。"),
)
LAZY = {entry.name: entry for entry in (*OWN, *(e for c in CAPABILITIES for e in c.cli))}


def _command(entry: CliEntry) -> Command:
    target = load(entry.target)
    if isinstance(target, typer.Typer):
        return typer.main.get_group(target)
    single = typer.Typer()
    single.command(entry.name)(target)
    return typer.main.get_command(single)


class LazyGroup(TyperGroup):
    """Registry sub-commands: listed with the registry's help text, imported when first used."""

    def list_commands(self, ctx: Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY})

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        if cmd_name in LAZY and cmd_name not in self.commands:
            self.add_command(_command(LAZY[cmd_name]), cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: Context, formatter: HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            loaded = self.commands.get(name)
            rows.append((name, loaded.get_short_help_str(200) if loaded else LAZY[name].help))
        with formatter.section(clitext.translate("Commands")):
            formatter.write_dl(rows)


app = typer.Typer(
    cls=LazyGroup,
    help="fanzha 反诈平台：预警、劝阻、止付冻结、案件、通报。",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    add_completion=False,
    context_settings={"max_content_width": 120},
)
db_app = typer.Typer(help="数据库迁移", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(db_app, name="db")


def use_database(url: str | None) -> None:
    """Point every later engine at ``url`` (settings and engines are cached per process)."""
    from fanzha.core import db
    from fanzha.core.config import get_settings

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
    if database:
        use_database(database)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """把数据库迁移到最新版本（SQLite 与 PostgreSQL 均可；SQLite 文件不存在时新建）。"""
    from fanzha.core.clitools import console
    from fanzha.core.config import get_settings
    from fanzha.core.db import display_url
    from fanzha.migrations.runner import upgrade

    url = get_settings().database_url
    upgrade(url)
    console.print(f"[green]数据库已迁移到最新版本[/]：{display_url(url)}")


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="工作进程数（PostgreSQL 上建议每个 CPU 核一个）")
    ] = 1,
    jobs: Annotated[
        bool,
        typer.Option("--jobs/--no-jobs", help="在服务进程内运行定时任务（另起 fanzha jobs 时关闭）"),
    ] = True,
) -> None:
    """启动 Web 控制台与 API 服务。"""
    from fanzha.core.clitools import DatabaseUnreachable, err_console, require_database
    from fanzha.server import run_server

    try:
        require_database()
    except DatabaseUnreachable as err:
        # A database that is down (not missing, not unmigrated) may come back: the server starts
        # and answers 503 until it does, so a restart order of services does not matter.
        err_console.print(f"警告：{err.message}；服务照常启动，数据库恢复前各请求返回 503")
    run_server(host, port, workers, jobs)


@app.command("tick")
def tick() -> None:
    """立即执行一次所有定时任务（超期升级、到期提醒、定时通报）。"""
    from fanzha.app import scheduled_jobs
    from fanzha.core.clitools import console, require_database
    from fanzha.core.scheduler import run_job

    require_database()
    for job in scheduled_jobs():
        ok = run_job(job)
        console.print(f"{'[green]完成[/]' if ok else '[red]失败（详见日志）[/]'} {job.name}")


@app.command("jobs")
def jobs(
    nice: Annotated[
        int, typer.Option(min=0, max=19, help="降低本进程的 CPU 优先级（0–19）：繁忙时先处理服务进程的请求")
    ] = 10,
) -> None:
    """在本进程持续运行定时任务（超期升级、到期提醒、定时通报、串并案索引），直到 Ctrl-C 或 SIGTERM。

    配合 fanzha serve --no-jobs 使用：繁忙时服务进程的请求先用 CPU，积压的任务空闲时补上。"""
    from fanzha.app import scheduled_jobs
    from fanzha.core.clitools import console, require_database
    from fanzha.core.scheduler import run_until_signalled

    require_database()
    planned = scheduled_jobs()
    console.print(f"定时任务进程已启动：{len(planned)} 项任务，优先级降低 {nice}；Ctrl-C 或 SIGTERM 停止")
    run_until_signalled(planned, nice)
    console.print("定时任务进程已停止")


def _usage_error(err: UsageError) -> int:
    """Typer's usage errors in one Chinese line, with where to read the help."""
    if isinstance(err, NoArgsIsHelpError) and err.ctx is not None:
        print(err.ctx.get_help())
        return 2
    where = err.ctx.command_path if err.ctx is not None else "fanzha"
    print(f"错误：{clitext.translate_error(err.format_message())}（用法见 {where} --help）", file=sys.stderr)
    return 2


def run(args: list[str] | None = None) -> int:
    """Run the command line; returns the exit status. Nothing but one Chinese line on an error."""
    try:
        result: Any = app(args=args, prog_name="fanzha", standalone_mode=False)
    except UsageError as err:
        return _usage_error(err)
    except ClickException as err:
        print(f"错误：{clitext.translate_error(err.format_message())}", file=sys.stderr)
        return err.exit_code
    except (typer.Abort, KeyboardInterrupt):
        print("已取消。", file=sys.stderr)
        return 130
    except Exception as err:
        from fanzha.core.clitools import explain  # SQLAlchemy and FastAPI: only once something failed

        message, status = explain(err)
        print(f"错误：{message}", file=sys.stderr)
        return status
    return result if isinstance(result, int) else 0


def main() -> None:
    sys.exit(run())

"""``fanzha warnings …``: import files of warnings, run the scheduler pass, export feedback, set norms."""

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from fanzha.core.clitools import command_session, console, fail
from fanzha.core.errors import FanzhaError, ValidationFailed
from fanzha.core.principal import system_principal
from fanzha.core.tabular import Column, read_rows
from fanzha.core.timeutil import utcnow
from fanzha.jurisdiction.service import require_node
from fanzha.warnings import feedback as fb
from fanzha.warnings.deadlines import Norm, set_norm
from fanzha.warnings.intake import intake
from fanzha.warnings.models import Level, Source
from fanzha.warnings.schemas import WarningIn
from fanzha.warnings.tick import tick as tick_pass

app = typer.Typer(help="预警指令：导入、定时升级、反馈导出、处置时限")
CLI = system_principal(name="cli")
CSV_COLUMNS = [Column(name, name, required=f.is_required()) for name, f in WarningIn.model_fields.items()]


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.replace("；", ";").split(";") if v.strip()]


def csv_row(row: dict[str, str]) -> dict[str, Any]:
    """A CSV row (blank cells left out) as an intake item: tags "a;b", evidence "phone:138…;url:http://…"."""
    item: dict[str, Any] = dict(row)
    if "tags" in item:
        item["tags"] = _split(item["tags"])
    if "amount_at_risk" in item:  # "12,000.50" as people write it
        item["amount_at_risk"] = item["amount_at_risk"].replace(",", "").replace("，", "").strip()
    if "evidence" in item:
        item["evidence"] = [
            dict(zip(("kind", "value"), e.split(":", 1), strict=False)) for e in _split(item["evidence"])
        ]
    return item


def read_items(path: Path) -> list[dict[str, Any]]:
    """A CSV file (core.tabular: a header of WarningIn's field names) or JSON lines as intake items."""
    if path.suffix.lower() == ".csv":
        return [csv_row(r.values) for r in read_rows(path.read_bytes(), path.name, CSV_COLUMNS)]
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValidationFailed.on(
                    f"第 {n} 行", f"不是合法的 JSON（第 {exc.colno} 个字符附近），每行应是一个 JSON 对象"
                ) from exc
    return items


@app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV 或 JSONL 文件")],
    batch: Annotated[int, typer.Option(min=1, max=10_000, help="每批条数（每批一个事务）")] = 2000,
) -> None:
    """导入预警文件；重复导入同一文件不会产生重复预警。"""
    try:
        items = read_items(file)
    except FanzhaError as err:
        raise fail(err) from err
    totals = {"created": 0, "existing": 0, "rejected": 0}
    errors: list[str] = []
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task(file.name, total=len(items))
        for start in range(0, len(items), batch):
            with command_session() as session:
                result = intake(session, items[start : start + batch], CLI)
            for r in result.items:
                totals[r.status] += 1
                errors += [f"第 {start + r.index + 1} 条 {e['field']}：{e['message']}" for e in r.errors]
            progress.update(task, advance=len(result.items))
    console.print(
        f"新增 {totals['created']} 条，已存在 {totals['existing']} 条，拒收 {totals['rejected']} 条"
    )
    for line in errors[:30]:
        console.print(f"  • [yellow]{line}[/]")
    if totals["rejected"]:
        raise typer.Exit(1)


@app.command("tick")
def tick() -> None:
    """执行一次超时标记与升级（服务器内也会定时执行）。"""
    with command_session() as session:
        report = tick_pass(session, utcnow(), limit=None)
    console.print(f"超时环节：{report.overdue}；升级 {report.escalated} 条")


@app.command("feedback")
def feedback(
    source: Annotated[Source, typer.Option(help="预警来源")],
    output: Annotated[Path, typer.Option("-o", "--output", help="输出文件（.jsonl 或 .csv）")],
    since: Annotated[int, typer.Option(help="游标：只导出序号大于它的结果")] = 0,
) -> None:
    """导出某来源的处置结果反馈；最后一行的 seq 即下次的游标。"""
    fmt = "csv" if output.suffix.lower() == ".csv" else "jsonl"
    with command_session() as session:
        items, cursor = [], since
        while True:
            page = fb.feedback(session, CLI, cursor, 5000, source.value)
            if not page.items:
                break
            items += page.items
            cursor = page.next_cursor
    output.write_text(fb.render(items, fmt), encoding="utf-8")
    console.print(f"已导出 {len(items)} 条结果到 {output}；下次游标 {cursor}")


@app.command("norm")
def norm(
    node_code: Annotated[str, typer.Option("--node", help="辖区节点编码")],
    level: Annotated[Level, typer.Option(help="预警等级")],
    contact: Annotated[int, typer.Option(min=1, help="首次联系时限（分钟）")],
    close: Annotated[int, typer.Option(min=1, help="办结时限（分钟）")],
    visit: Annotated[int | None, typer.Option(min=1, help="上门见面时限（分钟）")] = None,
    auto_assign: Annotated[bool, typer.Option(help="新预警自动分派给本单位值班人员")] = False,
) -> None:
    """设置某辖区某等级的处置时限（下级未设置时沿用最近上级）。"""
    with command_session() as session:
        node = require_node(session, node_code, "node")
        set_norm(
            session, node.id, node.path, level.value, Norm(contact, visit, close, auto_assign), CLI.actor
        )
    console.print(f"已设置 {node.name} {level.label}预警时限")

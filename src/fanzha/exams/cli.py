"""``fanzha exams …``: import and export the question bank, export an exam's results."""

from pathlib import Path
from typing import Annotated, Literal

import typer

from fanzha.core.clitools import command_session, console
from fanzha.core.principal import system_principal
from fanzha.exams import bank, results, service
from fanzha.exams.starter import STARTER_BANK

app = typer.Typer(help="反诈考试：题库导入导出、考试结果导出")


@app.command("import")
def import_bank(
    file: Annotated[Path, typer.Argument(help="CSV 或 XLSX；省略则导入随包提供的入门题库")] = STARTER_BANK,
) -> None:
    """导入题库（任一行有错则整批不导入；编号已存在的题目生成新版本）。"""
    with command_session() as session:
        counts = bank.import_file(session, file.read_bytes(), file.name, system_principal(name="cli"))
    console.print(f"[green]已导入[/] 新增 {counts['created']} 题，修改 {counts['edited']} 题")


@app.command("export")
def export_bank(
    out: Annotated[Path, typer.Argument(help="输出文件（.csv 或 .xlsx）")],
) -> None:
    """导出题库（当前版本），格式与导入相同。"""
    fmt: Literal["csv", "xlsx"] = "xlsx" if out.suffix.lower() == ".xlsx" else "csv"
    with command_session() as session:
        out.write_bytes(bank.export_file(session, fmt))
    console.print(f"[green]已导出[/] {out}")


@app.command("results")
def export_results(
    exam_id: Annotated[int, typer.Argument(help="考试编号")],
    out: Annotated[Path, typer.Argument(help="输出文件（.csv 或 .xlsx）")],
) -> None:
    """导出一场考试的结果（参考率、合格率、平均分；XLSX 另含易错题和诈骗类型）。"""
    fmt = "xlsx" if out.suffix.lower() == ".xlsx" else "csv"
    with command_session() as session:
        exam = service.get_exam(session, exam_id, system_principal(name="cli"))
        r = results.exam_results(session, exam, None, results.node_names(session, exam.node_path))
        out.write_bytes(results.export_file(session, r, fmt))
        console.print(f"[green]已导出[/] {out}：参考 {r.total.participants:,} 人，合格 {r.total.passed:,} 人")

"""``fanzha screen`` and ``fanzha detect train|eval|compare|appeals-export`` (``fanzha check`` is in
``checkcli``, which imports no database code)."""

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Column, Table

from fanzha.core.clitools import command_session, console, err_console, fail
from fanzha.core.errors import ValidationFailed
from fanzha.detect import appeals, verdictfile
from fanzha.detect.checkcli import ModelOpt, detector_for
from fanzha.detect.corpus import Example, load
from fanzha.detect.detector import Detector
from fanzha.detect.screening import screen as run_screen
from fanzha.detect.training import Report, compare_verdicts, evaluate, evaluate_by_register, fit, fit_crossed

app = typer.Typer(help="诈骗识别模型：训练与评估")

LabelledOpt = Annotated[Path, typer.Option("--data", help="带标签的 CSV/JSONL，或含这些文件的目录")]
InferOpt = Annotated[
    bool, typer.Option("--infer-register", help="不使用数据标注的文体，由模型推断（调用方不知道文体时）")
]


def _labelled(data: Path) -> list[Example]:
    try:
        examples = load(data)
    except ValidationFailed as err:
        raise fail(err) from err
    if not examples:
        raise fail(
            ValidationFailed.on("data", f"{data} 里没有带标签的样本（CSV/JSONL：text,label[,fraud_type]）")
        )
    return examples


def screen(
    input: Annotated[Path, typer.Argument(help="CSV（含 text 列）或 JSONL（含 text 字段，可选 id）")],
    output: Annotated[Path, typer.Option("-o", "--output", help="输出 JSONL 文件")],
    workers: Annotated[int, typer.Option(help="进程数（默认为 CPU 核数）")] = 0,
    model: ModelOpt = None,
    engine: Annotated[str, typer.Option(help="local（本机多进程）或 spark（输出为目录）")] = "local",
    spark_master: Annotated[str, typer.Option(help="Spark master，如 local[4]、yarn")] = "local[2]",
) -> None:
    """批量筛查：逐行输出判定结果（保持输入顺序），坏行报告后继续。"""
    if not input.is_file():
        err_console.print(f"[bold red]错误：[/]输入文件不存在：{input}")
        raise typer.Exit(2)
    if engine == "spark":
        from fanzha.detect.spark import screen_on_spark

        rows = screen_on_spark(str(input), str(output), spark_master)
        err_console.print(f"完成：{rows:,} 条 → {output}/part-*")
        return
    detector_for(model)
    n = workers or os.cpu_count() or 1
    columns = (TextColumn("筛查"), BarColumn(), TextColumn("{task.completed:,} 条"), TimeElapsedColumn())
    show = sys.stderr.isatty()
    with (
        output.open("w", encoding="utf-8") as sink,
        Progress(*columns, console=err_console, disable=not show) as progress,
    ):
        task = progress.add_task("screen", total=None)
        try:
            stats = run_screen(input, sink, n, model, lambda k: progress.advance(task, k))
        except ValueError as exc:
            raise fail(ValidationFailed.on("input", str(exc))) from exc
    err_console.print(
        f"完成：{stats.rows:,} 条，疑似诈骗 {stats.fraud:,} 条，无法读取 {stats.errors:,} 条 → {output}"
    )


@app.command("train")
def train_cmd(
    data: Annotated[
        list[Path], typer.Option("--data", help="带标签的 CSV/JSONL（text,label[,fraud_type]），可多次给出")
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help="模型输出文件 (.npz)")] = Path(
        "fanzha-model.npz"
    ),
    calibration: Annotated[
        list[Path] | None,
        typer.Option(
            "--calibration",
            help="另一批带标签的样本（最好是本单位真实来信），用来定判定阈值；"
            "不加 --train-on-calibration 时不参与训练；可多次给出",
        ),
    ] = None,
    train_on_calibration: Annotated[
        bool,
        typer.Option(
            "--train-on-calibration",
            help="校准数据也参与训练：每份 --calibration 轮流留出，用没见过它的模型的打分定阈值"
            "（至少两份，每份最好来自不同的来源或写作者；训练次数为份数加一，份数多于 --folds 时合并留出）",
        ),
    ] = False,
    folds: Annotated[
        int | None,
        typer.Option(
            "--folds",
            help="--train-on-calibration 时最多轮流留出几次：校准数据多于这么多份时，"
            "几份合成一次留出（训练更快）",
        ),
    ] = None,
) -> None:
    """用本单位自己的标注数据训练模型。"""
    try:
        examples = [e for path in data for e in load(path)]
        groups = [load(path) for path in calibration or []]
        if groups and all(e.is_fraud for group in groups for e in group):
            raise ValidationFailed.on("calibration", "校准数据必须包含正常样本（阈值按正常样本的误报率来定）")
        about = f"trained on {', '.join(p.name for p in data)} ({len(examples)} texts)"
        if folds is not None and folds < 2:
            raise ValidationFailed.on(
                "folds", "--folds 至少为 2：每次留出一部分校准数据，用其余数据训练的模型给它打分定阈值"
            )
        if train_on_calibration:
            if len(groups) < 2:
                raise ValidationFailed.on(
                    "calibration", "--train-on-calibration 需要至少两份 --calibration 数据（轮流留出定阈值）"
                )
            columns = (TextColumn("训练"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
            with Progress(*columns, console=err_console, disable=not sys.stderr.isatty()) as progress:
                task = progress.add_task("fit", total=None)
                model = fit_crossed(
                    examples,
                    about,
                    groups,
                    on_fit=lambda done, total: progress.update(task, completed=done, total=total),
                    folds=folds,
                )
        else:
            model = fit(examples, about, calibration=[e for group in groups for e in group])
    except ValidationFailed as err:
        raise fail(err) from err
    except ValueError as exc:
        raise fail(ValidationFailed.on("data", "训练数据必须同时包含诈骗和正常样本")) from exc
    model.save(output)
    console.print(f"[green]已训练[/]：{len(examples)} 条样本 → {output}（用 --model {output} 使用）")


@app.command("appeals-export")
def appeals_export(
    output: Annotated[Path, typer.Option("-o", "--output", help="输出 JSONL（text,label[,fraud_type]）")],
) -> None:
    """导出已复核、经群众同意提交内容的申诉，作为 `fanzha detect train --data` 的标注样本。"""
    with command_session() as session:
        rows = appeals.training_rows(session)
    output.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    console.print(f"[green]已导出[/]：{len(rows)} 条复核样本 → {output}")


@app.command("eval")
def eval_cmd(
    data: LabelledOpt,
    model: ModelOpt = None,
    infer_register: InferOpt = False,
    save_verdicts: Annotated[
        Path | None,
        typer.Option(
            "--save-verdicts",
            help="把每条的判定（不含文本）存为 .json，供 detect compare 与另一份代码下的模型比较",
        ),
    ] = None,
) -> None:
    """评估模型：二分类指标、各文体与各类型指标、混淆表（只输出汇总数字，不输出单条结果）。"""
    if save_verdicts is not None and save_verdicts.suffix != verdictfile.SUFFIX:
        raise fail(ValidationFailed.on("--save-verdicts", "判定文件名须以 .json 结尾"))
    examples = _labelled(data)
    detector = detector_for(model)
    r = evaluate(detector, examples, infer_registers=infer_register)
    if save_verdicts is not None:
        try:
            verdictfile.save(save_verdicts, examples, r.flagged, infer_register)
        except ValidationFailed as err:
            raise fail(err) from err
    console.print(
        f"样本 {len(examples)} 条：precision {r.precision:.3f}  recall {r.recall:.3f}  "
        f"FPR {r.fpr:.3f}  F1 {r.f1:.3f}  (TP {r.tp} FP {r.fp} TN {r.tn} FN {r.fn})"
    )
    recall_bounds = _interval(r.recall_interval) if r.tp + r.fn else "—"
    fpr_bounds = _interval(r.fpr_interval) if r.fp + r.tn else "—"
    console.print(f"95% 区间（Wilson）：recall {recall_bounds}  FPR {fpr_bounds}")
    if any(e.register for e in examples):
        registers = Table(
            "文体",
            "诈骗",
            "正常",
            Column("recall", no_wrap=True),
            Column("FPR", no_wrap=True),
            "类型 macro-F1",
            "判定所用文体",
            title=f"各文体（文体：{_register_source(infer_register)}）",
            caption="recall、FPR 下一行为 95% Wilson 区间："
            "每类只有一两百条时，相差一两个点的两个数字分不出高下",
        )
        for name, rr in evaluate_by_register(detector, examples, infer_register).items():
            registers.add_row(
                name,
                str(rr.tp + rr.fn),
                str(rr.fp + rr.tn),
                f"{rr.recall:.3f}\n{_interval(rr.recall_interval)}" if rr.tp + rr.fn else "—",
                f"{rr.fpr:.3f}\n{_interval(rr.fpr_interval)}" if rr.fp + rr.tn else "—",
                f"{rr.macro_f1():.3f}" if rr.per_type() else "—",
                _registers_used(rr, detector, infer_register),
            )
        console.print(registers)
    per_type = r.per_type()
    if not per_type:
        return
    table = Table(
        "类型", "precision", "recall", "F1", "样本数", title=f"各类型（macro-F1 {r.macro_f1():.3f}）"
    )
    for code, (p, rec, f1, support) in per_type.items():
        table.add_row(code, f"{p:.3f}", f"{rec:.3f}", f"{f1:.3f}", str(support))
    console.print(table)
    # Columns are numbered like the rows, so the table fits a terminal with twelve types.
    codes = sorted(
        {t for t, _ in r.confusion} | {p for _, p in r.confusion}, key=lambda c: (c == "(normal)", c)
    )
    number = {code: str(i) for i, code in enumerate(codes, 1)}
    missed = f"；{number['(normal)']} = 判为非诈骗" if "(normal)" in number else ""
    confusion = Table("真实 \\ 预测", *[number[c] for c in codes], title=f"混淆表（列号同行号{missed}）")
    for t in codes:
        if any(r.confusion[(t, p)] for p in codes):
            confusion.add_row(f"{number[t]} {t}", *[str(r.confusion[(t, p)] or "") for p in codes])
    console.print(confusion)


CompareOpt = "模型文件 (.npz)，或 detect eval --save-verdicts 保存的判定 (.json)"


@app.command("compare")
def compare_cmd(
    data: LabelledOpt,
    against: Annotated[Path, typer.Option("--against", help=f"要与 --model 比较的另一方：{CompareOpt}")],
    model: Annotated[Path | None, typer.Option("--model", help=f"{CompareOpt}（默认使用内置模型）")] = None,
    infer_register: InferOpt = False,
) -> None:
    """比较两个模型：各文体中只有一方判对的样本数，及其精确 McNemar 检验（只输出汇总数字）。

    改了特征的代码时，各自在自己的代码下运行 detect eval --save-verdicts，再比较两个 .json。"""
    examples = _labelled(data)
    first = _verdicts(model, examples, infer_register, "--model")
    second = _verdicts(against, examples, infer_register, "--against")
    table = Table(
        "文体",
        "诈骗",
        "仅甲识别",
        "仅乙识别",
        "p",
        "正常",
        "仅甲误报",
        "仅乙误报",
        "p",
        title=f"两模型的分歧（甲 = {model or '内置模型'}，乙 = {against}；"
        f"文体：{_register_source(infer_register)}）",
        caption="p 为精确 McNemar 检验，只看两模型判得不同的样本：p ≥ 0.05 时，这份数据分不出哪个模型更好",
    )
    for name, c in compare_verdicts(examples, first, second).items():
        table.add_row(
            name,
            str(c.fraud),
            str(c.caught_only_by_first),
            str(c.caught_only_by_second),
            _p(c.recall_p),
            str(c.genuine),
            str(c.flagged_only_by_first),
            str(c.flagged_only_by_second),
            _p(c.fpr_p),
        )
    console.print(table)


def _verdicts(path: Path | None, examples: list[Example], infer: bool, field: str) -> list[bool]:
    """A model's verdicts on the examples: made now, or read from a file saved by eval."""
    if path is None or path.suffix != verdictfile.SUFFIX:
        return evaluate(detector_for(path), examples, infer_registers=infer).flagged
    if not path.is_file():
        raise fail(ValidationFailed.on(field, f"判定文件不存在：{path}"))
    try:
        return verdictfile.load(path, examples, infer, field)
    except ValidationFailed as err:
        raise fail(err) from err


def _register_source(infer: bool) -> str:
    return "模型推断" if infer else "数据标注"


def _interval(bounds: tuple[float, float]) -> str:
    return f"{bounds[0]:.3f}–{bounds[1]:.3f}"


def _p(value: float) -> str:
    """Three decimals, so that 0.049 is not printed as the 0.05 the caption draws its line at."""
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def _registers_used(report: Report, detector: Detector, infer: bool) -> str:
    """ "sms 118, chat 2 (阈值 -0.41 / 1.55)": the registers the texts were judged in, and each one's
    decision threshold (a logit; the global one for a register with too little validation data)."""
    used = report.registers.most_common()
    names = ", ".join(f"{r or '未知'} {n}" for r, n in used)
    cuts = " / ".join(f"{detector.model.threshold(r, infer):.2f}" for r, _ in used)
    return f"{names}（阈值 {cuts}）"

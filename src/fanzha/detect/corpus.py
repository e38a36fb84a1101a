"""Labelled examples from files: the project's corpus, a centre's own data, public sets."""

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from fanzha.core.errors import FieldError, ValidationFailed
from fanzha.core.vocab import FraudType
from fanzha.detect.registers import REGISTERS, parse_register

_FRAUD_WORDS = {"fraud", "1", "true", "yes", "诈骗", "是"}
_NORMAL_WORDS = {"normal", "0", "false", "no", "正常", "否"}


@dataclass(frozen=True)
class Example:
    text: str
    is_fraud: bool
    fraud_type: FraudType | None
    source: str
    register: str | None = None


def _example(row: dict[str, object], where: str, source: str) -> Example:
    text = str(row.get("text") or row.get("content") or "").strip()
    if not text:
        raise ValidationFailed.on(f"{where}.text", "缺少文本")
    label = str(row.get("label", "")).strip().lower()
    if label not in _FRAUD_WORDS | _NORMAL_WORDS:
        raise ValidationFailed.on(f"{where}.label", "必须是 fraud/normal（或 1/0）")
    code = row.get("fraud_type") or None
    try:
        fraud_type = FraudType(str(code)) if code else None
    except ValueError as exc:
        raise ValidationFailed.on(f"{where}.fraud_type", f"未知的诈骗类型代码 {code}") from exc
    try:
        register = parse_register(row.get("kind") or row.get("register"))
    except ValueError as exc:
        raise ValidationFailed.on(f"{where}.kind", str(exc)) from exc
    return Example(text, label in _FRAUD_WORDS, fraud_type, source, register)


def _rows(path: Path) -> Iterator[tuple[str, dict[str, object]]]:
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as f:
            for n, row in enumerate(csv.DictReader(f), start=2):
                yield f"第{n}行", dict(row)
        return
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            if line.strip():
                try:
                    yield f"第{n}行", json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValidationFailed(
                        f"{path.name} 第{n}行不是有效的 JSON",
                        [FieldError(f"第{n}行", f"第 {exc.colno} 个字符附近有误")],
                    ) from exc


def load(path: Path) -> list[Example]:
    """CSV (columns text,label[,fraud_type][,kind]) or JSONL with the same fields; a folder
    reads every .jsonl and .csv file in it."""
    if path.is_dir():
        return [e for p in sorted([*path.glob("*.jsonl"), *path.glob("*.csv")]) for e in load(p)]
    examples = [_example(row, where, path.stem) for where, row in _rows(path)]
    if path.stem in REGISTERS:  # a file named after its register ("sms.jsonl") needs no kind per row
        examples = [e if e.register else replace(e, register=path.stem) for e in examples]
    return examples


def project_corpus(root: Path) -> list[Example]:
    """The project's own written corpus (``corpus/*.jsonl``; the ``heldout`` folder is never used)."""
    examples: list[Example] = []
    for path in sorted(root.glob("*.jsonl")):
        examples += load(path)
    return examples

"""Clues from other inputs: a CSV/XLSX file (upstream lists, idempotent on each row's 来源编号),
and a case's suspect identifiers. Both go through ``workflow.intake``:
a resend answers the clues already made, and a bad row refuses the whole file."""

from typing import Any

from pydantic import field_validator
from sqlalchemy.orm import Session

from fanzha.cases import service as cases
from fanzha.clues import workflow
from fanzha.clues.models import ClueLevel, ClueSource
from fanzha.clues.normalise import LINKING, Kind, kind_of, normalise
from fanzha.clues.schemas import ClueIn, IntakeReport, UpstreamClueIn
from fanzha.core.principal import Principal
from fanzha.core.tabular import Column, parse_rows, read_rows

MAX_ROWS = 5000
COLUMNS = [
    Column("source_id", "来源编号", required=True, aliases=("编号",)),
    Column("kind", "类型", required=True, aliases=("线索类型",)),
    Column("value", "线索内容", required=True, aliases=("内容", "号码/账号")),
    Column("level", "级别"),
    Column("summary", "摘要", aliases=("说明",)),
    Column("node_code", "辖区编码", aliases=("核查辖区",)),
]


def _code(value: Any, labels: dict[str, str]) -> Any:
    """A vocabulary cell as its code: the code itself or the label people write (电话号码, 一级)."""
    if not isinstance(value, str):
        return value
    by_label = {label: code for code, label in labels.items()}
    return by_label.get(value.strip(), value.strip().lower())


class ClueRow(UpstreamClueIn):
    """One row of a clue file: its own id makes a re-import harmless; kind and level as their
    codes or labels."""

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: Any) -> Any:
        return _code(value, Kind.labels())

    @field_validator("level", mode="before")
    @classmethod
    def _level(cls, value: Any) -> Any:
        return _code(value, ClueLevel.labels())


def import_file(session: Session, data: bytes, file_name: str, principal: Principal) -> IntakeReport:
    """Create the file's clues (source 文件导入); rows imported before answer their existing id."""
    rows = parse_rows(read_rows(data, file_name, COLUMNS, MAX_ROWS), ClueRow, COLUMNS)
    labels = {c.field: c.label for c in COLUMNS}
    return workflow.intake(session, rows, principal, ClueSource.IMPORT, labels)


def from_case(session: Session, case_id: int, level: ClueLevel, principal: Principal) -> IntakeReport:
    """One clue per suspect identifier of a linking kind the case names (phones, accounts, URLs,
    apps, WeChat/QQ ids, devices), worked at the case's node; pressing again makes none twice."""
    case = cases.get_case(session, case_id, principal)
    (indexed,) = cases.cases_for_index(session, ids=[case.id])
    items: list[tuple[int, ClueIn]] = []
    seen: set[tuple[str, str]] = set()
    for ident in indexed.identifiers:
        kind = kind_of(ident.kind)
        norm = normalise(kind, ident.value) if kind in LINKING and kind is not None else ""
        if kind is None or not norm or (kind.value, norm) in seen:
            continue
        seen.add((kind.value, norm))
        source_id = f"{case.case_no}/{kind.value}/{norm}"[:100]
        summary = f"案件 {case.case_no} 的嫌疑{kind.label}"
        clue = ClueIn(kind=kind, value=ident.value, level=level, summary=summary, case_id=case.id)
        items.append((len(items) + 1, clue.model_copy(update={"source_id": source_id})))
    return workflow.intake(session, items, principal, ClueSource.CASE)

"""The question bank: import all-or-nothing with row-level Chinese errors, export round trip, versions."""

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.core.errors import ValidationFailed
from fanzha.exams import bank
from fanzha.exams.files import write_csv
from fanzha.exams.models import Question, QuestionVersion
from tests.exams.factories import question
from tests.factories import World

HEADER = bank.FILE_COLUMNS


def _row(**values: str) -> list[str]:
    base = {
        "code": "",
        "kind": "单选题",
        "fraud_type": "刷单返利",
        "target_group": "学生",
        "difficulty": "易",
        "status": "approved",
        "stem": "题干",
        "option_a": "甲",
        "option_b": "乙",
        "option_c": "",
        "option_d": "",
        "option_e": "",
        "option_f": "",
        "answer": "A",
        "explanation": "解析",
    }
    base.update(values)
    return [base[c] for c in HEADER]


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Question)) or 0


def test_csv_import_accepts_labels_and_round_trips(session: Session, world: World) -> None:
    actor = world.principals["prevention"]
    content = write_csv(
        HEADER,
        [
            _row(code="R1"),
            _row(code="R2", kind="multiple", option_c="丙", answer="A,C"),
            _row(code="R3", kind="判断题", option_a="", option_b="", answer="B"),
        ],
    )
    assert bank.import_file(session, content, "bank.csv", actor) == {"created": 3, "edited": 0}
    exported = bank.export_file(session, "csv")
    session.rollback()  # nothing of the first import remains; the export alone rebuilds the bank
    assert _count(session) == 0
    bank.import_file(session, exported, "again.csv", world.principals["prevention"])
    by_code = {q.code: q for q in bank.list_questions(session)}
    assert by_code["R2"].answer == "AC" and by_code["R2"].kind == "multiple"
    assert by_code["R3"].options == ["正确", "错误"] and by_code["R3"].answer == "B"
    assert by_code["R1"].fraud_type == "rebate_task" and by_code["R1"].target_group == "students"


def test_bad_rows_write_nothing_and_name_each_row(session: Session, world: World) -> None:
    rows = [
        _row(code="G1"),
        _row(code="B1", answer="E"),
        _row(code="B2", kind="单选题", answer="AB"),
        _row(code="B3", fraud_type="电信诈骗"),
        _row(code="G1"),
    ]
    with pytest.raises(ValidationFailed) as err:
        bank.import_file(session, write_csv(HEADER, rows), "bank.csv", world.principals["prevention"])
    fields = {f.field.split(".")[0] for f in err.value.fields}
    assert fields == {"第3行", "第4行", "第5行", "第6行"}
    assert "未写入任何题目" in err.value.message and "“E”不是有效选项" in err.value.message
    assert _count(session) == 0


def test_xlsx_import_and_missing_column(session: Session, world: World) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append(_row(code="X1", difficulty="3"))
    out = io.BytesIO()
    book.save(out)
    bank.import_file(session, out.getvalue(), "bank.xlsx", world.principals["prevention"])
    assert bank.list_questions(session)[0].difficulty == 3
    with pytest.raises(ValidationFailed, match="缺少列：answer"):
        bank.import_file(
            session, b"kind,fraud_type,stem,explanation\n", "b.csv", world.principals["prevention"]
        )


def test_edit_adds_a_version_only_when_the_wording_changes(session: Session, world: World) -> None:
    actor = world.principals["prevention"]
    q = bank.create_question(session, question(code="E1"), actor)
    bank.edit_question(session, q.id, question(code="E1", difficulty=3), actor)
    assert q.version == 1 and q.difficulty == 3
    bank.edit_question(session, q.id, question(code="E1", answer="A"), actor)
    versions = session.scalars(select(QuestionVersion).where(QuestionVersion.question_id == q.id)).all()
    assert [(v.version, v.answer) for v in versions] == [(1, [1]), (2, [0])]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"kind": "multiple", "answer": "A"}, "多选题至少要有两个正确答案"),
        ({"kind": "true_false", "options": ["对", "错"]}, "判断题的选项固定"),
        ({"options": ["只有一个"]}, "选项须有 2—6 个"),
    ],
)
def test_inconsistent_questions_are_refused(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        question(**overrides)

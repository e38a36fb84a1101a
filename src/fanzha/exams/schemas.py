"""Pydantic edges of the exam capability: questions (API bodies and file rows), exams, candidates."""

from datetime import datetime
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from fanzha.core.inputs import Input
from fanzha.core.vocab import FraudType
from fanzha.exams.models import Audience, QuestionKind, QuestionStatus, TargetGroup

LETTERS = "ABCDEF"
TRUE_FALSE_OPTIONS = ["正确", "错误"]

# Officers may write the Chinese labels in files; the codes are accepted everywhere too.
LABELS_BY_FIELD: dict[str, dict[str, object]] = {
    "kind": {k.label: k.value for k in QuestionKind},
    "target_group": {g.label: g.value for g in TargetGroup},
    "status": {s.label: s.value for s in QuestionStatus},
    "fraud_type": {f.label: f.value for f in FraudType},
    "difficulty": {"易": 1, "中": 2, "难": 3},
}

Text = Annotated[str, Field(min_length=1, max_length=2000)]


def letters_to_indexes(value: str, n_options: int) -> list[int]:
    """'AC' or 'A,C' → [0, 2]; a letter beyond the options is an error naming it."""
    letters = [c for c in value.upper() if c not in " ,，、"]
    if not letters:
        raise ValueError("answer：答案不能为空，请填写选项字母，如 A 或 AC")
    indexes = []
    for c in letters:
        if c not in LETTERS[:n_options]:
            raise ValueError(f"answer：答案中的“{c}”不是有效选项（本题选项为 A—{LETTERS[n_options - 1]}）")
        indexes.append(LETTERS.index(c))
    return sorted(set(indexes))


def indexes_to_letters(indexes: list[int]) -> str:
    return "".join(LETTERS[i] for i in sorted(indexes))


class QuestionIn(Input):
    """A question as written by an officer or read from a file row; ``answer`` is letters (AC)."""

    model_config = ConfigDict(str_strip_whitespace=True)

    code: Annotated[
        str | None,
        Field(max_length=40, pattern=r"^[A-Za-z0-9_-]+$", description="题目编码（可选，字母、数字、下划线）"),
    ] = None
    kind: QuestionKind = Field(description="题型：single 单选、multiple 多选、true_false 判断、scenario 情景")
    fraud_type: FraudType = Field(description="考查的诈骗类型代码")
    target_group: TargetGroup = Field(default=TargetGroup.GENERAL, description="面向的人群")
    difficulty: Annotated[int, Field(ge=1, le=3, description="难度 1–3")] = 2
    status: QuestionStatus = Field(
        default=QuestionStatus.DRAFT, description="状态：draft 草稿、approved 已审核或 retired 已停用"
    )
    stem: Text = Field(description="题干")
    options: list[Annotated[str, Field(min_length=1, max_length=300)]] = Field(
        default_factory=list, description="选项文字，按 A、B、C… 的顺序"
    )
    answer: Annotated[str, Field(min_length=1, max_length=12, description="正确答案的字母，如 A 或 AC")]
    explanation: Text = Field(description="答案解析")

    @field_validator("kind", "target_group", "status", "fraud_type", "difficulty", mode="before")
    @classmethod
    def _codes(cls, v: object, info: ValidationInfo) -> object:
        """Chinese labels as officers write them in files → the codes."""
        labels = LABELS_BY_FIELD[str(info.field_name)]
        return labels.get(v.strip(), v.strip()) if isinstance(v, str) else v

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.kind == QuestionKind.TRUE_FALSE:
            if self.options and self.options != TRUE_FALSE_OPTIONS:
                raise ValueError("options：判断题的选项固定为“正确、错误”，请留空选项列")
            self.options = list(TRUE_FALSE_OPTIONS)
        if not 2 <= len(self.options) <= len(LETTERS):
            raise ValueError(f"options：选项须有 2—{len(LETTERS)} 个，现有 {len(self.options)} 个")
        chosen = letters_to_indexes(self.answer, len(self.options))
        if self.kind in (QuestionKind.SINGLE, QuestionKind.TRUE_FALSE) and len(chosen) != 1:
            raise ValueError(f"answer：{self.kind.label}只能有一个正确答案，现为 {self.answer}")
        if self.kind == QuestionKind.MULTIPLE and len(chosen) < 2:
            raise ValueError("answer：多选题至少要有两个正确答案；只有一个时请改为单选题")
        self.answer = indexes_to_letters(chosen)
        return self

    @property
    def answer_indexes(self) -> list[int]:
        return letters_to_indexes(self.answer, len(self.options))


class QuestionStatusIn(Input):
    status: QuestionStatus = Field(description="新的状态：draft 草稿、approved 已审核或 retired 已停用")


class QuestionOut(BaseModel):
    id: int
    code: str
    version: int
    kind: str
    kind_label: str
    fraud_type: str
    fraud_type_label: str
    target_group: str
    difficulty: int
    status: str
    status_label: str
    stem: str
    options: list[str]
    answer: str
    explanation: str


class BlueprintItem(Input):
    """How many questions of a kind, fraud type and difficulty (each optional) the draw takes."""

    kind: QuestionKind | None = Field(default=None, description="题型（留空为不限）")
    fraud_type: FraudType | None = Field(default=None, description="诈骗类型代码（留空为不限）")
    difficulty: Annotated[int | None, Field(ge=1, le=3, description="难度 1–3（留空为不限）")] = None
    count: Annotated[int, Field(ge=1, le=100, description="抽取的题数")]


class SchoolIn(Input):
    """A school as free text (name, enrolment, node), or a school of prevention's register by
    ``target_id``: its name, enrolment (the register's people) and grid then come from there."""

    model_config = ConfigDict(str_strip_whitespace=True)

    name: Annotated[str, Field(max_length=100, description="学校名称（用 target_id 时可留空）")] = ""
    enrolment: Annotated[int, Field(ge=0, le=1_000_000, description="在校人数")] = 0
    node_code: Annotated[str | None, Field(max_length=20, description="学校所在辖区节点编码")] = None
    target_id: int | None = Field(default=None, description="宣传对象登记册中的学校编号（可选）")

    @model_validator(mode="after")
    def _named(self) -> Self:
        if not self.name and self.target_id is None:
            raise ValueError("name：请填写学校名称，或选择登记在册的学校")
        return self


class ExamIn(Input):
    model_config = ConfigDict(str_strip_whitespace=True)

    title: Annotated[str, Field(min_length=1, max_length=200, description="考试名称")]
    node_code: Annotated[str, Field(min_length=1, max_length=20, description="组织考试的辖区节点编码")]
    audience: Audience = Field(
        default=Audience.SCHOOLS,
        description="参考对象：schools 指定学校、subtree 辖区（含下级）或 public 面向社会公开",
    )
    schools: list[SchoolIn] = Field(default_factory=list, max_length=2000, description="参加考试的学校")
    target_group: TargetGroup | None = Field(default=None, description="面向的人群（可选）")
    blueprint: Annotated[
        list[BlueprintItem],
        Field(min_length=1, max_length=50, description="组卷规则：每项为一类题及抽取题数"),
    ]
    opens_at: datetime = Field(description="开考时间，须带时区")
    closes_at: datetime = Field(description="截止时间，须带时区")
    time_limit_min: Annotated[int, Field(ge=1, le=600, description="答题时限（分钟）")] = 30
    pass_mark: Annotated[int, Field(ge=0, le=100, description="及格分（0–100）")] = 60
    attempts_allowed: Annotated[int, Field(ge=1, le=10, description="每人可作答次数")] = 1
    identify_by: Literal["student_no", "name"] = Field(
        default="student_no", description="识别考生的方式：student_no 学号或 name 姓名"
    )

    @model_validator(mode="after")
    def _window(self) -> Self:
        if self.closes_at <= self.opens_at:
            raise ValueError("closes_at：结束时间必须晚于开始时间")
        if self.audience == Audience.SCHOOLS and not self.schools:
            raise ValueError("schools：面向学校的考试请至少填写一所学校")
        names = [s.name for s in self.schools]
        if len(set(names)) != len(names):
            raise ValueError("schools：学校名称有重复，请合并")
        return self

    @property
    def question_count(self) -> int:
        return sum(item.count for item in self.blueprint)


class ExamOut(BaseModel):
    id: int
    code: str
    title: str
    node_code: str
    audience: str
    schools: list[SchoolIn]
    question_count: int
    opens_at: datetime
    closes_at: datetime
    time_limit_min: int
    pass_mark: int
    attempts_allowed: int
    closed: bool


class JoinIn(Input):
    """What a candidate types to join; the exam says if the student number or the name identifies them."""

    model_config = ConfigDict(str_strip_whitespace=True)

    code: Annotated[str, Field(min_length=4, max_length=12, description="考试码")]
    school: Annotated[str, Field(min_length=1, max_length=100, description="学校名称")]
    class_name: Annotated[str, Field(min_length=1, max_length=60, description="班级")]
    student_no: Annotated[str | None, Field(max_length=40, description="学号（按学号识别的考试必填）")] = None
    name: Annotated[str | None, Field(max_length=60, description="姓名（按姓名识别的考试必填）")] = None

    @model_validator(mode="after")
    def _who(self) -> Self:
        self.code = self.code.upper()
        self.student_no = self.student_no or None
        self.name = self.name or None
        return self


# Most answers one save may carry: a whole sheet (an exam's blueprint stays well below this).
MAX_BATCH = 200
Choices = Annotated[
    list[Annotated[int, Field(ge=0, le=5)]],
    Field(max_length=6, description="所选选项的序号（0 为 A），多选题可选多个；空列表为清除作答"),
]


class AnswerIn(Input):
    choices: Choices


class AnswersIn(Input):
    """A batch of answers: what the candidate changed since the last save, by question number."""

    answers: Annotated[
        dict[Annotated[int, Field(ge=1, le=500)], Choices],
        Field(
            min_length=1,
            max_length=MAX_BATCH,
            description='题号（从 1 起）→ 所选选项的序号，如 {"3": [0], "5": [1, 2]}',
        ),
    ]


class TallyOut(BaseModel):
    key: str
    label: str
    enrolment: int | None
    participants: int
    passed: int
    submissions: int
    coverage: float | None
    pass_rate: float | None
    average_score: float | None


class WrongOut(BaseModel):
    key: str
    label: str
    fraud_type: str
    answers: int
    wrong: int
    wrong_rate: float


class ResultsOut(BaseModel):
    exam_id: int
    total: TallyOut
    schools: list[TallyOut]
    classes: list[TallyOut]
    nodes: list[TallyOut]
    questions: list[WrongOut]
    fraud_types: list[WrongOut]

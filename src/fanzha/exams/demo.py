"""Demo step: the starter question bank, and an exam for the city's universities with about
20,000 simulated submissions, inserted in bulk (a few statements, no per-candidate round trips).

Each university has its own level and each fraud type its own difficulty for students, so the
results page and the weak topics show something to aim at (刷单 and 虚假征信 are the weak ones).
"""

import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.orm import Session

from fanzha.core.db import Base
from fanzha.core.demo_context import DemoContext
from fanzha.core.principal import system_principal
from fanzha.exams import bank, service, tally
from fanzha.exams.models import Attempt, AttemptItem, Candidate, Exam, QuestionKind, Submission
from fanzha.exams.repository import answer_keys, version_facts
from fanzha.exams.schemas import BlueprintItem, ExamIn, SchoolIn
from fanzha.exams.starter import STARTER_BANK

SUBMISSIONS = 20_000
UNIVERSITIES = [
    ("南湖大学", 9000),
    ("赣江理工大学", 6500),
    ("城东师范学院", 4200),
    ("洪州医学院", 3100),
    ("江城职业技术学院", 2600),
    ("财经学院", 2300),
]
# Extra chance of a wrong answer on these types: students know them least.
HARD_FOR_STUDENTS = {"rebate_task": 0.18, "fake_credit_repair": 0.15, "game_trading": 0.08}
BLUEPRINT = [
    BlueprintItem(kind=QuestionKind.SINGLE, count=4),
    BlueprintItem(kind=QuestionKind.MULTIPLE, count=2),
    BlueprintItem(kind=QuestionKind.TRUE_FALSE, count=2),
    BlueprintItem(kind=QuestionKind.SCENARIO, count=2),
]


def _exam(session: Session, ctx: DemoContext) -> Exam:
    assert ctx.city is not None
    schools = [
        SchoolIn(name=name, enrolment=enrolment, node_code=ctx.grids[i * 97 % len(ctx.grids)].code)
        for i, (name, enrolment) in enumerate(UNIVERSITIES)
    ]
    data = ExamIn(
        title="全市高校大学生反诈知识考试",
        node_code=ctx.city.code,
        schools=schools,
        target_group="students",
        blueprint=BLUEPRINT,
        opens_at=ctx.now - timedelta(days=20),
        closes_at=ctx.now + timedelta(days=10),
        time_limit_min=20,
        pass_mark=80,
    )
    return service.create_exam(session, data, system_principal(name="demo"))


def _answer(rng: random.Random, key: list[int], n_options: int, right: bool) -> list[int]:
    if right:
        return key
    wrong = [o for o in range(n_options) if o not in key]
    return sorted({*key[:-1], rng.choice(wrong)}) if wrong else []


@dataclass
class Sitting:
    candidate: dict[str, Any]
    attempt: dict[str, Any]
    items: list[dict[str, Any]]
    submission: dict[str, Any]


def _sitting(
    rng: random.Random,
    exam: Exam,
    facts: dict[int, tuple[int, str, str, int]],
    keys: dict[int, list[int]],
    school: str,
    path: str,
    level: float,
    ctx: DemoContext,
    n: int,
) -> Sitting:
    """One simulated candidate's rows, without ids (the bulk insert assigns them)."""
    major = rng.choice(["计科", "会计", "临床", "汉语言", "机械", "英语"])
    class_name = f"{major}{rng.randint(21, 24)}0{rng.randint(1, 6)}班"
    submitted = ctx.now - timedelta(days=rng.uniform(0, 19), minutes=rng.uniform(0, 600))
    student_no = f"{rng.randint(2021, 2024)}{n:06d}"
    candidate = {
        "exam_id": exam.id,
        "identity": f"{school}|{class_name}|{student_no}",
        "school": school,
        "class_name": class_name,
        "student_no": student_no,
        "name": None,
        "node_path": path,
    }
    attempt = {
        "exam_id": exam.id,
        "attempt_no": 1,
        "token_hash": service.hash_token(f"demo-{n}"),
        "started_at": submitted - timedelta(minutes=rng.uniform(4, 18)),
        "deadline_at": submitted + timedelta(minutes=5),
    }
    items = []
    for position, version_id in enumerate(service.draw(exam, rng), start=1):
        question_id, kind, fraud_type, n_options = facts[version_id]
        right = rng.random() < level - HARD_FOR_STUDENTS.get(fraud_type, 0.0)
        order = list(range(n_options))
        if kind != QuestionKind.TRUE_FALSE:
            rng.shuffle(order)
        items.append(
            {
                "exam_id": exam.id,
                "position": position,
                "question_id": question_id,
                "version_id": version_id,
                "fraud_type": fraud_type,
                "order": order,
                "chosen": _answer(rng, keys[version_id], n_options, right),
                "correct": right,
            }
        )
    correct = sum(1 for i in items if i["correct"])
    score = service.score(correct, len(items))
    passed = score >= exam.pass_mark
    submission = {
        "exam_id": exam.id,
        "school": school,
        "class_name": class_name,
        "node_path": path,
        "submitted_at": submitted,
        "correct_count": correct,
        "total": len(items),
        "score": score,
        "passed": passed,
        "certificate_code": service.certificate_code() if passed else None,
    }
    return Sitting(candidate, attempt, items, submission)


def _table(model: type[Base]) -> Table:
    """The Core table: bulk inserts through it skip the ORM's per-row bookkeeping (ten times faster)."""
    return cast(Table, model.__table__)


def _insert(session: Session, sittings: list[Sitting]) -> None:
    """Four bulk statements; ids come back in order and link the rows."""
    conn = session.connection()
    candidates, attempts = _table(Candidate), _table(Attempt)
    returning = {"sort_by_parameter_order": True}
    candidate_ids = list(
        conn.scalars(
            candidates.insert().returning(candidates.c.id, **returning), [s.candidate for s in sittings]
        )
    )
    rows = [{**s.attempt, "candidate_id": c} for s, c in zip(sittings, candidate_ids, strict=True)]
    attempt_ids = list(conn.scalars(attempts.insert().returning(attempts.c.id, **returning), rows))
    items = [{**i, "attempt_id": a} for s, a in zip(sittings, attempt_ids, strict=True) for i in s.items]
    conn.execute(_table(AttemptItem).insert(), items)
    submissions = [
        {**s.submission, "attempt_id": a, "candidate_id": c}
        for s, a, c in zip(sittings, attempt_ids, candidate_ids, strict=True)
    ]
    conn.execute(_table(Submission).insert(), submissions)


def build(session: Session, ctx: DemoContext) -> None:
    demo = system_principal(name="demo")
    bank.import_file(session, STARTER_BANK.read_bytes(), STARTER_BANK.name, demo)
    exam = _exam(session, ctx)
    versions = [v for pool in exam.pool for v in pool]
    facts = version_facts(session, versions)
    keys = answer_keys(session, versions)
    paths = {g.code: g.path for g in ctx.grids}
    schools = [(str(s["name"]), paths[str(s["node_code"])]) for s in exam.schools]
    weights = [int(str(s["enrolment"])) for s in exam.schools]
    level = {name: ctx.rng.uniform(0.72, 0.9) for name, _ in schools}
    sittings = []
    for n in range(SUBMISSIONS):
        school, path = ctx.rng.choices(schools, weights)[0]
        sittings.append(_sitting(ctx.rng, exam, facts, keys, school, path, level[school], ctx, n))
    _insert(session, sittings)
    tally.rebuild(session, exam.id)
    passed = sum(1 for s in sittings if s.submission["passed"])
    ctx.summary.append(
        f"反诈考试：题库 {len(bank.list_questions(session))} 题；{exam.title}（考试码 {exam.code}）"
        f"交卷 {len(sittings):,} 份，合格 {passed:,} 人"
    )

"""Exams: create from a blueprint, candidates join, draw, save answers as they go, submit once.

The server owns time and marks: the deadline is fixed when the attempt starts, saves and
submissions after it are refused, and scoring reads the answer key of the version drawn.
"""

import hashlib
import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fanzha.audit import service as audit
from fanzha.core.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from fanzha.core.principal import Principal
from fanzha.core.timeutil import format_local
from fanzha.core.vocab import FraudType
from fanzha.exams import repository as repo
from fanzha.exams import tally
from fanzha.exams.models import Attempt, AttemptItem, Candidate, Exam, QuestionKind, Submission
from fanzha.exams.results import WrongLine
from fanzha.exams.schemas import BlueprintItem, ExamIn, ExamOut, JoinIn, SchoolIn
from fanzha.jurisdiction import service as jurisdiction
from fanzha.prevention import targets as prevention_targets

# Seconds after the deadline in which a submit still counts: the page submits itself at zero,
# and the request needs a moment to arrive. Anything later is refused.
GRACE_S = 15
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud in a classroom


def _code(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- exams -----------------------------------------------------------------------------------


def _freeze_pool(
    session: Session, blueprint: list[BlueprintItem], target_group: str | None
) -> list[list[int]]:
    """Each approved question goes to the first blueprint item it fits; every item needs enough."""
    candidates = repo.approved_questions(session, target_group)
    used: set[int] = set()
    pool: list[list[int]] = []
    errors = []
    for index, item in enumerate(blueprint):
        fits = [
            q
            for q in candidates
            if q.id not in used
            and (item.kind is None or q.kind == item.kind.value)
            and (item.fraud_type is None or q.fraud_type == item.fraud_type.value)
            and (item.difficulty is None or q.difficulty == item.difficulty)
        ]
        if len(fits) < item.count:
            errors.append(
                FieldError(
                    f"blueprint.{index}.count",
                    f"题库中符合条件的已审核题目只有 {len(fits)} 道，少于要抽的 {item.count} 道",
                )
            )
        used |= {q.id for q in fits}
        pool.append([q.version_id for q in fits])
    if errors:
        raise ValidationFailed(f"{errors[0].field}：{errors[0].message}；请减少数量或先审核更多题目", errors)
    return pool


def _check_schools(session: Session, schools: list[SchoolIn], scope_path: str) -> None:
    for index, school in enumerate(schools):
        if school.node_code:
            node = jurisdiction.require_node(session, school.node_code, f"schools.{index}.node_code")
            if not node.path.startswith(scope_path):
                raise ValidationFailed.on(f"schools.{index}.node_code", "学校所在辖区须在考试的辖区之内")


def _registered(session: Session, schools: list[SchoolIn], actor: Principal) -> list[SchoolIn]:
    """Schools named by prevention's register take their name, enrolment and grid from it."""
    ids = [s.target_id for s in schools if s.target_id is not None]
    if not ids:
        return schools
    found = prevention_targets.schools_by_id(session, ids, actor, "schools")
    return [
        s
        if s.target_id is None
        else SchoolIn(
            name=found[s.target_id].name,
            enrolment=found[s.target_id].people,
            node_code=found[s.target_id].grid_code,
            target_id=s.target_id,
        )
        for s in schools
    ]


def create_exam(session: Session, data: ExamIn, actor: Principal) -> Exam:
    node = jurisdiction.node_in_scope(session, data.node_code, actor.scope_path)
    data = data.model_copy(update={"schools": _registered(session, data.schools, actor)})
    _check_schools(session, data.schools, node.path)
    pool = _freeze_pool(session, data.blueprint, data.target_group.value if data.target_group else None)
    exam = Exam(
        code=_code(6),
        title=data.title,
        node_id=node.id,
        node_path=node.path,
        audience=data.audience.value,
        schools=[s.model_dump() for s in data.schools],
        target_group=data.target_group.value if data.target_group else None,
        blueprint=[b.model_dump(mode="json") for b in data.blueprint],
        pool=pool,
        opens_at=data.opens_at,
        closes_at=data.closes_at,
        time_limit_s=data.time_limit_min * 60,
        pass_mark=data.pass_mark,
        attempts_allowed=data.attempts_allowed,
        identify_by=data.identify_by,
        created_by=actor.actor,
    )
    session.add(exam)
    session.flush()
    audit.record(
        session,
        actor.actor,
        "exam.create",
        "exam",
        exam.id,
        None,
        {
            "code": exam.code,
            "title": exam.title,
            "node_path": exam.node_path,
            "questions": data.question_count,
        },
    )
    return exam


def get_exam(session: Session, exam_id: int, actor: Principal) -> Exam:
    """An exam of the actor's subtree; any other 'does not exist' (404)."""
    exam = session.get(Exam, exam_id)
    if exam is None or not actor.sees(exam.node_path):
        raise NotFound("考试不存在或不在您的管辖范围内")
    return exam


def close_exam(session: Session, exam_id: int, actor: Principal) -> Exam:
    exam = get_exam(session, exam_id, actor)
    exam.closed = True
    session.flush()
    audit.record(session, actor.actor, "exam.close", "exam", exam.id, {"closed": False}, {"closed": True})
    return exam


def exams_for(session: Session, actor: Principal) -> list[Exam]:
    return list(repo.exams_within(session, actor.scope_path))


def exam_out(exam: Exam) -> ExamOut:
    return ExamOut(
        id=exam.id,
        code=exam.code,
        title=exam.title,
        node_code=exam.node.code,
        audience=exam.audience,
        schools=[SchoolIn.model_validate(s) for s in exam.schools],
        question_count=question_count(exam),
        opens_at=exam.opens_at,
        closes_at=exam.closes_at,
        time_limit_min=exam.time_limit_s // 60,
        pass_mark=exam.pass_mark,
        attempts_allowed=exam.attempts_allowed,
        closed=exam.closed,
    )


def question_count(exam: Exam) -> int:
    return sum(int(str(b["count"])) for b in exam.blueprint)


# --- joining -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Joined:
    attempt: Attempt
    token: str  # the secret for the candidate's cookie; only its hash is stored


def exam_by_code(session: Session, code: str) -> Exam:
    exam = repo.exam_by_code(session, code.strip().upper())
    if exam is None:
        raise NotFound("考试码不存在，请核对老师或组织者发布的考试码")
    return exam


def require_open(exam: Exam, now: datetime) -> None:
    if exam.closed or now >= exam.closes_at:
        raise Conflict(f"考试已于 {format_local(exam.closes_at)} 结束，不能再参加")
    if now < exam.opens_at:
        raise Conflict(f"考试尚未开始，开始时间为 {format_local(exam.opens_at)}，请届时再来")


def _identity(exam: Exam, data: JoinIn) -> tuple[str, str | None, str | None]:
    """The key that makes 'the same candidate' (casefolded, spaces dropped) and what is kept."""
    if exam.identify_by == "name":
        if not data.name:
            raise ValidationFailed.on("name", "请填写姓名")
        who, student_no, name = data.name, None, data.name
    else:
        if not data.student_no:
            raise ValidationFailed.on("student_no", "请填写学号")
        who, student_no, name = data.student_no, data.student_no, None
    parts = (data.school, data.class_name, who)
    return "|".join("".join(p.split()).casefold() for p in parts), student_no, name


def _school_path(session: Session, exam: Exam, school: str) -> str:
    names = {str(s["name"]): s for s in exam.schools}
    if names and school not in names:
        raise ValidationFailed.on("school", "请从列表中选择您的学校（名称须与组织者填写的一致）")
    code = names.get(school, {}).get("node_code")
    return jurisdiction.require_node(session, str(code)).path if code else exam.node_path


def _candidate(session: Session, exam: Exam, data: JoinIn) -> Candidate:
    identity, student_no, name = _identity(exam, data)
    found = repo.candidate_by_identity(session, exam.id, identity)
    if found is not None:
        return found
    candidate = Candidate(
        exam_id=exam.id,
        identity=identity,
        school=data.school,
        class_name=data.class_name,
        student_no=student_no,
        name=name,
        node_path=_school_path(session, exam, data.school),
    )
    try:
        with session.begin_nested():
            session.add(candidate)
    except IntegrityError:  # the same person joined at the same moment from another tab
        found = repo.candidate_by_identity(session, exam.id, identity)
        assert found is not None
        return found
    return candidate


def draw(exam: Exam, rng: random.Random) -> list[int]:
    """Question versions by position: a random sample per blueprint item, then mixed."""
    picked: list[int] = []
    for item, versions in zip(exam.blueprint, exam.pool, strict=True):
        picked += rng.sample(versions, int(str(item["count"])))
    rng.shuffle(picked)
    return picked


def _items(session: Session, exam: Exam, attempt: Attempt, rng: random.Random) -> None:
    drawn = draw(exam, rng)
    facts = repo.version_facts(session, drawn)
    rows = []
    for position, version_id in enumerate(drawn, start=1):
        question_id, kind, fraud_type, n_options = facts[version_id]
        order = list(range(n_options))
        if kind != QuestionKind.TRUE_FALSE:
            rng.shuffle(order)
        rows.append(
            {
                "attempt_id": attempt.id,
                "exam_id": exam.id,
                "position": position,
                "question_id": question_id,
                "version_id": version_id,
                "fraud_type": fraud_type,
                "order": order,
                "chosen": None,
            }
        )
    session.execute(insert(AttemptItem), rows)


def join(session: Session, data: JoinIn, now: datetime, rng: random.Random | None = None) -> Joined:
    """Start (or, with a new secret, resume) the candidate's attempt; a new draw for a new attempt."""
    exam = exam_by_code(session, data.code)
    require_open(exam, now)
    candidate = _candidate(session, exam, data)
    token = secrets.token_urlsafe(24)
    current = repo.open_attempt(session, candidate.id, now)
    if current is not None:
        current.token_hash = hash_token(token)
        session.flush()
        return Joined(current, token)
    used = repo.attempt_count(session, candidate.id)
    if used >= exam.attempts_allowed:
        raise Conflict(f"您已用完本场考试的 {exam.attempts_allowed} 次答题机会")
    deadline = min(now + timedelta(seconds=exam.time_limit_s), exam.closes_at)
    attempt = Attempt(
        exam_id=exam.id,
        candidate_id=candidate.id,
        attempt_no=used + 1,
        token_hash=hash_token(token),
        started_at=now,
        deadline_at=deadline,
    )
    try:
        with session.begin_nested():
            session.add(attempt)
    except IntegrityError as exc:
        raise Conflict("您已在另一个页面开始答题，请回到那个页面，或稍后重新进入") from exc
    _items(session, exam, attempt, rng or random.Random(secrets.randbits(64)))
    return Joined(attempt, token)


# --- answering -------------------------------------------------------------------------------


INVALID_TOKEN = "答题凭证无效或已在其他设备重新进入，请用考试码重新进入考试"


def _holds(token_hash: str, token: str) -> bool:
    return secrets.compare_digest(token_hash, hash_token(token))


def attempt_for(session: Session, attempt_id: int, token: str) -> Attempt:
    """The attempt whose secret the caller holds; anything else looks like 'no such attempt'."""
    attempt = session.get(Attempt, attempt_id)
    if attempt is None or not _holds(attempt.token_hash, token):
        raise Forbidden(INVALID_TOKEN)
    return attempt


def _writable(submitted: bool, deadline_at: datetime, now: datetime, grace_s: int) -> None:
    if submitted:
        raise Conflict("本次答题已交卷，不能再修改或重复提交")
    if now > deadline_at + timedelta(seconds=grace_s):
        raise Conflict(f"已超过答题时限（截止 {format_local(deadline_at)}），不能再作答或交卷")


def save_answers(
    session: Session, attempt_id: int, token: str, answers: dict[int, list[int]], now: datetime
) -> None:
    """Keep a batch of answers (position → shown option numbers, mapped to the question's own):
    one query reads the attempt, whether it was submitted and the items, one UPDATE writes them
    all. Nothing is written unless every answer of the batch is valid."""
    if not answers:
        return
    slots = repo.answer_slots(session, attempt_id, list(answers))
    if slots is None or not _holds(slots.token_hash, token):
        raise Forbidden(INVALID_TOKEN)
    _writable(slots.submitted, slots.deadline_at, now, 0)
    chosen: dict[int, list[int] | None] = {}
    for position, shown in sorted(answers.items()):
        order = slots.orders.get(position)
        if order is None:
            raise NotFound(f"第 {position} 题不存在")
        if any(not 0 <= i < len(order) for i in shown):
            raise ValidationFailed.on("choice", "选项超出范围，请刷新页面后重新选择")
        chosen[position] = sorted({order[i] for i in shown}) or None
    repo.store_answers(session, attempt_id, chosen)


def save_answer(
    session: Session, attempt_id: int, token: str, position: int, shown: list[int], now: datetime
) -> None:
    """Keep one answer: a batch of one."""
    save_answers(session, attempt_id, token, {position: shown}, now)


def score(correct: int, total: int) -> int:
    """Percent, rounded down: a candidate never passes by rounding."""
    return correct * 100 // total if total else 0


def submit(session: Session, attempt_id: int, token: str, now: datetime) -> Submission:
    """Mark the attempt against the drawn versions' keys; a second submit (even racing) is refused."""
    found = repo.attempt_to_submit(session, attempt_id)
    if found is None or not _holds(found.token_hash, token):
        raise Forbidden(INVALID_TOKEN)
    _writable(found.submitted, found.deadline_at, now, GRACE_S)
    answers = repo.answers_and_keys(session, found.attempt_id)
    marks = [(a, a.chosen is not None and sorted(a.chosen) == a.key) for a in answers]
    correct = sum(ok for _, ok in marks)
    points = score(correct, len(marks))
    passed = points >= found.pass_mark
    submission = Submission(
        attempt_id=found.attempt_id,
        exam_id=found.exam_id,
        candidate_id=found.candidate_id,
        school=found.school,
        class_name=found.class_name,
        node_path=found.node_path,
        submitted_at=now,
        correct_count=correct,
        total=len(marks),
        score=points,
        passed=passed,
        certificate_code=certificate_code() if passed else None,
    )
    before, passed_before = (0, False)
    if found.attempts_allowed > 1:
        before, passed_before = repo.candidate_history(session, found.candidate_id)
    try:
        with session.begin_nested():
            session.add(submission)
    except IntegrityError as exc:
        raise Conflict("本次答题已交卷，不能重复提交") from exc
    repo.store_marks(session, found.attempt_id, [a.item_id for a, ok in marks if ok])
    tally.record(
        session,
        submission,
        first=before == 0,
        first_pass=passed and not passed_before,
        answers=[tally.Answer(a.question_id, a.fraud_type, ok) for a, ok in marks],
    )
    return submission


def certificate_code() -> str:
    """80 random bits in four groups: unguessable, and easy to read out or type."""
    raw = _code(16)
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def item_count(session: Session, attempt_id: int) -> int:
    stmt = select(func.count()).select_from(AttemptItem).where(AttemptItem.attempt_id == attempt_id)
    return session.scalar(stmt) or 0


def submission_of(session: Session, attempt_id: int) -> Submission:
    found = repo.submission_for(session, attempt_id)
    if found is None:
        raise NotFound("还没有交卷，交卷并合格后才有证书")
    return found


@dataclass(frozen=True)
class WeakTopic(WrongLine):
    """A fraud type that the candidates of one node (``key``: its path) answer wrong often: what
    prevention should aim at."""

    @property
    def node_path(self) -> str:
        return self.key

    @property
    def reason(self) -> str:
        counts = f"作答 {self.answers:,} 次，答错 {self.wrong:,} 次"
        return f"考试中“{self.label}”类题目答错率 {self.wrong_rate:.0%}（{counts}）"


def weak_topics(
    session: Session, path: str, window: tuple[datetime, datetime], min_answers: int = 20
) -> list[WeakTopic]:
    """Per node (where the candidates' schools sit) and fraud type, in ``path``'s subtree, for the
    submissions in ``window``: the wrong rate, highest first; lines with fewer answers are left out.
    Read from the running tally (exams.tally), exact to the microsecond at the window's ends."""
    found = [
        WeakTopic(p, FraudType(ft).label, ft, n, w)
        for (p, ft), (n, w) in tally.topic_counts(session, path, window).items()
        if n >= min_answers
    ]
    return sorted(found, key=lambda t: (-t.wrong_rate, t.node_path, t.fraud_type))

"""The answer sheet as the candidate sees it: options in their shuffled order, answers so far,
and after submission the right answers and the explanations."""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from fanzha.exams import repository as repo
from fanzha.exams.models import Attempt, Exam, QuestionKind, Submission
from fanzha.exams.schemas import LETTERS


@dataclass(frozen=True)
class SheetItem:
    position: int
    kind: str
    kind_label: str
    stem: str
    options: list[str]  # in the order shown to this candidate
    chosen: list[int]  # shown positions
    right: list[int]  # shown positions of the key; empty until submitted
    correct: bool | None
    explanation: str

    @property
    def multi(self) -> bool:
        """Check boxes (choose all that apply) rather than radio buttons."""
        return self.kind in (QuestionKind.MULTIPLE, QuestionKind.SCENARIO)

    def letters(self, shown: list[int]) -> str:
        return "".join(LETTERS[i] for i in sorted(shown)) or "未作答"


@dataclass(frozen=True)
class Sheet:
    exam: Exam
    attempt: Attempt
    items: list[SheetItem]
    submission: Submission | None

    @property
    def answered(self) -> int:
        return sum(1 for i in self.items if i.chosen)

    @property
    def wrong(self) -> list[SheetItem]:
        return [i for i in self.items if i.correct is False]


def sheet(session: Session, attempt: Attempt) -> Sheet:
    exam = session.get(Exam, attempt.exam_id)
    assert exam is not None
    submission = repo.submission_for(session, attempt.id)
    items = []
    for item, version, kind in repo.items_with_versions(session, attempt.id):
        shown_of = {original: shown for shown, original in enumerate(item.order)}
        items.append(
            SheetItem(
                position=item.position,
                kind=kind,
                kind_label=QuestionKind(kind).label,
                stem=version.stem,
                options=[version.options[o] for o in item.order],
                chosen=sorted(shown_of[o] for o in item.chosen or []),
                right=sorted(shown_of[o] for o in version.answer) if submission is not None else [],
                correct=item.correct,
                explanation=version.explanation if submission is not None else "",
            )
        )
    return Sheet(exam, attempt, items, submission)

"""The starter bank shipped in the package imports whole and covers what the exam must teach."""

from collections import Counter

from sqlalchemy.orm import Session

from fanzha.core.vocab import FraudType
from fanzha.exams import bank
from fanzha.exams.starter import STARTER_BANK
from tests.factories import World


def test_starter_bank_imports_and_covers_every_fraud_type_kind_and_rule(
    session: Session, world: World
) -> None:
    rows = bank.read_file(STARTER_BANK.read_bytes(), STARTER_BANK.name)
    counts = bank.import_questions(session, rows, world.principals["prevention"])
    questions = bank.list_questions(session, status="approved")
    assert counts == {"created": len(rows), "edited": 0} and len(questions) >= 200
    assert {q.fraud_type for q in questions} == {t.value for t in FraudType}
    kinds = Counter(q.kind for q in questions)
    assert min(kinds.values()) >= 30 and set(kinds) == {"single", "multiple", "true_false", "scenario"}
    rules = [q for q in questions if q.code.startswith("FZ-RULE-")]
    assert sum("六个一律" in q.stem for q in rules) >= 6 and sum("十个凡是" in q.stem for q in rules) >= 8
    assert all(len(q.explanation) >= 18 for q in questions)
    assert len({q.stem for q in questions}) == len(questions)

"""Exam figures for bulletins: participants and passes at the node of the candidate's school, and
the enrolment of the exams open in the period, per child node and window."""

from datetime import timedelta

from sqlalchemy.orm import Session

from fanzha.core.query import SELF, Split
from fanzha.exams import stats
from tests.exams.factories import NOW
from tests.exams.test_results import _exam_with_sittings
from tests.factories import World


def test_participants_passes_and_enrolment_by_child_and_window(session: Session, world: World) -> None:
    _exam_with_sittings(session, world)  # 东区大学 (at station A, 100 enrolled): 3 sat, 2 passed;
    # 东区职院 (no node: the exam's district, 50 enrolled): 1 sat and failed
    station_a, station_b = world.node("369901001"), world.node("369901002")
    windows = [
        (NOW - timedelta(days=10), NOW - timedelta(days=2)),
        (NOW - timedelta(days=2), NOW + timedelta(days=1)),
    ]
    split = Split(
        world.node("369901").path,
        windows,
        [(station_a.code, station_a.path), (station_b.code, station_b.path)],
    )
    found = stats.measures(session, split)
    assert found[(station_a.code, 1)] == {"exam_participants": 3, "exam_passed": 2, "exam_enrolment": 100}
    assert found[(SELF, 1)] == {"exam_participants": 1, "exam_passed": 0, "exam_enrolment": 50}
    assert (station_b.code, 1) not in found
    assert not any(index == 0 for _, index in found)  # the exam opened an hour before NOW
    elsewhere = stats.measures(session, Split(world.node("369902").path, windows[1:]))
    assert elsewhere == {}

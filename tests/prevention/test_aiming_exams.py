"""Aiming reads the exams' weak topics: a school in a grid whose students get 刷单 questions wrong
gives that grid a 刷单 line for students, with the exam figures in its reason, even without cases;
the line becomes a campaign like any other."""

from datetime import timedelta

from sqlalchemy.orm import Session

from fanzha.exams import service as exams
from fanzha.exams.schemas import SchoolIn
from fanzha.prevention import aiming, campaigns
from fanzha.prevention.schemas import CampaignFromAim
from tests.exams.factories import NOW, exam_in, stock_bank
from tests.exams.test_results import _sit
from tests.factories import World
from tests.prevention.factories import GRID_A1, GRID_A2


def test_school_failing_rebate_questions_gets_a_rebate_line(session: Session, world: World) -> None:
    officer = world.principals["prevention"]
    stock_bank(session, officer)
    schools = [
        SchoolIn(name="阳光中学", enrolment=400, node_code=GRID_A1),
        SchoolIn(name="绿洲中学", enrolment=300, node_code=GRID_A2),
    ]
    exam = exams.create_exam(session, exam_in(schools=schools), officer)
    for n in range(10):  # two single-choice 刷单 questions each: 20 answers, all wrong at 阳光中学
        _sit(session, exam, f"A{n}", 0, school="阳光中学")
        _sit(session, exam, f"B{n}", 6, school="绿洲中学")
    lines = aiming.aim(session, "/", NOW + timedelta(days=1))
    rebate = [x for x in lines if x.fraud_type.value == "rebate_task"]
    assert [(x.grid_code, x.audience, x.cases) for x in rebate] == [(GRID_A1, "student", 0)]
    line = rebate[0]
    assert line.exam_wrong_rate == 1.0 and line.score == aiming.EXAM_WEIGHT
    assert "考试中“刷单返利”类题目答错率 100%（作答 20 次，答错 20 次）" in line.reason
    assert not [x for x in lines if x.grid_code == GRID_A2]
    data = CampaignFromAim(grid_code=GRID_A1, fraud_type="rebate_task", audience="student")
    campaign = campaigns.campaign_from_aim(session, data, officer, NOW + timedelta(days=1))
    assert campaign.title == "阳光社区学生防范刷单返利专项宣传" and "答错率 100%" in campaign.reason

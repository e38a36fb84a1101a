"""Every API route that names one record must refuse a record outside the caller's part of the tree.

Each capability registers here, for each such route, who asks (a user of station A — 甲派出所 —
or of one bank) and how to make a record that belongs elsewhere (station B, another bank).
``tests/architecture/test_scope_routes.py`` calls them all and fails for any route that is not registered.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from tests.clues.factories import station_b_case, station_b_clue, station_b_series
from tests.factories import World
from tests.operations.factories import station_b_operation, station_b_package, station_b_target
from tests.prevention.factories import (
    station_b_activity,
    station_b_alert,
    station_b_campaign,
    station_b_delivery,
    station_b_push,
    station_b_team,
)
from tests.warnings.factories import held_report, station_b_warning

# Returns the path parameters of a record that the actor must not reach.
Maker = Callable[[Session, World], dict[str, Any]]


@dataclass(frozen=True)
class Foreign:
    """Who asks, how to make the record they must not reach, and what to send: a JSON ``body``
    (API) or the fields of a console ``form``, valid except for whose record it is."""

    actor: str
    make: Maker
    body: dict[str, Any] = field(default_factory=dict)
    form: dict[str, str] | None = None


ROUTES: dict[str, Foreign] = {
    "GET /api/v1/clues/{clue_id}": Foreign("police_a", station_b_clue),
    "POST /api/v1/clues/{clue_id}/judge": Foreign("police_a", station_b_clue, {"note": "研判"}),
    "POST /api/v1/clues/{clue_id}/result": Foreign("police_a", station_b_clue, {"result": "nothing"}),
    "POST /api/v1/clues/{clue_id}/reopen": Foreign("police_a", station_b_clue, {"note": "复核"}),
    "POST /api/v1/clues/{clue_id}/route": Foreign("police_a", station_b_clue, {"node_code": "369901001"}),
    "GET /api/v1/series/{series_id}": Foreign("police_a", station_b_series),
    "GET /api/v1/series/by-case/{case_id}": Foreign("police_a", station_b_case),
    "POST /api/v1/clues/from-case/{case_id}": Foreign("police_a", station_b_case, {"level": "1"}),
    "GET /api/v1/warnings/{warning_id}": Foreign("police_a", station_b_warning),
    "POST /api/v1/warnings/{warning_id}/claim": Foreign("police_a", station_b_warning),
    "POST /api/v1/warnings/{warning_id}/release": Foreign("police_a", station_b_warning),
    "POST /api/v1/warnings/{warning_id}/actions": Foreign("police_a", station_b_warning, {"kind": "note"}),
    "POST /api/v1/warnings/{warning_id}/close": Foreign(
        "police_a", station_b_warning, {"outcome": "dissuaded"}
    ),
    "POST /api/v1/warnings/{warning_id}/reopen": Foreign(
        "police_a", station_b_warning, {"reason": "复核一下"}
    ),
    "POST /api/v1/warnings/{warning_id}/route": Foreign(
        "admin_a", station_b_warning, {"node_code": "369901001", "reason": "改回甲所"}
    ),
    "GET /api/v1/nodes/{code}": Foreign("police_a", lambda s, w: {"code": "369901002"}),
    "PATCH /api/v1/users/{user_id}": Foreign(
        "admin_a", lambda s, w: {"user_id": w.users["police_b"]}, {"active": False}
    ),
    "POST /api/v1/api-keys/{key_id}/revoke": Foreign(
        "admin_a", lambda s, w: {"key_id": _key_id(s, "station-b-feed")}
    ),
    "GET /api/v1/cases/{case_id}": Foreign("police_a", lambda s, w: {"case_id": _station_b_case(s, w)}),
    "POST /api/v1/cases/{case_id}/status": Foreign(
        "police_a", lambda s, w: {"case_id": _station_b_case(s, w)}, {"status": "solved"}
    ),
    "GET /api/v1/funds/requests/{request_id}": Foreign(
        "bank_ccb", lambda s, w: {"request_id": _icbc_hold(s, w)}
    ),
    "POST /api/v1/funds/requests/{request_id}/ack": Foreign(
        "bank_ccb",
        lambda s, w: {"request_id": _icbc_hold(s, w, "approved")},
        {"executed_amount": "1.00", "balance_found": "1.00"},
    ),
    "POST /api/v1/funds/requests/{request_id}/decision": Foreign(
        "police_a", lambda s, w: {"request_id": _station_b_hold(s, w)}, {"approve": True}
    ),
    "POST /api/v1/funds/requests/{request_id}/follow-up": Foreign(
        "police_a", lambda s, w: {"request_id": _station_b_hold(s, w, "in_effect")}, {"kind": "freeze"}
    ),
    "GET /api/v1/bulletins/{node_code}/{period}": Foreign(
        "police_a", lambda s, w: {"node_code": "369901002", "period": "2026-10"}
    ),
    "GET /api/v1/bulletins/{node_code}/{period}/{fmt}": Foreign(
        "police_a", lambda s, w: {"node_code": "369901002", "period": "2026-10", "fmt": "csv"}
    ),
    "GET /api/v1/bulletins/issued/{bulletin_id}.pdf": Foreign(
        "police_a", lambda s, w: {"bulletin_id": _station_b_bulletin(s, w)}
    ),
    "GET /api/v1/exams/{exam_id}": Foreign("police_a", lambda s, w: {"exam_id": _station_b_exam(s, w)}),
    "POST /api/v1/exams/{exam_id}/close": Foreign("admin_a", lambda s, w: {"exam_id": _station_b_exam(s, w)}),
    "GET /api/v1/exams/{exam_id}/results": Foreign(
        "police_a", lambda s, w: {"exam_id": _station_b_exam(s, w)}
    ),
    "GET /api/v1/exams/{exam_id}/results.{fmt}": Foreign(
        "police_a", lambda s, w: {"exam_id": _station_b_exam(s, w), "fmt": "csv"}
    ),
    "GET /api/v1/prevention/campaigns/{campaign_id}": Foreign(
        "prevention_a", lambda s, w: {"campaign_id": station_b_campaign(s, w)}
    ),
    "POST /api/v1/prevention/activities/{activity_id}/photos": Foreign(
        "prevention_a", lambda s, w: {"activity_id": station_b_activity(s, w)}
    ),
    "GET /api/v1/prevention/activities/{activity_id}/photos/{photo_id}": Foreign(
        "prevention_a", lambda s, w: {"activity_id": station_b_activity(s, w), "photo_id": 1}
    ),
    "POST /api/v1/prevention/teams/{team_id}/members": Foreign(
        "prevention_a",
        lambda s, w: {"team_id": station_b_team(s, w)},
        {"name": "张三", "joined_on": "2026-11-01"},
    ),
    "POST /api/v1/prevention/alerts/{alert_id}/publish": Foreign(
        "prevention_a", lambda s, w: {"alert_id": station_b_alert(s, w)}
    ),
    "GET /api/v1/prevention/pushes/{push_id}": Foreign(
        "prevention_a", lambda s, w: {"push_id": station_b_push(s, w).id}
    ),
    "POST /api/v1/prevention/pushes/{push_id}/approve": Foreign(
        "prevention_a", lambda s, w: {"push_id": station_b_push(s, w).id}
    ),
    "POST /api/v1/prevention/pushes/{push_id}/reject": Foreign(
        "prevention_a", lambda s, w: {"push_id": station_b_push(s, w).id}
    ),
    "POST /api/v1/prevention/deliveries/{delivery_id}/retry": Foreign(
        "prevention_a", lambda s, w: {"delivery_id": station_b_delivery(s, w)}
    ),
    "DELETE /api/v1/official-numbers/{number_id}": Foreign(
        "admin_a", lambda s, w: {"number_id": _station_b_number(s, w)}
    ),
    "GET /api/v1/operations/{operation_id}": Foreign("police_a", station_b_operation),
    "GET /api/v1/operations/{operation_id}/briefing.pdf": Foreign("police_a", station_b_operation),
    "POST /api/v1/operations/{operation_id}/targets": Foreign(
        "admin_a",
        station_b_operation,
        {"label": "窝点", "address": "某路1号", "unit_name": "甲所", "team": "一组", "leader": "李"},
    ),
    "POST /api/v1/operations/{operation_id}/conclude": Foreign(
        "admin_a", station_b_operation, {"result_note": "战果"}
    ),
    "PUT /api/v1/operations/targets/{target_id}/status": Foreign(
        "police_a", station_b_target, {"arrived": False}
    ),
    "GET /api/v1/operations/packages/{package_id}": Foreign("police_a", station_b_package),
    "POST /api/v1/operations/packages/{package_id}/items": Foreign(
        "admin_a", station_b_package, {"kind": "person", "label": "嫌疑人"}
    ),
}

# The console's pages and forms that name a record: the same refusals as the API.
_station_b_case_id: Maker = lambda s, w: {"case_id": _station_b_case(s, w)}  # noqa: E731
ROUTES |= {
    "GET /cases/{case_id}": Foreign("police_a", _station_b_case_id),
    "POST /cases/{case_id}/status": Foreign("police_a", _station_b_case_id, form={"status": "solved"}),
    "GET /funds/requests/{request_id}": Foreign("bank_ccb", lambda s, w: {"request_id": _icbc_hold(s, w)}),
    "POST /funds/requests/{request_id}/ack": Foreign(
        "bank_ccb",
        lambda s, w: {"request_id": _icbc_hold(s, w, "approved")},
        form={"executed_amount": "1.00", "balance_found": "1.00"},
    ),
    "POST /funds/requests/{request_id}/decision": Foreign(
        "police_a", lambda s, w: {"request_id": _station_b_hold(s, w)}, form={"approve": "true"}
    ),
    "POST /funds/requests/{request_id}/follow-up": Foreign(
        "police_a", lambda s, w: {"request_id": _station_b_hold(s, w, "in_effect")}, form={"kind": "freeze"}
    ),
    "GET /warnings/{warning_id}": Foreign("police_a", station_b_warning),
    "GET /warnings/{warning_id}/files/{file_id}": Foreign(
        "police_a", lambda s, w: {**station_b_warning(s, w), "file_id": 1}
    ),
    "POST /warnings/{warning_id}/claim": Foreign("police_a", station_b_warning, form={}),
    "POST /warnings/{warning_id}/release": Foreign("police_a", station_b_warning, form={}),
    "POST /warnings/{warning_id}/act": Foreign("police_a", station_b_warning, form={"kind": "note"}),
    "POST /warnings/{warning_id}/close": Foreign(
        "police_a", station_b_warning, form={"outcome": "dissuaded"}
    ),
    "POST /warnings/{warning_id}/dismiss": Foreign(
        "police_a", station_b_warning, form={"reason": "重复预警"}
    ),
    "POST /reports/review/{warning_id}/admit": Foreign("admin_a", held_report, form={}),
    "POST /warnings/{warning_id}/route": Foreign(
        "admin_a", station_b_warning, form={"node_code": "369901001", "reason": "改回甲所"}
    ),
    "POST /admin/users/{user_id}": Foreign(
        "admin_a", lambda s, w: {"user_id": w.users["police_b"]}, form={"role": "community_police"}
    ),
    "POST /admin/keys/{key_id}/revoke": Foreign(
        "admin_a", lambda s, w: {"key_id": _key_id(s, "station-b-feed")}, form={}
    ),
    "GET /clues/{clue_id}": Foreign("police_a", station_b_clue),
    "POST /clues/{clue_id}/judge": Foreign("police_a", station_b_clue, form={"note": "研判"}),
    "POST /clues/{clue_id}/result": Foreign("police_a", station_b_clue, form={"result": "nothing"}),
    "POST /clues/{clue_id}/reopen": Foreign("police_a", station_b_clue, form={"note": "复核"}),
    "POST /clues/{clue_id}/route": Foreign("police_a", station_b_clue, form={"node_code": "369901001001"}),
    "GET /series/{series_id}": Foreign("police_a", station_b_series),
    "GET /series/by-case/{case_id}": Foreign("police_a", station_b_case),
    "GET /operations/{operation_id}": Foreign("police_a", station_b_operation),
    "GET /operations/{operation_id}/live": Foreign("police_a", station_b_operation),
    "POST /operations/{operation_id}/conclude": Foreign("admin_a", station_b_operation, form={}),
    "POST /operations/{operation_id}/targets": Foreign(
        "admin_a",
        station_b_operation,
        form={"label": "窝点", "address": "某路1号", "unit_name": "甲所", "team": "一组", "leader": "李"},
    ),
    "POST /operations/targets/{target_id}/status": Foreign("police_a", station_b_target, form={}),
    "GET /operations/packages/{package_id}": Foreign("police_a", station_b_package),
    "POST /operations/packages/{package_id}/items": Foreign(
        "admin_a", station_b_package, form={"kind": "person", "label": "嫌疑人"}
    ),
    "GET /exams/{exam_id}/candidates": Foreign("police_a", lambda s, w: {"exam_id": _station_b_exam(s, w)}),
    "GET /exams/{exam_id}/candidates.csv": Foreign(
        "police_a", lambda s, w: {"exam_id": _station_b_exam(s, w)}
    ),
    "GET /prevention/campaigns/{campaign_id}": Foreign(
        "prevention_a", lambda s, w: {"campaign_id": station_b_campaign(s, w)}
    ),
    "POST /prevention/campaigns/{campaign_id}/push": Foreign(
        "prevention_a",
        lambda s, w: {"campaign_id": station_b_campaign(s, w)},
        form={
            "title": "别刷单",
            "fraud_type": "rebate_task",
            "request_key": "scope-key-0001",
            "group_ids": "1",
        },
    ),
    "GET /prevention/pushes/{push_id}": Foreign(
        "prevention_a", lambda s, w: {"push_id": station_b_push(s, w).id}
    ),
    "POST /prevention/pushes/{push_id}/decide": Foreign(
        "prevention_a", lambda s, w: {"push_id": station_b_push(s, w).id}, form={"decision": "approve"}
    ),
    "POST /prevention/deliveries/{delivery_id}/retry": Foreign(
        "prevention_a", lambda s, w: {"delivery_id": station_b_delivery(s, w)}, form={}
    ),
}

# Routes with a path parameter that do not address a jurisdiction-owned record.
EXEMPT: dict[str, str] = {
    "GET /api/v1/exams/questions/{question_id}": "the question bank is shared city-wide (prevention.write)",
    "PUT /api/v1/exams/questions/{question_id}": "the question bank is shared city-wide (prevention.write)",
    "POST /api/v1/exams/questions/{question_id}/status": "the question bank is shared city-wide",
    "GET /api/v1/exams/questions/export.{fmt}": "a file format, not a record",
    "PUT /api/v1/public/exams/attempts/{attempt_id}/answers/{position}": "a candidate's attempt: its secret",
    "PUT /api/v1/public/exams/attempts/{attempt_id}/answers": "a candidate's attempt: its secret",
    "POST /api/v1/public/exams/attempts/{attempt_id}/submit": "a candidate's attempt: its secret",
}


def _key_id(session: Session, name: str) -> int:
    from fanzha.accounts import repository

    key = repository.api_key_by_name(session, name)
    assert key is not None
    return key.id


def _station_b_case(session: Session, world: World) -> int:
    from fanzha.cases import service
    from tests.cases.factories import case_in

    return service.register_case(session, case_in("369901002001"), world.principals["police_b"]).id


def _icbc_hold(session: Session, world: World, until: str = "requested") -> int:
    from tests.funds.factories import hold

    return hold(session, world, bank="ICBC", until=until).id


def _station_b_hold(session: Session, world: World, until: str = "requested") -> int:
    from tests.funds.factories import hold

    return hold(session, world, node_code="369901002001", until=until).id


def _station_b_bulletin(session: Session, world: World) -> int:
    from fanzha.bulletins import service
    from fanzha.bulletins.periods import Period
    from fanzha.core.timeutil import utcnow

    return service.issue(session, world.node("369901002"), Period.parse("2026-10"), utcnow(), "test").id


def _station_b_exam(session: Session, world: World) -> int:
    from fanzha.exams import service
    from tests.exams.factories import exam_in, stock_bank

    stock_bank(session, world.principals["commander"])
    data = exam_in(node_code="369901002", schools=[{"name": "乙校", "node_code": "369901002001"}])
    return service.create_exam(session, data, world.principals["commander"]).id


def _station_b_number(session: Session, world: World) -> int:
    from fanzha.verification import register
    from fanzha.verification.schemas import NumberIn

    data = NumberIn(number="0799-86660220", owner="乙派出所", node_code="369901002")
    return register.add_number(session, data, world.principals["commander"]).id

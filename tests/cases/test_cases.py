"""Registering cases, reading them masked, filtering, status moves, and the reputation list."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from fanzha.audit.models import AuditEntry
from fanzha.cases import service
from fanzha.cases.identifiers import normalise
from fanzha.core.errors import NotFound, ValidationFailed
from tests.cases.factories import WHEN, case_in
from tests.factories import World


def _body(**overrides: object) -> dict[str, object]:
    return case_in(**overrides).model_dump(mode="json")  # type: ignore[arg-type]


def test_registered_case_keeps_exact_amount_and_normal_identifiers(session: Session, world: World) -> None:
    case = service.register_case(session, case_in(), world.principals["police_a"])
    assert case.loss_amount == Decimal("12345.67")
    assert case.node_path == world.node("369901001001").path
    assert {(i.kind, i.value) for i in case.identifiers} == {
        ("phone", "13900001111"),
        ("bank_account", "6222020000001234567"),
    }
    entry = session.query(AuditEntry).filter_by(object_type="case", object_id=str(case.id)).one()
    assert entry.action == "case.register" and "victim_name" not in (entry.after or {})


FULL_SUSPECTS = ("13900001111", "6222020000001234567")
MASKED_SUSPECTS = [
    {"kind": "phone", "value": "139****1111"},
    {"kind": "bank_account", "value": "6222 **** **** 4567"},
    {"kind": "url", "value": "http://pay.example.com/a"},
]


def test_detail_masks_victim_and_suspects_reveal_is_audited(login, session: Session, world: World) -> None:  # type: ignore[no-untyped-def]
    client = login("police_a")
    url = {"kind": "url", "value": "http://pay.example.com/a"}
    idents = [*case_in().suspect_identifiers, url]
    created = client.post("/api/v1/cases", json=_body(suspect_identifiers=idents))
    assert created.status_code == 201, created.text
    case_id = created.json()["id"]
    shown = client.get(f"/api/v1/cases/{case_id}").json()
    assert shown["victim_phone"] == "138****5678" and shown["victim_name"] == "王**"
    assert shown["loss_amount"] == "12345.67"
    assert shown["suspect_identifiers"] == MASKED_SUSPECTS
    listed = client.get("/api/v1/cases?identifier=13900001111")
    moved = client.post(f"/api/v1/cases/{case_id}/status", json={"status": "solved"})
    for response in (created, listed, moved):
        assert not [v for v in FULL_SUSPECTS if v in response.text], response.url
    assert listed.json()["total"] == 1

    def reveals() -> int:
        return session.query(AuditEntry).filter_by(action="pii.reveal", object_id=str(case_id)).count()

    assert reveals() == 0
    revealed = client.get(f"/api/v1/cases/{case_id}?reveal=true").json()
    assert revealed["victim_id_number"] == "369901199001011234"
    assert [i["value"] for i in revealed["suspect_identifiers"]] == [
        *FULL_SUSPECTS,
        "http://pay.example.com/a",
    ]
    assert reveals() == 1
    stats = login("stats")  # reads cases, may not reveal
    assert stats.get(f"/api/v1/cases/{case_id}").json()["suspect_identifiers"] == MASKED_SUSPECTS
    assert stats.get(f"/api/v1/cases/{case_id}?reveal=true").status_code == 403
    assert reveals() == 1


def test_work_reads_suspect_identifiers_whole_within_scope(session: Session, world: World) -> None:
    officer = world.principals["police_a"]
    case = service.register_case(session, case_in(), officer)
    whole = service.suspect_identifiers(session, case.id, officer)
    assert [i.kind for i in whole] == ["phone", "bank_account"]
    assert tuple(i.value for i in whole) == FULL_SUSPECTS
    accounts = service.suspect_identifiers(session, case.id, officer, "bank_account")
    assert [i.value for i in accounts] == [FULL_SUSPECTS[1]]
    assert not session.query(AuditEntry).filter_by(action="pii.reveal").count()
    with pytest.raises(NotFound):
        service.suspect_identifiers(session, case.id, world.principals["police_b"])


def test_case_outside_the_subtree_is_not_found(session: Session, world: World) -> None:
    case = service.register_case(session, case_in("369901002001"), world.principals["police_b"])
    with pytest.raises(NotFound):
        service.get_case(session, case.id, world.principals["police_a"])
    with pytest.raises(ValidationFailed):
        service.register_case(session, case_in("369901002001"), world.principals["police_a"])


def test_list_filters_by_type_period_node_and_identifier(login, session: Session, world: World) -> None:  # type: ignore[no-untyped-def]
    actor = world.principals["commander"]
    service.register_cases_bulk(
        session,
        [
            case_in("369901001001"),
            case_in("369901002001", fraud_type="fake_investment", occurred_at=WHEN - timedelta(days=40)),
            case_in("369902001001", victim_group="elderly", suspect_identifiers=[]),
        ],
        actor,
    )
    client = login("commander")

    def total(query: str) -> int:
        r = client.get(f"/api/v1/cases?{query}")
        assert r.status_code == 200, r.text
        return int(r.json()["total"])

    assert total("") == 3
    assert total("fraud_type=fake_investment") == 1
    assert total("node_code=369901") == 2
    assert total("victim_group=elderly") == 1
    assert total(f"since={(WHEN - timedelta(days=1)).isoformat().replace('+', '%2B')}") == 2
    assert total("identifier=139-0000-1111") == 2
    assert login("police_a").get("/api/v1/cases").json()["total"] == 1
    assert client.get("/api/v1/cases?page_size=2&page=2").json()["items"][0]["node_code"] == "369901002001"


def test_status_moves_forward_only(login, world: World) -> None:  # type: ignore[no-untyped-def]
    client = login("police_a")
    case_id = client.post("/api/v1/cases", json=_body()).json()["id"]
    solved = client.post(f"/api/v1/cases/{case_id}/status", json={"status": "solved"})
    assert solved.json()["status_label"] == "已破案"
    back = client.post(f"/api/v1/cases/{case_id}/status", json={"status": "registered"})
    assert back.status_code == 409
    assert client.post(f"/api/v1/cases/{case_id}/status", json={"status": "closed"}).status_code == 200


def test_bad_input_names_the_field(login, world: World) -> None:  # type: ignore[no-untyped-def]
    client = login("police_a")
    body = _body()
    body["loss_amount"] = "-5"
    body["occurred_at"] = "2026-11-10T10:00:00"
    r = client.post("/api/v1/cases", json=body)
    assert r.status_code == 422
    fields = {f["field"] for f in r.json()["error"]["fields"]}
    assert {"loss_amount", "occurred_at"} <= fields


def test_reputation_lists_each_identifier_once(session: Session, world: World) -> None:
    actor = world.principals["commander"]
    ids = service.register_cases_bulk(session, [case_in(), case_in("369902001001")], actor)
    found = service.reputation_identifiers(session)
    phones = [t for t in found if t[:2] == ("phone", "13900001111")]
    assert len(phones) == 1
    first = service.get_case(session, ids[0], actor)
    assert phones[0][2] == f"案件 {first.case_no}"


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), st.sampled_from(["+86 ", "0086", "86", ""]))
def test_phone_forms_normalise_alike(number: str, prefix: str) -> None:
    spaced = f"{number[:3]} {number[3:7]}-{number[7:]}"
    assert normalise("phone", prefix + spaced) == number


def test_url_host_is_case_insensitive_path_is_not() -> None:
    assert normalise("url", "HTTP://Pay.Example.COM/") == "http://pay.example.com"
    assert normalise("url", "pay.example.com/A") == "http://pay.example.com/A"


def test_times_are_stored_utc(session: Session, world: World) -> None:
    local = datetime(2026, 11, 10, 10, 30, tzinfo=UTC).astimezone()
    case = service.register_case(session, case_in(occurred_at=local), world.principals["police_a"])
    session.expire(case)
    assert case.occurred_at == datetime(2026, 11, 10, 10, 30, tzinfo=UTC)

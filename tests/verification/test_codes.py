"""Verification codes: a code answers for its own contact only, a wrong and an expired code answer
alike, only a keyed hash is stored, guessing is throttled, and every lookup is audited."""

from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.audit.models import AuditEntry
from fanzha.core.errors import TooManyRequests, ValidationFailed
from fanzha.core.ratelimit import TokenBucket
from fanzha.core.timeutil import utcnow
from fanzha.verification import routes, service
from fanzha.verification.models import CodeLookup, ContactCode
from tests.factories import World
from tests.verification.factories import STATION_B_ADDRESS, contact, roomy_limits
from tests.warnings.factories import add_gazetteer


@pytest.fixture(autouse=True)
def gazetteer(session: Session, world: World) -> None:
    add_gazetteer(session, world)


@pytest.fixture
def roomy(app: FastAPI) -> service.Limits:
    limits = roomy_limits()
    app.dependency_overrides[routes.limits] = lambda: limits
    return limits


def test_a_code_verifies_its_own_contact_and_nothing_else(session: Session, world: World) -> None:
    a = contact(session, world, "police_a")
    b = contact(session, world, "police_b", kind="visit", victim_address=STATION_B_ADDRESS)
    assert a.code is not None and b.code is not None and a.code.code != b.code.code
    limits = roomy_limits()
    answer_a = service.verify(session, a.code.code, "10.0.0.1", limits)
    answer_b = service.verify(session, b.code.code, "10.0.0.1", limits)
    assert answer_a.found and answer_a.message.startswith("这是甲派出所 社区民警 p某")
    assert answer_a.message.endswith("的劝阻联系（电话）")
    assert answer_b.found and answer_b.message.startswith("这是乙派出所 社区民警 p某")
    assert answer_b.message.endswith("（上门）")
    # Nothing of the case or the person: no name, phone, address or warning text.
    for secret in ("王小明", "13912345678", "阳光路", "刷单"):
        assert secret not in answer_a.message + answer_a.advice


def test_only_a_keyed_hash_of_the_code_is_stored(session: Session, world: World) -> None:
    issued = contact(session, world).code
    assert issued is not None
    row = session.scalars(select(ContactCode)).one()
    assert row.code_hash == service.code_hash(issued.code) and issued.code not in row.code_hash
    assert len(row.code_hash) == 64 and row.expires_at - row.contacted_at == timedelta(hours=24)


def test_expired_and_wrong_codes_answer_alike_over_the_api(
    client: TestClient, session: Session, world: World, roomy: service.Limits
) -> None:
    issued = contact(session, world).code
    assert issued is not None
    right = client.post("/api/v1/verify", json={"code": issued.code})
    wrong_code = f"{(int(issued.code) + 1) % 10**6:06d}"
    wrong = client.post("/api/v1/verify", json={"code": wrong_code})
    session.execute(ContactCode.__table__.update().values(expires_at=utcnow() - timedelta(seconds=1)))
    expired = client.post("/api/v1/verify", json={"code": issued.code})
    assert right.status_code == wrong.status_code == expired.status_code == 200
    assert right.json()["found"] is True
    assert (
        wrong.json()
        == expired.json()
        == {"found": False, "message": service.NOT_FOUND, "advice": service.NOT_FOUND_ADVICE}
    )
    assert set(right.json()) == set(wrong.json())


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(code=st.from_regex(r"[0-9]{6}", fullmatch=True))
def test_no_other_code_finds_the_contact(session: Session, world: World, code: str) -> None:
    issued = contact(session, world).code
    assert issued is not None
    found = service.verify(session, code, "10.0.0.2", roomy_limits())
    live = session.scalars(select(ContactCode.code_hash)).all()
    assert found.found == (service.code_hash(code) in live)


def test_codes_typed_with_spaces_or_full_width_digits_are_read(session: Session, world: World) -> None:
    issued = contact(session, world).code
    assert issued is not None
    shown = " ".join([issued.code[:3], issued.code[3:]]).translate(
        str.maketrans("0123456789", "０１２３４５６７８９")
    )
    assert service.verify(session, shown, "10.0.0.3", roomy_limits()).found
    with pytest.raises(ValidationFailed, match="6 位数字"):
        service.verify(session, "12a456", "10.0.0.3", roomy_limits())


def test_guessing_is_throttled_per_client_and_across_the_code_space(session: Session, world: World) -> None:
    per_client = service.Limits(TokenBucket(rate=1 / 60, burst=3), TokenBucket(rate=1.0, burst=1000))
    for n in range(3):
        service.verify(session, f"00000{n}", "10.0.0.4", per_client)
    with pytest.raises(TooManyRequests, match="96110"):
        service.verify(session, "000009", "10.0.0.4", per_client)
    assert not service.verify(session, "000009", "10.0.0.5", per_client).found  # another client still may
    space = service.Limits(TokenBucket(rate=1.0, burst=1000), TokenBucket(rate=1 / 3600, burst=5))
    for n in range(5):
        service.verify(session, f"11111{n}", f"10.1.0.{n}", space)
    with pytest.raises(TooManyRequests):
        service.verify(session, "111119", "10.1.0.99", space)


def test_guessing_over_http_gets_429_with_a_chinese_line(app: FastAPI, client: TestClient) -> None:
    tight = service.Limits(TokenBucket(rate=1 / 60, burst=2), TokenBucket(rate=1.0, burst=1000))
    app.dependency_overrides[routes.limits] = lambda: tight
    codes = [client.post("/api/v1/verify", json={"code": f"12345{n}"}).status_code for n in range(3)]
    assert codes == [200, 200, 429]
    refused = client.post("/api/v1/verify", json={"code": "123459"}).json()
    assert "核验查询过于频繁" in refused["error"]["message"]


def test_every_lookup_is_recorded_and_audited_hit_or_miss(session: Session, world: World) -> None:
    issued = contact(session, world).code
    assert issued is not None
    limits = roomy_limits()
    service.verify(session, issued.code, "10.0.0.6", limits)
    service.verify(session, "000000" if issued.code != "000000" else "000001", "10.0.0.6", limits)
    rows = session.scalars(select(CodeLookup).order_by(CodeLookup.id)).all()
    assert [r.code_id is not None for r in rows] == [True, False]
    assert rows[0].client == rows[1].client and "10.0.0.6" not in rows[0].client
    audited = session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "verification.lookup")
    )
    assert audited == 2


def test_the_officer_sees_when_a_resident_checked_the_code(session: Session, world: World) -> None:
    done = contact(session, world)
    assert done.code is not None
    police_a, police_b = world.principals["police_a"], world.principals["police_b"]
    before = service.contacts_for_warning(session, done.warning.id, police_a)
    assert [(v.channel_label, v.lookups) for v in before] == [("电话", [])]
    service.verify(session, done.code.code, "10.0.0.7", roomy_limits())
    after = service.contacts_for_warning(session, done.warning.id, police_a)
    assert len(after[0].lookups) == 1
    assert service.contacts_for_warning(session, done.warning.id, police_b) == []

"""Pushes reach real local servers (robot webhooks, an SMS gateway, SMTP) once, wait under the rate
limit, retry with backoff into a dead-letter list, need approval above N groups, and stay in scope."""

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fanzha.core.config import get_settings
from fanzha.core.timeutil import utcnow
from fanzha.prevention.channels import dingtalk_sign
from fanzha.prevention.outbox import Limiter, run_outbox
from tests.factories import World
from tests.prevention.factories import GRID_A1, GRID_A2, GRID_B1, cases_at
from tests.prevention.servers import smtp_server, webhook


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> Any:
    s = get_settings()
    for name in (
        "prevention_rate_per_s",
        "prevention_max_attempts",
        "prevention_approval_groups",
        "prevention_sms_url",
        "prevention_sms_token",
        "prevention_smtp_host",
        "prevention_smtp_port",
    ):
        monkeypatch.setattr(s, name, getattr(s, name))  # restored after the test
    return s


@pytest.fixture
def now() -> datetime:
    """The outbox's clock: after the pushes are queued on the real clock, even on a slow machine."""
    return utcnow() + timedelta(minutes=10)


def _group(
    client: TestClient, address: str, grid: str = GRID_A1, channel: str = "wecom", **extra: Any
) -> int:
    body = {"grid_code": grid, "name": f"群{address[-12:]}", "kind": "owners", "platform": "wecom",
            "admin_name": "王群主", "admin_phone": "13600003333", "members": 300, "channel": channel,
            "address": address, **extra}  # fmt: skip
    r = client.post("/api/v1/prevention/groups", json=body)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _alert(client: TestClient, node: str = "369901001") -> int:
    body = {
        "title": "警惕冒充公检法",
        "fraud_type": "impersonate_authority",
        "target_group": "elderly",
        "node_code": node,
    }
    r = client.post("/api/v1/prevention/alerts", json=body)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _push(client: TestClient, alert: int, groups: list[int], key: str = "push-key-0001") -> Any:
    return client.post(
        "/api/v1/prevention/pushes", json={"alert_id": alert, "group_ids": groups, "request_key": key}
    )


def test_push_reaches_webhook_exactly_once_despite_retried_request_and_failing_server(
    login, session: Session, world: World, settings: Any, now: datetime
) -> None:
    client = login("prevention_a")
    with webhook(fail_first=2) as hook:
        group = _group(client, hook.url + "/cgi-bin/webhook/send?key=abc")
        alert = _alert(client)
        first, again = _push(client, alert, [group]), _push(client, alert, [group])
        assert first.status_code == again.status_code == 201
        assert first.json()["id"] == again.json()["id"]
        other_key = _push(client, alert, [group], key="push-key-0002").json()
        assert other_key["deliveries"] == []  # the alert already goes to this group
        limiter = Limiter()
        assert run_outbox(session, now, limiter=limiter).failed == 1
        assert run_outbox(session, now + timedelta(seconds=10), limiter=limiter).sent == 0  # backing off
        assert run_outbox(session, now + timedelta(seconds=30), limiter=limiter).failed == 1
        assert run_outbox(session, now + timedelta(seconds=90), limiter=limiter).sent == 1
        assert run_outbox(session, now + timedelta(hours=1), limiter=limiter).sent == 0
        assert (hook.calls, len(hook.accepted)) == (3, 1)
        sent = hook.accepted[0]
        assert sent["msgtype"] == "markdown" and sent["markdown"]["content"].startswith("## 警惕冒充公检法")
    delivery = client.get(f"/api/v1/prevention/pushes/{first.json()['id']}").json()["deliveries"][0]
    assert (delivery["status"], delivery["status_label"], delivery["attempts"]) == ("sent", "已送达", 3)


def test_rate_limited_push_waits_and_is_not_dropped(
    login, session: Session, world: World, settings: Any, now: datetime
) -> None:
    settings.prevention_rate_per_s = {"wecom": 1.0}
    client = login("prevention_a")
    with webhook() as hook:
        groups = [_group(client, f"{hook.url}/send?key={i}") for i in range(3)]
        push = _push(client, _alert(client), groups).json()
        limiter = Limiter()
        result = run_outbox(session, now, limiter=limiter)
        assert (result.sent, result.deferred) == (1, 2)
        waiting = client.get(f"/api/v1/prevention/pushes/{push['id']}").json()["deliveries"]
        assert sorted((d["status"], d["attempts"]) for d in waiting) == [
            ("pending", 0),
            ("pending", 0),
            ("sent", 1),
        ]
        assert run_outbox(session, now + timedelta(seconds=1), limiter=limiter).sent == 1
        assert run_outbox(session, now + timedelta(seconds=2), limiter=limiter).sent == 1
        assert len(hook.accepted) == 3


def test_failures_end_in_dead_letters_an_officer_can_retry(
    login, session: Session, world: World, settings: Any, now: datetime
) -> None:
    settings.prevention_max_attempts = 2
    client = login("prevention_a")
    with webhook(fail_first=2) as hook:
        push = _push(client, _alert(client), [_group(client, hook.url + "/send?key=x")]).json()
        limiter = Limiter()
        run_outbox(session, now, limiter=limiter)
        assert run_outbox(session, now + timedelta(seconds=30), limiter=limiter).dead == 1
        dead = client.get("/api/v1/prevention/deliveries", params={"status": "dead"}).json()
        assert [d["last_error"] for d in dead] == ["HTTP 500"]
        assert login("police_b").get("/api/v1/prevention/deliveries", params={"status": "dead"}).json() == []
        assert (
            login("police_b").post(f"/api/v1/prevention/deliveries/{dead[0]['id']}/retry").status_code == 403
        )
        r = client.post(f"/api/v1/prevention/deliveries/{dead[0]['id']}/retry")
        assert r.json() == {"status": "pending"}
        assert client.post(f"/api/v1/prevention/deliveries/{dead[0]['id']}/retry").status_code == 409
        assert run_outbox(session, now + timedelta(minutes=1), limiter=limiter).sent == 1
        assert len(hook.accepted) == 1
    assert client.get(f"/api/v1/prevention/pushes/{push['id']}").json()["deliveries"][0]["status"] == "sent"


def test_dingtalk_signed_sms_gateway_and_email_adapters(
    login, session: Session, world: World, settings: Any, now: datetime
) -> None:
    client = login("prevention_a")
    with webhook() as hook, smtp_server() as mail:
        settings.prevention_sms_url, settings.prevention_sms_token = hook.url + "/sms/send", "gw-token"
        settings.prevention_smtp_host, settings.prevention_smtp_port = mail.host, mail.port
        groups = [
            _group(client, hook.url + "/robot/send?access_token=t1", channel="dingtalk", secret="SECabc"),
            _group(client, "13700004444", channel="sms"),
            _group(client, "parents@school.example", channel="email"),
        ]
        _push(client, _alert(client), groups)
        assert run_outbox(session, now, limiter=Limiter()).sent == 3
        by_path = {
            urlsplit(p).path: (p, body, h)
            for p, body, h in zip(hook.paths, hook.accepted, hook.headers, strict=True)
        }
        ding_path, ding, _ = by_path["/robot/send"]
        query = parse_qs(urlsplit(ding_path).query)
        assert query["access_token"] == ["t1"]
        assert dingtalk_sign("SECabc", int(query["timestamp"][0])) == ding_path.split("sign=")[1]
        assert ding["msgtype"] == "markdown" and ding["markdown"]["title"] == "警惕冒充公检法"
        _, sms, headers = by_path["/sms/send"]
        assert (sms["to"], headers["Authorization"]) == ("13700004444", "Bearer gw-token")
        assert headers["Idempotency-Key"] == sms["id"]
        assert sms["text"].startswith("警惕冒充公检法：")
        assert len(mail.messages) == 1
        _, rcpts, data = mail.messages[0]
        assert rcpts == ["<parents@school.example>"] and "Subject:" in data


def test_push_to_more_than_n_groups_needs_a_second_officer(
    login, session: Session, world: World, settings: Any, now: datetime
) -> None:
    settings.prevention_approval_groups = 1
    client = login("prevention_a")
    groups = [_group(client, f"http://127.0.0.1:9/send?key={i}") for i in range(2)]
    push = _push(client, _alert(client), groups).json()
    assert (push["status"], push["deliveries"]) == ("pending_approval", [])
    assert client.post(f"/api/v1/prevention/pushes/{push['id']}/approve").status_code == 403
    approved = login("prevention_a2").post(f"/api/v1/prevention/pushes/{push['id']}/approve").json()
    assert approved["status"] == "queued" and len(approved["deliveries"]) == 2
    assert login("prevention_a2").post(f"/api/v1/prevention/pushes/{push['id']}/reject").status_code == 409


def test_another_station_cannot_see_or_push_to_this_stations_groups(
    login, session: Session, world: World, settings: Any, now: datetime
) -> None:
    mine = _group(login("prevention_a"), "http://127.0.0.1:9/send?key=a")
    other = login("prevention")  # the centre registers a group in station B
    theirs = _group(other, "http://127.0.0.1:9/send?key=b", grid=GRID_B1)
    client = login("prevention_a")
    assert [g["id"] for g in client.get("/api/v1/prevention/groups").json()["items"]] == [mine]
    alert = _alert(client)
    r = _push(client, alert, [mine, theirs])
    assert r.status_code == 404 and "不在您的管辖范围内" in r.json()["error"]["message"]
    listed = client.get("/api/v1/prevention/groups").json()["items"][0]
    assert listed["admin_phone"] == "136****3333" and "address" not in listed
    r = client.post("/api/v1/prevention/groups", json={
        "grid_code": GRID_A2, "name": "x", "kind": "owners", "platform": "wechat", "members": 1,
        "channel": "wecom", "address": "not-a-url"})  # fmt: skip
    assert r.status_code == 422 and "Webhook" in r.json()["error"]["message"]


def test_alert_text_is_composed_from_local_cases_without_personal_data(
    login, session: Session, world: World
) -> None:
    elderly = {"fraud_type": "impersonate_authority", "victim_group": "elderly", "victim_age": 73}
    cases_at(session, world.principals["police_a"], GRID_A1, [3], now=utcnow(), **elderly)
    client = login("prevention_a")
    alert = client.get("/api/v1/prevention/alerts").json()["items"]
    assert alert == []
    _alert(client)
    body = client.get("/api/v1/prevention/alerts").json()["items"][0]["body"]
    assert "一名70多岁的老年人被骗 12346 元，骗子使用了共享屏幕等手法" in body
    assert "安全账户" in body and "96110" in body
    assert "王小明" not in body and "13812345678" not in body

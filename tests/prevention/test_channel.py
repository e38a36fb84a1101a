"""The public channel: published alerts only, by type and group, with a QR code and an Atom feed."""

import xml.etree.ElementTree as ET

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import World
from tests.web.test_console import HTML


def _publish(login, title: str, fraud: str, group: str | None, publish: bool = True) -> int:  # type: ignore[no-untyped-def]
    client = login("prevention_a")
    body = {"title": title, "fraud_type": fraud, "target_group": group, "node_code": "369901001"}
    alert = client.post("/api/v1/prevention/alerts", json=body).json()
    if publish:
        assert client.post(f"/api/v1/prevention/alerts/{alert['id']}/publish").json()["status"] == "published"
    return int(alert["id"])


def test_public_channel_shows_published_alerts_with_qr_and_feed(
    login, client: TestClient, session: Session, world: World
) -> None:
    elderly = _publish(login, "警惕冒充公检法", "impersonate_authority", "elderly")
    _publish(login, "学生防范刷单", "rebate_task", "student")
    draft = _publish(login, "草稿不公开", "fake_loan", None, publish=False)
    listing = client.get("/channel", headers=HTML).text
    assert "警惕冒充公检法" in listing and "学生防范刷单" in listing and "草稿不公开" not in listing
    only = client.get("/channel?group=elderly", headers=HTML).text
    assert "警惕冒充公检法" in only and "学生防范刷单" not in only
    detail = client.get(f"/channel/alerts/{elderly}", headers=HTML)
    assert detail.status_code == 200
    assert 'id="alert-qr"' in detail.text and "<svg" in detail.text and "96110" in detail.text
    assert "http://" not in detail.text.split('id="alert-qr"')[0].split("<main")[-1]  # nothing from elsewhere
    qr = client.get(f"/channel/alerts/{elderly}/qr.svg")
    assert qr.headers["content-type"].startswith("image/svg+xml") and qr.text.startswith("<svg")
    assert client.get(f"/channel/alerts/{draft}", headers=HTML).status_code == 404
    feed = ET.fromstring(client.get("/channel/feed.atom").content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in feed.findall("a:entry", ns)]
    assert sorted(titles) == ["学生防范刷单", "警惕冒充公检法"]


def test_qr_code_encodes_the_alerts_address(
    login, client: TestClient, session: Session, world: World
) -> None:
    import segno

    alert = _publish(login, "警惕", "other", None)
    expected = segno.make(f"http://testserver/channel/alerts/{alert}", error="m").svg_inline(scale=8)
    assert client.get(f"/channel/alerts/{alert}/qr.svg").text == expected

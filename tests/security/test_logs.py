"""Victim identifiers stay out of logs and caches: SQL errors carry no parameters, records are
masked, the punishment check takes the ID number in its body, not its URL, and answers carrying
personal data are marked no-store."""

import logging

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from uvicorn.logging import AccessFormatter

from fanzha.core.logmask import install_log_masking
from fanzha.core.masking import mask_in_text
from tests.factories import World

ID_NUMBER = "369901199001011234"
PHONE = "13912345678"
CARD = "6222020200112233445"


def test_sql_errors_do_not_carry_their_parameters(engine: Engine) -> None:
    with engine.connect() as conn, pytest.raises(DBAPIError) as err:
        conn.execute(text("SELECT * FROM no_such_table WHERE id_number = :v"), {"v": ID_NUMBER})
    assert ID_NUMBER not in str(err.value)


def test_every_log_record_is_masked(caplog: pytest.LogCaptureFixture) -> None:
    install_log_masking()
    with caplog.at_level(logging.INFO, logger="fanzha.test"):
        logging.getLogger("fanzha.test").warning(
            "call %s about card %s, id %s", PHONE, CARD, {"id": ID_NUMBER}
        )
        logging.getLogger("fanzha.test").error(f"failed for {ID_NUMBER}")
    logged = caplog.text
    for secret in (ID_NUMBER, PHONE, CARD):
        assert secret not in logged
    assert "1234" in logged  # the tails stay, to tell records apart


def test_access_log_lines_are_masked(caplog: pytest.LogCaptureFixture) -> None:
    install_log_masking()
    with caplog.at_level(logging.INFO, logger="uvicorn.access"):
        path = f"/api/v1/cases?q={PHONE}&id_number={ID_NUMBER}"
        logging.getLogger("uvicorn.access").info(
            '%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", path, "1.1", 200
        )
    line = AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s').format(caplog.records[0])
    assert "GET /api/v1/cases?q=" in line and " 200" in line
    assert PHONE not in line and ID_NUMBER not in line


def test_punishment_check_takes_the_id_number_in_its_body(client: TestClient, world: World) -> None:
    headers = {"Authorization": f"Bearer {world.keys['icbc-system']}"}
    url = "/api/v1/funds/punishment/check"
    r = client.post(url, json={"id_number": ID_NUMBER}, headers=headers)
    assert r.json() == {"listed": False, "ends_on": None}
    assert client.get(f"{url}?id_number={ID_NUMBER}", headers=headers).status_code == 405


@given(digits=st.from_regex(r"\A([0-9]{17}[0-9X]|1[3-9][0-9]{9}|[0-9]{16,19})\Z"), before=st.text(max_size=5))
def test_mask_in_text_leaves_no_whole_number(digits: str, before: str) -> None:
    before = before.rstrip("0123456789")
    masked = mask_in_text(f"{before}{digits} ok")
    assert digits not in masked
    assert masked.endswith(" ok")


def test_pages_and_answers_with_personal_data_are_not_stored(login, world: World) -> None:  # type: ignore[no-untyped-def]
    c: TestClient = login("commander")
    for url in ("/api/v1/cases", "/cases", "/api/v1/auth/me"):
        r = c.get(url, headers={"Accept": "text/html"} if not url.startswith("/api") else {})
        assert r.status_code == 200, url
        assert r.headers["cache-control"] == "no-store", url
    assert "no-store" not in c.get("/static/app.css").headers.get("cache-control", "")

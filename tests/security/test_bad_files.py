"""A bank statement in GBK, with a huge field or that is no XLSX gets a 422 naming the file."""

from pathlib import Path

import pytest

from tests.factories import World

HEADER = "account,counterparty_account,bank,direction,amount,balance,time,channel,counterparty_name\n"
URL = "/api/v1/funds/transactions/import"


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        (
            "gbk.csv",
            (HEADER + "6222,6223,ICBC,out,1.00,,2026-11-20T09:30:00+08:00,网银,张三\n").encode("gbk"),
            "UTF-8",
        ),
        (
            "huge.csv",
            (HEADER + '6222,6223,ICBC,out,1.00,,2026-11-20,x,"' + "长" * 200_000 + '"\n').encode(),
            "过长",
        ),
        ("bad.xlsx", b"PK\x03\x04 not really a workbook", "XLSX"),
    ],
)
def test_bad_statement_files_are_named(  # type: ignore[no-untyped-def]
    login, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, content: bytes, says: str
) -> None:
    monkeypatch.setenv("FANZHA_FUNDS_DATA_DIR", str(tmp_path))
    r = login("police_a").post(URL, files={"file": (name, content, "application/octet-stream")})
    assert r.status_code == 422, r.text
    assert r.json()["error"]["fields"][0]["field"] == "file"
    assert says in r.json()["error"]["message"]

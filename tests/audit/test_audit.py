"""The audit chain verifies, and breaks at the right row when the table is tampered with."""

from sqlalchemy import select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from fanzha.audit import service as audit
from fanzha.audit.models import AuditEntry
from fanzha.cli import app as cli_app
from tests.factories import World


def _ids(session: Session) -> list[int]:
    return list(session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))


def test_every_write_is_chained(session: Session, world: World) -> None:
    report = audit.verify_chain(session)
    assert report.ok
    assert report.checked >= len(world.nodes) + len(world.units) + len(world.users)


def test_edited_row_is_found(session: Session, world: World) -> None:
    ids = _ids(session)
    victim = ids[len(ids) // 2]
    session.execute(text("UPDATE audit_log SET actor = 'someone-else' WHERE id = :i"), {"i": victim})
    session.expire_all()
    report = audit.verify_chain(session)
    assert not report.ok
    assert report.broken_at == victim
    assert "altered" in (report.reason or "")


def test_deleted_row_breaks_the_next_link(session: Session, world: World) -> None:
    ids = _ids(session)
    victim = ids[len(ids) // 3]
    session.execute(text("DELETE FROM audit_log WHERE id = :i"), {"i": victim})
    session.expire_all()
    report = audit.verify_chain(session)
    assert report.broken_at == ids[ids.index(victim) + 1]
    assert "deleted" in (report.reason or "")


def test_values_are_stored_exactly_as_hashed(session: Session, world: World) -> None:
    from decimal import Decimal

    audit.record(session, "user:1:x", "funds.test", "thing", 7, {"amount": Decimal("10.10")}, None)
    assert audit.verify_chain(session).ok


def test_cli_verify_reports_ok(engine) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli_app, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "审计链完整" in result.output


def test_audit_api_needs_permission(login, world: World) -> None:  # type: ignore[no-untyped-def]
    assert login("police_a").get("/api/v1/audit/verify").status_code == 403
    body = login("commander").get("/api/v1/audit/verify").json()
    assert body["ok"] is True

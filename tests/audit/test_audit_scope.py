"""The audit trail is read within one's part of the tree: a station cannot read another's history."""

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from fanzha.audit import service as audit
from fanzha.audit.models import AuditEntry
from tests.factories import World
from tests.warnings.factories import add_gazetteer, make_warning, station_b_warning


def _actions(client, warning_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    r = client.get("/api/v1/audit", params={"object_type": "warning", "object_id": str(warning_id)})
    assert r.status_code == 200, r.text
    return [e["action"] for e in r.json()]


def test_a_station_reads_its_own_audit_entries_and_not_another_stations(
    login,
    session: Session,
    world: World,  # type: ignore[no-untyped-def]
) -> None:
    add_gazetteer(session, world)
    own = make_warning(session, world)  # its address lies in station A's grid
    assert own.node_path.startswith(world.principals["admin_a"].scope_path)
    other = station_b_warning(session, world)["warning_id"]
    station_a, centre = login("admin_a"), login("commander")
    assert _actions(station_a, own.id) == ["warnings.intake"]
    assert _actions(station_a, other) == []
    assert "warnings.route" in _actions(centre, other)


def test_entries_written_by_services_carry_the_records_place(session: Session, world: World) -> None:
    w = make_warning(session, world)
    entry = audit.entries_for(session, world.principals["commander"], "warning", str(w.id))[-1]
    assert (entry.action, entry.node_path) == ("warnings.intake", w.node_path)


def test_moving_an_entry_to_another_place_breaks_the_chain(session: Session, world: World) -> None:
    w = make_warning(session, world)
    about_w = (AuditEntry.object_type == "warning", AuditEntry.object_id == str(w.id))
    entry_id = max(session.scalars(select(AuditEntry.id).where(*about_w)))
    session.execute(text("UPDATE audit_log SET node_path = '/369900/369902/' WHERE id = :i"), {"i": entry_id})
    session.expire_all()
    assert audit.verify_chain(session).broken_at == entry_id

"""Per-level deadlines: domain.md defaults, overridden per jurisdiction (nearest ancestor wins)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.audit import service as audit
from fanzha.warnings.models import Level, WarningSetting

# The three deadlines of a warning, as every page, the timeline and the scheduler name them.
STEP_LABELS = {"contact": "首次联系", "visit": "上门见面", "close": "办结"}


@dataclass(frozen=True)
class Norm:
    contact_min: int
    visit_min: int | None
    close_min: int
    auto_assign: bool = False

    def due(self, start: datetime) -> tuple[datetime, datetime | None, datetime]:
        """(first contact, visit, closing) due instants for a warning received at ``start``."""
        visit = None if self.visit_min is None else start + timedelta(minutes=self.visit_min)
        return start + timedelta(minutes=self.contact_min), visit, start + timedelta(minutes=self.close_min)


DEFAULTS: dict[str, Norm] = {
    Level.HIGH: Norm(5, 30, 120),
    Level.MEDIUM: Norm(30, None, 24 * 60),
    Level.LOW: Norm(120, None, 72 * 60),
}


_ALL_SETTINGS = select(WarningSetting)  # built once: a batch's intake reads it


class Norms:
    """All overrides of one database, loaded once for a batch."""

    def __init__(self, session: Session) -> None:
        self._by_path: dict[str, dict[str, Norm]] = {}
        for s in session.scalars(_ALL_SETTINGS):
            self._by_path.setdefault(s.node_path, {})[s.level] = Norm(
                s.contact_min, s.visit_min, s.close_min, s.auto_assign
            )

    def for_path(self, path: str, level: str) -> Norm:
        if self._by_path:
            parts = path.strip("/").split("/")
            for depth in range(len(parts), 0, -1):
                found = self._by_path.get("/" + "/".join(parts[:depth]) + "/", {}).get(level)
                if found is not None:
                    return found
        return DEFAULTS[level]


def set_norm(session: Session, node_id: int, node_path: str, level: str, norm: Norm, actor: str) -> None:
    """Create or replace a jurisdiction's norm for one level (audited)."""
    row = session.scalars(
        select(WarningSetting).where(WarningSetting.node_id == node_id, WarningSetting.level == level)
    ).first()
    before = (
        None
        if row is None
        else {"contact_min": row.contact_min, "visit_min": row.visit_min, "close_min": row.close_min}
    )
    if row is None:
        row = WarningSetting(node_id=node_id, node_path=node_path, level=level, contact_min=0, close_min=0)
        session.add(row)
    row.contact_min, row.visit_min, row.close_min, row.auto_assign = (
        norm.contact_min,
        norm.visit_min,
        norm.close_min,
        norm.auto_assign,
    )
    session.flush()
    after = {"contact_min": norm.contact_min, "visit_min": norm.visit_min, "close_min": norm.close_min}
    audit.record(session, actor, "warnings.norm", "warning_setting", row.id, before, after)

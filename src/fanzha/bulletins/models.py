from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.core.db import Base, node_path_type


class StoredBulletin(Base):
    """A bulletin as it was issued: its figures and its PDF, kept so a later correction of the
    underlying records does not silently change what was already sent out."""

    __tablename__ = "bulletins_stored"
    __table_args__ = (UniqueConstraint("node_id", "period_key", name="uq_bulletins_stored_node_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction_nodes.id"))
    node_path: Mapped[str] = mapped_column(node_path_type(), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    period_key: Mapped[str] = mapped_column(String(12))
    generated_at: Mapped[datetime]
    generated_by: Mapped[str] = mapped_column(String(120))
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)


# The warnings package owns the time indexes its aggregates use (warnings.models *_COVER); the
# plain ones this branch once declared on its table are dropped by migration 0004_bulletins.

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.core.db import Base, node_path_type
from fanzha.warnings.models import EarlyWarning


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


# Access paths for the bulletin's warning aggregates (warnings.stats): a city-wide month is a
# time range over every node, which the warnings package's (node_path, received_at) index
# cannot narrow. Declared here, with their migration in the bulletins branch.
Index("ix_warnings_items_bulletin_received", EarlyWarning.received_at)
Index("ix_warnings_items_bulletin_closed", EarlyWarning.closed_at)

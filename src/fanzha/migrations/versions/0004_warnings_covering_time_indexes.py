"""warnings: covering indexes for the counts by receiving and closing time

The dashboard and bulletin aggregates read only these columns, so both databases answer them
from the index without visiting the rows (on PostgreSQL an index-only scan once vacuumed).
The bulletins branch's plain received_at / closed_at indexes become redundant (0004_bulletins).

Revision ID: 0004_warnings
Revises: 0003_warnings
Create Date: 2026-11-30 03:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004_warnings"
down_revision: str | Sequence[str] | None = "0003_warnings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    received = ["received_at", "node_path", "level", "source", "first_contact_at", "contact_due_at"]
    overdue = ["contact_overdue_at", "visit_overdue_at", "close_overdue_at"]
    op.create_index("ix_warnings_items_received_cover", "warnings_items", received + overdue)
    op.create_index(
        "ix_warnings_items_closed_cover",
        "warnings_items",
        ["closed_at", "node_path", "outcome", "amount_at_risk"],
    )


def downgrade() -> None:
    op.drop_index("ix_warnings_items_closed_cover", table_name="warnings_items")
    op.drop_index("ix_warnings_items_received_cover", table_name="warnings_items")

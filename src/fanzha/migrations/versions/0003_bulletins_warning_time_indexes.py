"""bulletins: time indexes on warnings for city-wide aggregates

Revision ID: 0003_bulletins
Revises: 0002_bulletins
Create Date: 2026-11-22 12:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003_bulletins"
down_revision: str | Sequence[str] | None = "0002_bulletins"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = "0002_warnings"


def upgrade() -> None:
    op.create_index("ix_warnings_items_bulletin_received", "warnings_items", ["received_at"])
    op.create_index("ix_warnings_items_bulletin_closed", "warnings_items", ["closed_at"])


def downgrade() -> None:
    op.drop_index("ix_warnings_items_bulletin_closed", table_name="warnings_items")
    op.drop_index("ix_warnings_items_bulletin_received", table_name="warnings_items")

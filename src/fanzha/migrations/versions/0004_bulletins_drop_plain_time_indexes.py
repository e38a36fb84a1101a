"""bulletins: drop the plain received_at / closed_at indexes on warnings

The warnings branch's covering indexes (0004_warnings) lead with the same columns and answer
every query these served, so keeping them would only slow warning intake.

Revision ID: 0004_bulletins
Revises: 0003_bulletins
Create Date: 2026-11-30 03:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004_bulletins"
down_revision: str | Sequence[str] | None = "0003_bulletins"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = "0004_warnings"


def upgrade() -> None:
    op.drop_index("ix_warnings_items_bulletin_closed", table_name="warnings_items")
    op.drop_index("ix_warnings_items_bulletin_received", table_name="warnings_items")


def downgrade() -> None:
    op.create_index("ix_warnings_items_bulletin_received", "warnings_items", ["received_at"])
    op.create_index("ix_warnings_items_bulletin_closed", "warnings_items", ["closed_at"])

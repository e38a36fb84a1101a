"""warnings: amount at risk (涉险金额), summed over dissuaded warnings as losses avoided

Revision ID: 0003_warnings
Revises: 0002_warnings
Create Date: 2026-11-30 02:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_warnings"
down_revision: str | Sequence[str] | None = "0002_warnings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("warnings_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("amount_at_risk", sa.Numeric(precision=14, scale=2), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("warnings_items", schema=None) as batch_op:
        batch_op.drop_column("amount_at_risk")

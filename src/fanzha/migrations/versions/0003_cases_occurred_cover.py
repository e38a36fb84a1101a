"""cases: covering index on occurred_at for the bulletin and dashboard aggregates

Replaces the plain occurred_at index: the counts, losses and breakdowns by type, victim group
and age over a period, and the ranking by loss, then read only the index (on PostgreSQL an
index-only scan once vacuumed).

Revision ID: 0003_cases
Revises: 0002_cases
Create Date: 2026-11-30 03:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003_cases"
down_revision: str | Sequence[str] | None = "0002_cases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_cases_occurred_cover",
        "cases",
        ["occurred_at", "node_path", "loss_amount", "fraud_type", "victim_group", "victim_age", "id"],
    )
    op.drop_index("ix_cases_occurred_at", table_name="cases")


def downgrade() -> None:
    op.create_index("ix_cases_occurred_at", "cases", ["occurred_at"])
    op.drop_index("ix_cases_occurred_cover", table_name="cases")

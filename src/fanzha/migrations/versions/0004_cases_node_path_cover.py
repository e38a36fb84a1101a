"""cases: the (node_path, occurred_at) index covers prevention's aiming scan

Replaces ``ix_cases_node_path_occurred`` with the same two leading columns followed by the
fraud type, victim group and victim age: ``cases.stats.victim_counts`` (aiming's count per grid,
fraud type and audience over three windows) then reads only the index — SQLite and PostgreSQL
both choose it for that query — instead of every case of the subtree's 13 months from the table.
Every query the old index served is served by the new one's prefix.

Revision ID: 0004_cases
Revises: 0003_cases
Create Date: 2026-12-01 15:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004_cases"
down_revision: str | Sequence[str] | None = "0003_cases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_cases_node_path_cover",
        "cases",
        ["node_path", "occurred_at", "fraud_type", "victim_group", "victim_age"],
    )
    op.drop_index("ix_cases_node_path_occurred", table_name="cases")


def downgrade() -> None:
    op.create_index("ix_cases_node_path_occurred", "cases", ["node_path", "occurred_at"])
    op.drop_index("ix_cases_node_path_cover", table_name="cases")

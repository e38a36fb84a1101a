"""warnings: the (node_path, received_at) index covers prevention's warning counts per grid

Replaces ``ix_warnings_items_path_received`` with the same two leading columns followed by the
fraud type and victim group: ``warnings.stats.grid_profile`` (aiming's warnings per grid,
fraud type and group in the period) then reads only the index on SQLite and PostgreSQL. Without
it, each warning of a listed grid was read from the table: 2.0 s of the 10× city's aiming list,
0.19 s with it (docs/benchmarks.md, prevention). Every query the old index served is served by
the new one's prefix.

Revision ID: 0006_warnings
Revises: 0005_warnings
Create Date: 2026-12-01 15:05:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006_warnings"
down_revision: str | Sequence[str] | None = "0005_warnings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_warnings_items_path_cover",
        "warnings_items",
        ["node_path", "received_at", "fraud_type", "victim_group"],
    )
    op.drop_index("ix_warnings_items_path_received", table_name="warnings_items")


def downgrade() -> None:
    op.create_index("ix_warnings_items_path_received", "warnings_items", ["node_path", "received_at"])
    op.drop_index("ix_warnings_items_path_cover", table_name="warnings_items")

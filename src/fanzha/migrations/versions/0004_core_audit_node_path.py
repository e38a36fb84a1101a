"""core: each audit entry names where the record it concerns sits in the tree

The audit API then shows a reader only their subtree's entries (a station commander could read
any station's history before). Older entries have no place and stay readable at the centre only.

Revision ID: 0004_core
Revises: 0003_core
Create Date: 2026-12-01 08:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import fanzha.core.db

revision: str = "0004_core"
down_revision: str | Sequence[str] | None = "0003_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("node_path", fanzha.core.db.node_path_type(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("node_path")

"""core: index failed logins by address, for the per-address login throttle

Revision ID: 0002_core
Revises: 0001_core
Create Date: 2026-12-01 04:45:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002_core"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_accounts_login_failures_ip_at", "accounts_login_failures", ["ip", "at"])


def downgrade() -> None:
    op.drop_index("ix_accounts_login_failures_ip_at", table_name="accounts_login_failures")

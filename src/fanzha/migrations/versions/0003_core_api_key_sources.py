"""core: the warning sources an API key may send as

Keys issued before have none, so they receive no warnings until an administrator issues a key
bound to its sources (a key could otherwise send as any source and read back another source's
warnings by re-posting their numbers).

Revision ID: 0003_core
Revises: 0002_core
Create Date: 2026-12-01 05:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_core"
down_revision: str | Sequence[str] | None = "0002_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("accounts_api_keys") as batch:
        batch.add_column(sa.Column("sources", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))


def downgrade() -> None:
    with op.batch_alter_table("accounts_api_keys") as batch:
        batch.drop_column("sources")

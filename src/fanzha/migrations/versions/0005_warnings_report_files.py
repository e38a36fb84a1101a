"""warnings: the citizen-report evidence files move from the console's table to the warnings'

The files belong to the warning a report became, so the warnings capability owns them and the
console owns no table. The rename keeps every stored file (and its id, which links name).

Revision ID: 0005_warnings
Revises: 0004_warnings
Create Date: 2026-12-01 08:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005_warnings"
down_revision: str | Sequence[str] | None = "0004_warnings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = "0002_web"


def _move(old: str, new: str) -> None:
    op.drop_index(f"ix_{old}_warning_id", table_name=old)
    op.rename_table(old, new)
    op.create_index(f"ix_{new}_warning_id", new, ["warning_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE {new} RENAME CONSTRAINT pk_{old} TO pk_{new}")
        op.execute(f"ALTER SEQUENCE {old}_id_seq RENAME TO {new}_id_seq")


def upgrade() -> None:
    _move("web_report_files", "warnings_report_files")


def downgrade() -> None:
    _move("warnings_report_files", "web_report_files")

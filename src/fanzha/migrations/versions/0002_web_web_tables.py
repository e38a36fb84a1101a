"""web tables

Revision ID: 0002_web
Revises:
Create Date: 2026-11-22 12:10:08.775985
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import fanzha.core.db

revision: str = "0002_web"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("web",)
depends_on: str | Sequence[str] | None = "0001_core"


def upgrade() -> None:
    op.create_table(
        "web_check_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", fanzha.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("input_kind", sa.String(length=20), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("fraud_type", sa.String(length=40), nullable=True),
        sa.Column("expected", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_check_feedback")),
    )
    with op.batch_alter_table("web_check_feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_check_feedback_at"), ["at"], unique=False)

    op.create_table(
        "web_report_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("warning_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("at", fanzha.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_report_files")),
    )
    with op.batch_alter_table("web_report_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_report_files_warning_id"), ["warning_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("web_report_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_report_files_warning_id"))

    op.drop_table("web_report_files")
    with op.batch_alter_table("web_check_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_check_feedback_at"))

    op.drop_table("web_check_feedback")

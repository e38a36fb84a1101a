"""detect appeals: the public check's "这个结果不对" moves from web_check_feedback to a reviewed table

Revision ID: 0001_detect
Revises:
Create Date: 2026-12-01 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import fanzha.core.db

revision: str = "0001_detect"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("detect",)
depends_on: str | Sequence[str] | None = ("0001_core", "0002_web")


def upgrade() -> None:
    op.create_table(
        "detect_appeals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", fanzha.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("input_kind", sa.String(length=20), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("fraud_type", sa.String(length=40), nullable=True),
        sa.Column("expected", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("signals", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reviewed_at", fanzha.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reviewer", sa.String(length=200), nullable=True),
        sa.Column("review_note", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_detect_appeals")),
    )
    with op.batch_alter_table("detect_appeals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_detect_appeals_at"), ["at"], unique=False)
        batch_op.create_index("ix_detect_appeals_status_at", ["status", "at"], unique=False)
    columns = "at, input_kind, verdict, fraud_type, expected"
    op.execute(
        f"INSERT INTO detect_appeals ({columns}, signals, status, review_note)"
        f" SELECT {columns}, '[]', 'pending', '' FROM web_check_feedback"
    )
    with op.batch_alter_table("web_check_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_check_feedback_at"))
    op.drop_table("web_check_feedback")


def downgrade() -> None:
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
    op.execute(
        "INSERT INTO web_check_feedback (at, input_kind, verdict, fraud_type, expected)"
        " SELECT at, input_kind, verdict, fraud_type, expected FROM detect_appeals"
    )
    op.drop_table("detect_appeals")

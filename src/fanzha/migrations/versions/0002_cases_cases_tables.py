"""cases tables

Revision ID: 0002_cases
Revises:
Create Date: 2026-11-22 11:51:12.011290
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import fanzha.core.db

revision: str = "0002_cases"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("cases",)
depends_on: str | Sequence[str] | None = "0001_core"


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_no", sa.String(length=40), nullable=False),
        sa.Column("occurred_at", fanzha.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column(
            "node_path",
            sa.String(length=200).with_variant(sa.String(length=200, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("fraud_type", sa.String(length=40), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("loss_amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("victim_name", sa.String(length=100), nullable=True),
        sa.Column("victim_phone", sa.String(length=30), nullable=True),
        sa.Column("victim_id_number", sa.String(length=30), nullable=True),
        sa.Column("victim_age", sa.Integer(), nullable=True),
        sa.Column("victim_group", sa.String(length=30), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("warning_id", sa.Integer(), nullable=True),
        sa.Column("created_at", fanzha.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("status_changed_at", fanzha.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["node_id"], ["jurisdiction_nodes.id"], name=op.f("fk_cases_node_id_jurisdiction_nodes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("case_no", name=op.f("uq_cases_case_no")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cases_fraud_type"), ["fraud_type"], unique=False)
        batch_op.create_index("ix_cases_node_path_occurred", ["node_path", "occurred_at"], unique=False)
        batch_op.create_index("ix_cases_occurred_at", ["occurred_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_victim_group"), ["victim_group"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_warning_id"), ["warning_id"], unique=False)

    op.create_table(
        "case_identifiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=300), nullable=False),
        sa.Column("raw", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_identifiers_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_identifiers")),
    )
    with op.batch_alter_table("case_identifiers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_identifiers_case_id"), ["case_id"], unique=False)
        batch_op.create_index("ix_case_identifiers_kind_value", ["kind", "value"], unique=False)


def downgrade() -> None:
    op.drop_table("case_identifiers")
    op.drop_table("cases")

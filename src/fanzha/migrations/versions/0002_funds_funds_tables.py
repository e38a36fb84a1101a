"""funds tables

Revision ID: 0002_funds
Revises:
Create Date: 2026-11-22 12:00:28.590676
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import fanzha.core.db

revision: str = "0002_funds"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("funds",)
depends_on: str | Sequence[str] | None = "0001_core"


def upgrade() -> None:
    op.create_table(
        "funds_punished",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("id_number", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column(
            "node_path",
            sa.String(length=200).with_variant(sa.String(length=200, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("listed_by", sa.String(length=120), nullable=False),
        sa.Column("listed_at", fanzha.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["node_id"], ["jurisdiction_nodes.id"], name=op.f("fk_funds_punished_node_id_jurisdiction_nodes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funds_punished")),
    )
    with op.batch_alter_table("funds_punished", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_funds_punished_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_funds_punished_id_number"), ["id_number"], unique=False)
        batch_op.create_index(batch_op.f("ix_funds_punished_node_path"), ["node_path"], unique=False)

    op.create_table(
        "funds_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column(
            "node_path",
            sa.String(length=200).with_variant(sa.String(length=200, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("bank_code", sa.String(length=20), nullable=False),
        sa.Column("account", sa.String(length=40), nullable=False),
        sa.Column("account_name", sa.String(length=100), nullable=True),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.String(length=120), nullable=False),
        sa.Column("requested_at", fanzha.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=120), nullable=True),
        sa.Column("decided_at", fanzha.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.Column("acknowledged_by", sa.String(length=120), nullable=True),
        sa.Column("acknowledged_at", fanzha.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("executed_amount", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("balance_found", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("effective_until", fanzha.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("warned_at", fanzha.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_at", fanzha.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["node_id"], ["jurisdiction_nodes.id"], name=op.f("fk_funds_requests_node_id_jurisdiction_nodes")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["funds_requests.id"], name=op.f("fk_funds_requests_parent_id_funds_requests")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funds_requests")),
    )
    with op.batch_alter_table("funds_requests", schema=None) as batch_op:
        batch_op.create_index("ix_funds_requests_account", ["account"], unique=False)
        batch_op.create_index("ix_funds_requests_bank_status", ["bank_code", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_funds_requests_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_funds_requests_node_path"), ["node_path"], unique=False)
        batch_op.create_index(batch_op.f("ix_funds_requests_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index("ix_funds_requests_status_until", ["status", "effective_until"], unique=False)


def downgrade() -> None:
    op.drop_table("funds_requests")
    op.drop_table("funds_punished")

"""warnings tables

Revision ID: 0002_warnings
Revises:
Create Date: 2026-11-22 12:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import fanzha.core.db

revision: str = "0002_warnings"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("warnings",)
depends_on: str | Sequence[str] | None = "0001_core"


def upgrade() -> None:
    #
    op.create_table(
        "warnings_gazetteer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("first_no", sa.Integer(), nullable=True),
        sa.Column("last_no", sa.Integer(), nullable=True),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["node_id"],
            ["jurisdiction_nodes.id"],
            name=op.f("fk_warnings_gazetteer_node_id_jurisdiction_nodes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warnings_gazetteer")),
    )
    with op.batch_alter_table("warnings_gazetteer", schema=None) as batch_op:
        batch_op.create_index("ix_warnings_gazetteer_kind_name", ["kind", "name"], unique=False)

    op.create_table(
        "warnings_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column(
            "node_path",
            sa.String(length=200).with_variant(sa.String(length=200, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("contact_min", sa.Integer(), nullable=False),
        sa.Column("visit_min", sa.Integer(), nullable=True),
        sa.Column("close_min", sa.Integer(), nullable=False),
        sa.Column("auto_assign", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["node_id"],
            ["jurisdiction_nodes.id"],
            name=op.f("fk_warnings_settings_node_id_jurisdiction_nodes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warnings_settings")),
        sa.UniqueConstraint("node_id", "level", name="uq_warnings_settings_node_level"),
    )
    op.create_table(
        "warnings_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("source_id", sa.String(length=100), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("issued_at", fanzha.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("received_at", fanzha.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("level_rank", sa.Integer(), nullable=False),
        sa.Column("victim_name", sa.String(length=100), nullable=True),
        sa.Column("victim_phone", sa.String(length=30), nullable=True),
        sa.Column("victim_id_number", sa.String(length=30), nullable=True),
        sa.Column("victim_address", sa.String(length=300), nullable=True),
        sa.Column("victim_age", sa.Integer(), nullable=True),
        sa.Column("victim_group", sa.String(length=20), nullable=True),
        sa.Column("fraud_type", sa.String(length=40), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column(
            "node_path",
            sa.String(length=200).with_variant(sa.String(length=200, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("route_reason", sa.String(length=300), nullable=False),
        sa.Column("routed_at", fanzha.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("claimed_at", fanzha.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("first_contact_at", fanzha.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("visited_at", fanzha.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", fanzha.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("contact_due_at", fanzha.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("visit_due_at", fanzha.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("close_due_at", fanzha.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("contact_overdue_at", fanzha.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("visit_overdue_at", fanzha.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("close_overdue_at", fanzha.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", fanzha.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("escalated_unit_id", sa.Integer(), nullable=True),
        sa.Column("feedback_seq", sa.BigInteger(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignee_id"], ["accounts_users.id"], name=op.f("fk_warnings_items_assignee_id_accounts_users")
        ),
        sa.ForeignKeyConstraint(
            ["escalated_unit_id"],
            ["jurisdiction_units.id"],
            name=op.f("fk_warnings_items_escalated_unit_id_jurisdiction_units"),
        ),
        sa.ForeignKeyConstraint(
            ["node_id"], ["jurisdiction_nodes.id"], name=op.f("fk_warnings_items_node_id_jurisdiction_nodes")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["jurisdiction_units.id"], name=op.f("fk_warnings_items_unit_id_jurisdiction_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warnings_items")),
        sa.UniqueConstraint("source", "source_id", name="uq_warnings_items_source"),
    )
    with op.batch_alter_table("warnings_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_warnings_items_assignee_id"), ["assignee_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_warnings_items_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            "ix_warnings_items_client_feedback", ["client_id", "feedback_seq"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_warnings_items_node_id"), ["node_id"], unique=False)
        batch_op.create_index("ix_warnings_items_open_due", ["state", "close_due_at"], unique=False)
        batch_op.create_index("ix_warnings_items_path_received", ["node_path", "received_at"], unique=False)
        batch_op.create_index(
            "ix_warnings_items_queue", ["state", "node_path", "level_rank", "close_due_at"], unique=False
        )
        batch_op.create_index("ix_warnings_items_source_feedback", ["source", "feedback_seq"], unique=False)

    op.create_table(
        "warnings_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("warning_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("result", sa.String(length=40), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("at", fanzha.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["warning_id"], ["warnings_items.id"], name=op.f("fk_warnings_actions_warning_id_warnings_items")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warnings_actions")),
    )
    with op.batch_alter_table("warnings_actions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_warnings_actions_warning_id"), ["warning_id"], unique=False)


def downgrade() -> None:
    #
    with op.batch_alter_table("warnings_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_warnings_actions_warning_id"))

    op.drop_table("warnings_actions")
    with op.batch_alter_table("warnings_items", schema=None) as batch_op:
        batch_op.drop_index("ix_warnings_items_source_feedback")
        batch_op.drop_index("ix_warnings_items_queue")
        batch_op.drop_index("ix_warnings_items_path_received")
        batch_op.drop_index("ix_warnings_items_open_due")
        batch_op.drop_index(batch_op.f("ix_warnings_items_node_id"))
        batch_op.drop_index("ix_warnings_items_client_feedback")
        batch_op.drop_index(batch_op.f("ix_warnings_items_case_id"))
        batch_op.drop_index(batch_op.f("ix_warnings_items_assignee_id"))

    op.drop_table("warnings_items")
    op.drop_table("warnings_settings")
    with op.batch_alter_table("warnings_gazetteer", schema=None) as batch_op:
        batch_op.drop_index("ix_warnings_gazetteer_kind_name")

    op.drop_table("warnings_gazetteer")

"""verification tables: contact codes (keyed hashes only), lookups, official numbers

Revision ID: 0001_verification
Revises:
Create Date: 2026-12-01 04:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import fanzha.core.db

revision: str = "0001_verification"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("verification",)
depends_on: str | Sequence[str] | None = "0001_core"

PATH = sa.String(length=200).with_variant(sa.String(length=200, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "verification_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("warning_id", sa.Integer(), nullable=False),
        sa.Column("node_path", PATH, nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("officer_label", sa.String(length=80), nullable=False),
        sa.Column("unit_name", sa.String(length=100), nullable=False),
        sa.Column("contacted_at", fanzha.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", fanzha.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verification_codes")),
    )
    with op.batch_alter_table("verification_codes", schema=None) as batch_op:
        batch_op.create_index("ix_verification_codes_hash_expires", ["code_hash", "expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_verification_codes_warning_id"), ["warning_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_verification_codes_node_path"), ["node_path"], unique=False)
        batch_op.create_index(batch_op.f("ix_verification_codes_officer_id"), ["officer_id"], unique=False)
    op.create_table(
        "verification_lookups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=True),
        sa.Column("at", fanzha.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("client", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["code_id"],
            ["verification_codes.id"],
            name=op.f("fk_verification_lookups_code_id_verification_codes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verification_lookups")),
    )
    with op.batch_alter_table("verification_lookups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_verification_lookups_code_id"), ["code_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_verification_lookups_at"), ["at"], unique=False)
    op.create_table(
        "verification_numbers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=False),
        sa.Column("node_path", PATH, nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("created_at", fanzha.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verification_numbers")),
        sa.UniqueConstraint("number", name=op.f("uq_verification_numbers_number")),
    )
    with op.batch_alter_table("verification_numbers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_verification_numbers_node_path"), ["node_path"], unique=False)


def downgrade() -> None:
    op.drop_table("verification_numbers")
    op.drop_table("verification_lookups")
    op.drop_table("verification_codes")

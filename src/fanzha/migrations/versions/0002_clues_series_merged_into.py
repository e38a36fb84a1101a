"""clues: index series.merged_into

A merge relabels the series that pointed at an absorbed one (``UPDATE series SET merged_into =
… WHERE merged_into IN (…)``). Without an index each merge read the whole series table, which
grows by one row for nearly every new warning: a city's index holds about 100,000 series.

Revision ID: 0002_clues
Revises: 0001_clues
Create Date: 2026-12-03 03:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002_clues"
down_revision: str | Sequence[str] | None = "0001_clues"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_series_merged_into", "series", ["merged_into"])


def downgrade() -> None:
    op.drop_index("ix_series_merged_into", table_name="series")

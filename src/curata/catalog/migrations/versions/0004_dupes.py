"""duplicate resolutions (what resolve_duplicates changed, to undo it)

Revision ID: 0004_dupes
Revises: 0003_sel18
Create Date: 2026-12-04 15:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_dupes"
down_revision = "0003_sel18"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "duplicate_resolutions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("keeper_id", sa.Integer(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("undone_at", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["keeper_id"], ["assets.id"]),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("duplicate_resolutions")

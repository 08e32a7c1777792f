"""scan roots; export intent

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 20:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scan_roots",
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("follow_links", sa.Boolean(), nullable=False),
        sa.Column("first_scan", sa.Float(), nullable=False),
        sa.Column("last_scan", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("path"),
    )
    with op.batch_alter_table("selection_exports", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("state", sa.String(length=16), nullable=False, server_default="complete")
        )
        batch_op.add_column(sa.Column("staging", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("previous", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("selection_exports", schema=None) as batch_op:
        batch_op.drop_column("previous")
        batch_op.drop_column("staging")
        batch_op.drop_column("state")
    op.drop_table("scan_roots")

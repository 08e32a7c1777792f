"""selection ids per project; budgets per selection; tag numbers by one grammar

Revision ID: 0003_sel18
Revises: 0002
Create Date: 2026-12-04 14:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from curata.numbers import parse_number

revision = "0003_sel18"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("selections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("slug", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("budget_amount", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("budget_currency", sa.String(length=8), nullable=True))
    op.execute("UPDATE selections SET slug = id")
    with op.batch_alter_table("selections", schema=None) as batch_op:
        batch_op.alter_column("slug", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint("uq_selection_slug", ["project_id", "slug"])
    # Tag values such as "1_000" or "٣" were read as numbers; only the grammar counts now.
    conn = op.get_bind()
    tags = sa.table("tags", sa.column("id"), sa.column("value"), sa.column("num_value"))
    rows = conn.execute(sa.select(tags.c.id, tags.c.value).where(tags.c.num_value.is_not(None)))
    for tag_id in [r.id for r in rows if parse_number(r.value) is None]:
        conn.execute(sa.update(tags).where(tags.c.id == tag_id).values(num_value=None))


def downgrade() -> None:
    with op.batch_alter_table("selections", schema=None) as batch_op:
        batch_op.drop_constraint("uq_selection_slug", type_="unique")
        batch_op.drop_column("budget_currency")
        batch_op.drop_column("budget_amount")
        batch_op.drop_column("slug")

"""initial catalog

Revision ID: 0001
Revises:
Create Date: 2026-11-21 19:41:34.176699
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ingest_errors",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("occurred_at", sa.Float(), nullable=False),
        sa.Column("file_size", sa.BigInteger(), nullable=True),
        sa.Column("mtime", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ingest_errors", schema=None) as batch_op:
        batch_op.create_index("ix_ingest_errors_path", ["path"], unique=False)

    op.create_table(
        "projects",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("budget_amount", sa.Float(), nullable=True),
        sa.Column("budget_currency", sa.String(length=8), nullable=True),
        sa.Column("status", sa.String(length=16), server_default="active", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "provider_priorities",
        sa.Column("media_type", sa.String(length=32), nullable=False),
        sa.Column("asset_type", sa.String(length=32), nullable=False),
        sa.Column("providers", sa.JSON(), nullable=False),
        sa.Column("disabled", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("media_type", "asset_type"),
    )
    op.create_table(
        "saved_searches",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "name", name="uq_saved_search_name"),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "tags",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=True),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("num_value", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    with op.batch_alter_table("tags", schema=None) as batch_op:
        batch_op.create_index("ix_tags_key_value", ["key", "value"], unique=False)
        batch_op.create_index("ix_tags_value", ["value"], unique=False)

    op.create_table(
        "assets",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=16), nullable=False),
        sa.Column("file_format", sa.String(length=32), nullable=True),
        sa.Column("file_size", sa.BigInteger(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("duration", sa.Float(), nullable=True),
        sa.Column("ai_source", sa.String(length=32), nullable=True),
        sa.Column("quality_rating", sa.Integer(), nullable=True),
        sa.Column("project_id", sa.String(length=64), nullable=True),
        sa.Column("prompt", sa.Text(), nullable=True),
        sa.Column("negative_prompt", sa.Text(), nullable=True),
        sa.Column("meta", sa.JSON(), nullable=False),
        sa.Column("phash", sa.BigInteger(), nullable=True),
        sa.Column("dhash", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=True),
        sa.Column("modified_at", sa.Float(), nullable=True),
        sa.Column("discovered_at", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("content_hash"),
    )
    with op.batch_alter_table("assets", schema=None) as batch_op:
        batch_op.create_index("ix_assets_ai_source", ["ai_source"], unique=False)
        batch_op.create_index("ix_assets_created", ["created_at"], unique=False)
        batch_op.create_index("ix_assets_media_type", ["media_type"], unique=False)
        batch_op.create_index("ix_assets_phash", ["phash"], unique=False)
        batch_op.create_index("ix_assets_project", ["project_id"], unique=False)
        batch_op.create_index("ix_assets_quality", ["quality_rating"], unique=False)
        batch_op.create_index("ix_assets_updated", ["updated_at"], unique=False)

    op.create_table(
        "selections",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("constraints", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("selections", schema=None) as batch_op:
        batch_op.create_index("ix_selections_project", ["project_id"], unique=False)

    op.create_table(
        "asset_tags",
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["asset_id"], ["assets.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["tag_id"], ["tags.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("asset_id", "tag_id"),
    )
    with op.batch_alter_table("asset_tags", schema=None) as batch_op:
        batch_op.create_index("ix_asset_tags_tag", ["tag_id", "asset_id"], unique=False)

    op.create_table(
        "raw_blocks",
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("blocks", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["asset_id"], ["assets.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("asset_id"),
    )
    op.create_table(
        "frame_hashes",
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Float(), nullable=False),
        sa.Column("phash", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["asset_id"], ["assets.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("asset_id", "position"),
    )
    op.create_table(
        "locations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("file_size", sa.BigInteger(), nullable=False),
        sa.Column("mtime", sa.Float(), nullable=False),
        sa.Column("sidecar_sig", sa.Text(), nullable=True),
        sa.Column("missing", sa.Boolean(), nullable=False),
        sa.Column("missing_since", sa.Float(), nullable=True),
        sa.Column("first_seen", sa.Float(), nullable=False),
        sa.Column("last_seen", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["asset_id"], ["assets.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("path"),
    )
    with op.batch_alter_table("locations", schema=None) as batch_op:
        batch_op.create_index("ix_locations_asset", ["asset_id"], unique=False)

    op.create_table(
        "selection_exports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("selection_id", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["selection_id"], ["selections.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "selection_groups",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("selection_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["selection_id"], ["selections.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("selection_id", "name", name="uq_selection_group_name"),
    )
    op.create_table(
        "selection_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("selection_id", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.Text(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("asset_hashes", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["selection_id"], ["selections.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("selection_history", schema=None) as batch_op:
        batch_op.create_index("ix_selection_history_selection", ["selection_id"], unique=False)

    op.create_table(
        "selection_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("selection_id", sa.String(length=64), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("file_path", sa.Text(), nullable=True),
        sa.Column("selection_reason", sa.Text(), nullable=True),
        sa.Column("quality_notes", sa.Text(), nullable=True),
        sa.Column("usage_notes", sa.Text(), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("role", sa.Text(), nullable=True),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("custom_metadata", sa.JSON(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["assets.id"],
        ),
        sa.ForeignKeyConstraint(["group_id"], ["selection_groups.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["selection_id"], ["selections.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("selection_id", "asset_id", name="uq_selection_item_asset"),
    )
    with op.batch_alter_table("selection_items", schema=None) as batch_op:
        batch_op.create_index("ix_selection_items_asset", ["asset_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("selection_items", schema=None) as batch_op:
        batch_op.drop_index("ix_selection_items_asset")

    op.drop_table("selection_items")
    with op.batch_alter_table("selection_history", schema=None) as batch_op:
        batch_op.drop_index("ix_selection_history_selection")

    op.drop_table("selection_history")
    op.drop_table("selection_groups")
    op.drop_table("selection_exports")
    with op.batch_alter_table("locations", schema=None) as batch_op:
        batch_op.drop_index("ix_locations_asset")

    op.drop_table("locations")
    op.drop_table("frame_hashes")
    op.drop_table("raw_blocks")
    with op.batch_alter_table("asset_tags", schema=None) as batch_op:
        batch_op.drop_index("ix_asset_tags_tag")

    op.drop_table("asset_tags")
    with op.batch_alter_table("selections", schema=None) as batch_op:
        batch_op.drop_index("ix_selections_project")

    op.drop_table("selections")
    with op.batch_alter_table("assets", schema=None) as batch_op:
        batch_op.drop_index("ix_assets_updated")
        batch_op.drop_index("ix_assets_quality")
        batch_op.drop_index("ix_assets_project")
        batch_op.drop_index("ix_assets_phash")
        batch_op.drop_index("ix_assets_media_type")
        batch_op.drop_index("ix_assets_created")
        batch_op.drop_index("ix_assets_ai_source")

    op.drop_table("assets")
    with op.batch_alter_table("tags", schema=None) as batch_op:
        batch_op.drop_index("ix_tags_value")
        batch_op.drop_index("ix_tags_key_value")

    op.drop_table("tags")
    op.drop_table("settings")
    op.drop_table("saved_searches")
    op.drop_table("provider_priorities")
    op.drop_table("projects")
    with op.batch_alter_table("ingest_errors", schema=None) as batch_op:
        batch_op.drop_index("ix_ingest_errors_path")

    op.drop_table("ingest_errors")

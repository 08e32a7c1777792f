"""The catalog's tables (SQLAlchemy Core). Portable across SQLite and PostgreSQL.

Conventions:
- ``assets.id`` is a compact integer used for joins and in-memory indexes; the public
  identity is ``content_hash`` (SHA-256 hex of the file bytes).
- Asset timestamps are UTC epoch seconds (``Float``): cheap to load, sort and compare
  at a million rows on both backends; models turn them into ``datetime``.
- Perceptual hashes are 64-bit integers stored signed (two's complement) because both
  backends' BIGINT is signed; :func:`curata.catalog.codec.to_signed64` converts.
- Other tables use timezone-aware ``DateTime``.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

projects = Table(
    "projects",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("description", Text),
    Column("budget_amount", Float),
    Column("budget_currency", String(8)),
    Column("status", String(16), nullable=False, server_default="active"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

assets = Table(
    "assets",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("media_type", String(16), nullable=False),
    Column("file_format", String(32)),
    Column("file_size", BigInteger, nullable=False),
    Column("width", Integer),
    Column("height", Integer),
    Column("duration", Float),
    Column("ai_source", String(32)),
    Column("quality_rating", Integer),
    Column("project_id", String(64), ForeignKey("projects.id", ondelete="SET NULL")),
    Column("prompt", Text),
    Column("negative_prompt", Text),
    Column("meta", JSON, nullable=False, default=dict),
    Column("phash", BigInteger),
    Column("dhash", BigInteger),
    Column("created_at", Float),
    Column("modified_at", Float),
    Column("discovered_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
)
Index("ix_assets_media_type", assets.c.media_type)
Index("ix_assets_ai_source", assets.c.ai_source)
Index("ix_assets_project", assets.c.project_id)
Index("ix_assets_quality", assets.c.quality_rating)
Index("ix_assets_created", assets.c.created_at)
Index("ix_assets_phash", assets.c.phash)
Index("ix_assets_updated", assets.c.updated_at)

raw_blocks = Table(
    "raw_blocks",
    metadata,
    Column("asset_id", Integer, ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True),
    Column("blocks", JSON, nullable=False),
)

frame_hashes = Table(
    "frame_hashes",
    metadata,
    Column("asset_id", Integer, ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Float, primary_key=True),
    Column("phash", BigInteger, nullable=False),
)

locations = Table(
    "locations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("asset_id", Integer, ForeignKey("assets.id", ondelete="CASCADE"), nullable=False),
    Column("path", Text, nullable=False, unique=True),
    Column("file_size", BigInteger, nullable=False),
    Column("mtime", Float, nullable=False),
    Column("sidecar_sig", Text),
    Column("missing", Boolean, nullable=False, default=False),
    Column("missing_since", Float),
    Column("first_seen", Float, nullable=False),
    Column("last_seen", Float, nullable=False),
)
Index("ix_locations_asset", locations.c.asset_id)

tags = Table(
    "tags",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False, unique=True),
    Column("key", Text),
    Column("value", Text, nullable=False),
    Column("num_value", Float),
)
Index("ix_tags_key_value", tags.c.key, tags.c.value)
Index("ix_tags_value", tags.c.value)

asset_tags = Table(
    "asset_tags",
    metadata,
    Column("asset_id", Integer, ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", Integer, ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
    Column("source", String(16), nullable=False, default="user"),
)
Index("ix_asset_tags_tag", asset_tags.c.tag_id, asset_tags.c.asset_id)

ingest_errors = Table(
    "ingest_errors",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("path", Text, nullable=False),
    Column("level", String(8), nullable=False, default="error"),
    Column("reason", Text, nullable=False),
    Column("occurred_at", Float, nullable=False),
    Column("file_size", BigInteger),
    Column("mtime", Float),
)
Index("ix_ingest_errors_path", ingest_errors.c.path)

saved_searches = Table(
    "saved_searches",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("project_id", String(64), nullable=False, default=""),
    Column("name", Text, nullable=False),
    Column("description", Text),
    Column("request", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("project_id", "name", name="uq_saved_search_name"),
)

selections = Table(
    "selections",
    metadata,
    # The row's key, referenced by items, groups, history and exports; never shown. The
    # id users see is ``slug``, unique within the project (the key is the slug when no
    # other project took it, else a random hex string).
    Column("id", String(64), primary_key=True),
    Column("project_id", String(64), ForeignKey("projects.id"), nullable=False),
    Column("slug", String(64), nullable=False),
    Column("name", Text, nullable=False),
    Column("purpose", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("description", Text),
    Column("criteria", JSON, nullable=False, default=dict),
    Column("tags", JSON, nullable=False, default=list),
    Column("constraints", JSON, nullable=False, default=dict),
    Column("budget_amount", Float),
    Column("budget_currency", String(8)),
    Column("created_by", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("project_id", "slug", name="uq_selection_slug"),
)
Index("ix_selections_project", selections.c.project_id)

selection_groups = Table(
    "selection_groups",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "selection_id", String(64), ForeignKey("selections.id", ondelete="CASCADE"), nullable=False
    ),
    Column("name", Text, nullable=False),
    Column("description", Text),
    Column("position", Integer, nullable=False, default=0),
    UniqueConstraint("selection_id", "name", name="uq_selection_group_name"),
)

selection_items = Table(
    "selection_items",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "selection_id", String(64), ForeignKey("selections.id", ondelete="CASCADE"), nullable=False
    ),
    Column("asset_id", Integer, ForeignKey("assets.id"), nullable=False),
    Column("file_path", Text),
    Column("selection_reason", Text),
    Column("quality_notes", Text),
    Column("usage_notes", Text),
    Column("tags", JSON, nullable=False, default=list),
    Column("role", Text),
    Column("group_id", Integer, ForeignKey("selection_groups.id", ondelete="SET NULL")),
    Column("position", Integer, nullable=False, default=0),
    Column("custom_metadata", JSON, nullable=False, default=dict),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Column("added_by", Text),
    UniqueConstraint("selection_id", "asset_id", name="uq_selection_item_asset"),
)
Index("ix_selection_items_asset", selection_items.c.asset_id)

selection_history = Table(
    "selection_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "selection_id", String(64), ForeignKey("selections.id", ondelete="CASCADE"), nullable=False
    ),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", Text),
    Column("action", String(32), nullable=False),
    Column("asset_hashes", JSON, nullable=False, default=list),
    Column("notes", Text),
    Column("before", JSON),
    Column("after", JSON),
)
Index("ix_selection_history_selection", selection_history.c.selection_id)

selection_exports = Table(
    "selection_exports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "selection_id", String(64), ForeignKey("selections.id", ondelete="CASCADE"), nullable=False
    ),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("path", Text, nullable=False),
    Column("item_count", Integer, nullable=False),
    Column("settings", JSON, nullable=False, default=dict),
    Column("actor", Text),
    # "pending" from just before the rename into place until the record is complete;
    # the next open completes (target in place and verified) or rolls back a pending one.
    Column("state", String(16), nullable=False, default="complete"),
    Column("staging", Text),  # the temporary folder or zip beside the target
    Column("previous", Text),  # where a replaced export was moved aside
)

scan_roots = Table(
    "scan_roots",
    metadata,
    Column("path", Text, primary_key=True),  # resolved real path, through codec.path_to_db
    Column("follow_links", Boolean, nullable=False, default=False),
    Column("first_scan", Float, nullable=False),
    Column("last_scan", Float, nullable=False),
)

settings = Table(
    "settings",
    metadata,
    Column("key", String(128), primary_key=True),
    Column("value", JSON, nullable=False),
)

provider_priorities = Table(
    "provider_priorities",
    metadata,
    Column("media_type", String(32), primary_key=True),
    Column("asset_type", String(32), primary_key=True),
    Column("providers", JSON, nullable=False),
    Column("disabled", JSON, nullable=False, default=list),
)

# What resolve_duplicates changed (so that it can be undone): the keeper, the others,
# the tags, ratings and selection items it added. Files are never touched.
duplicate_resolutions = Table(
    "duplicate_resolutions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("keeper_id", Integer, ForeignKey("assets.id"), nullable=False),
    Column("changes", JSON, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("undone_at", Float),
)

"""Writing many assets at once: imports, test catalogs and the search benchmark.

One call inserts a batch of new assets with their first location and their tags in
the caller's transaction; each statement is an ``executemany``, so a million assets
go in within a minute or two on SQLite.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, select

from curata.catalog.codec import path_to_db
from curata.catalog.schema import asset_tags, assets, locations
from curata.catalog.tags import ensure_tags

_CHUNK = 5000


@dataclass
class NewAsset:
    """A new asset as a bulk import gives it: its columns, one path and its tags."""

    content_hash: str
    path: str
    file_size: int
    media_type: str = "image"
    file_format: str | None = None
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    ai_source: str | None = None
    quality_rating: int | None = None
    project_id: str | None = None
    prompt: str | None = None
    negative_prompt: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    created_at: float | None = None
    modified_at: float | None = None
    discovered_at: float = 0.0
    tags: Sequence[str] = ()


def insert_assets(
    conn: Connection, items: Sequence[NewAsset], now: float, *, tag_source: str = "user"
) -> list[int]:
    """Insert new assets (hashes not yet cataloged); returns their ids in order.

    Tag names must already be normalized (``models.assets.normalize_tag``).
    """
    if not items:
        return []
    _executemany(
        conn,
        assets,
        _ASSET_COLUMNS,
        [
            (
                a.content_hash,
                a.media_type,
                a.file_format,
                a.file_size,
                a.width,
                a.height,
                a.duration,
                a.ai_source,
                a.quality_rating,
                a.project_id,
                a.prompt,
                a.negative_prompt,
                json.dumps(a.meta),
                a.created_at,
                a.modified_at,
                a.discovered_at,
                now,
            )
            for a in items
        ],
    )
    ids_by_hash: dict[str, int] = {}
    hashes = [a.content_hash for a in items]
    for start in range(0, len(hashes), _CHUNK):
        chunk = hashes[start : start + _CHUNK]
        ids_by_hash.update(
            conn.execute(
                select(assets.c.content_hash, assets.c.id).where(assets.c.content_hash.in_(chunk))
            ).all()
        )
    ids = [ids_by_hash[h] for h in hashes]
    _executemany(
        conn,
        locations,
        ("asset_id", "path", "file_size", "mtime", "missing", "first_seen", "last_seen"),
        [
            (
                asset_id,
                path_to_db(a.path),
                a.file_size,
                a.modified_at if a.modified_at is not None else now,
                False,
                a.discovered_at,
                now,
            )
            for asset_id, a in zip(ids, items, strict=True)
        ],
    )
    names = sorted({t for a in items for t in a.tags})
    tag_ids: dict[str, int] = {}
    for start in range(0, len(names), _CHUNK):
        tag_ids.update(ensure_tags(conn, names[start : start + _CHUNK]))
    _executemany(
        conn,
        asset_tags,
        ("asset_id", "tag_id", "source"),
        [
            (asset_id, tag_ids[t], tag_source)
            for asset_id, a in zip(ids, items, strict=True)
            for t in dict.fromkeys(a.tags)
        ],
    )
    return ids


_ASSET_COLUMNS = (
    "content_hash",
    "media_type",
    "file_format",
    "file_size",
    "width",
    "height",
    "duration",
    "ai_source",
    "quality_rating",
    "project_id",
    "prompt",
    "negative_prompt",
    "meta",
    "created_at",
    "modified_at",
    "discovered_at",
    "updated_at",
)


def _executemany(
    conn: Connection, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """One driver-level ``executemany``: SQLAlchemy's per-row parameter processing
    costs more than the insert itself at this volume (values must be driver-ready)."""
    if not rows:
        return
    mark = {"qmark": "?", "numeric": ":{}", "format": "%s", "pyformat": "%s"}[
        conn.dialect.paramstyle
    ]
    marks = ", ".join(mark.format(i + 1) for i in range(len(columns)))
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"
    conn.exec_driver_sql(sql, rows)

"""What thumbnails are made from: one present location of each image asset."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Connection, select

from curata.catalog.codec import path_from_db
from curata.catalog.schema import assets, locations
from curata.models.assets import MediaType


def image_sources(
    conn: Connection, hashes: Collection[str] | None = None
) -> list[tuple[str, str, int, float]]:
    """``(content hash, path, file size, mtime)`` of one present location of every image
    asset (or of those among ``hashes``), the most recently discovered first."""
    query = (
        select(assets.c.content_hash, locations.c.path, locations.c.file_size, locations.c.mtime)
        .join(locations, locations.c.asset_id == assets.c.id)
        .where(assets.c.media_type == MediaType.IMAGE.value, locations.c.missing.is_(False))
        .order_by(assets.c.id.desc(), locations.c.id)
    )
    wanted = None if hashes is None else list(dict.fromkeys(hashes))
    found: dict[str, tuple[str, str, int, float]] = {}
    chunks = [None] if wanted is None else [wanted[i : i + 500] for i in range(0, len(wanted), 500)]
    for chunk in chunks:
        rows = conn.execute(
            query if chunk is None else query.where(assets.c.content_hash.in_(chunk))
        )
        for digest, path, size, mtime in rows:
            found.setdefault(digest, (digest, path_from_db(path), size, mtime))
    return list(found.values())

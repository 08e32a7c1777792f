"""What thumbnails are made from: one present location of each image, video and audio
asset (:mod:`curata.ingest.thumbnails` says what each shows)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Connection, select

from curata.catalog.codec import path_from_db
from curata.catalog.schema import assets, locations
from curata.models.assets import MediaType

#: The media types that have a picture to show.
PICTURED = (MediaType.IMAGE.value, MediaType.VIDEO.value, MediaType.AUDIO.value)


def thumbnail_sources(
    conn: Connection, hashes: Collection[str] | None = None
) -> list[tuple[str, str, int, float, str]]:
    """``(content hash, path, file size, mtime, media type)`` of one present location of
    every pictured asset (or of those among ``hashes``), the most recently discovered
    first."""
    query = (
        select(
            assets.c.content_hash,
            locations.c.path,
            locations.c.file_size,
            locations.c.mtime,
            assets.c.media_type,
        )
        .join(locations, locations.c.asset_id == assets.c.id)
        .where(assets.c.media_type.in_(PICTURED), locations.c.missing.is_(False))
        .order_by(assets.c.id.desc(), locations.c.id)
    )
    wanted = None if hashes is None else list(dict.fromkeys(hashes))
    found: dict[str, tuple[str, str, int, float, str]] = {}
    chunks = [None] if wanted is None else [wanted[i : i + 500] for i in range(0, len(wanted), 500)]
    for chunk in chunks:
        rows = conn.execute(
            query if chunk is None else query.where(assets.c.content_hash.in_(chunk))
        )
        for digest, path, size, mtime, media_type in rows:
            found.setdefault(digest, (digest, path_from_db(path), size, mtime, media_type))
    return list(found.values())

"""Assets and their file locations: recording probe results, lookups, hydration."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select, update

from curata.catalog import ingest_errors
from curata.catalog.codec import (
    epoch_to_datetime,
    hash_hex,
    path_from_db,
    path_to_db,
    to_signed64,
)
from curata.catalog.file_metadata import generation_values, store_file_metadata
from curata.catalog.schema import assets, locations, raw_blocks
from curata.catalog.sqlutil import prefix_range, under_root
from curata.catalog.tags import tags_of
from curata.errors import InvalidRequest, NotFound
from curata.models.assets import Asset, AssetDetail, AssetLocation, MediaType
from curata.models.probe import ProbeResult

_HEX = re.compile(r"[0-9a-f]+")
MIN_PREFIX = 6


@dataclass(frozen=True)
class KnownLocation:
    """A cataloged file as the scanner compares it against the filesystem."""

    asset_id: int
    file_size: int
    mtime: float
    sidecar_sig: str | None
    missing: bool


def known_locations(conn: Connection, root: str) -> dict[str, KnownLocation]:
    """Every cataloged location at or below ``root`` (an absolute path), by path."""
    rows = conn.execute(
        select(
            locations.c.path,
            locations.c.asset_id,
            locations.c.file_size,
            locations.c.mtime,
            locations.c.sidecar_sig,
            locations.c.missing,
        ).where(under_root(locations.c.path, root))
    )
    return {
        path_from_db(p): KnownLocation(a, s, m, sig, bool(miss)) for p, a, s, m, sig, miss in rows
    }


def _asset_values(r: ProbeResult) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    if r.facts:
        meta["facts"] = r.facts
    if r.notes:
        meta["notes"] = r.notes
    return {
        "media_type": r.media_type,
        "file_format": r.file_format,
        "file_size": r.file_size,
        "width": r.width,
        "height": r.height,
        "duration": r.duration,
        "phash": None if r.phash is None else to_signed64(r.phash),
        "dhash": None if r.dhash is None else to_signed64(r.dhash),
        "created_at": r.created_at if r.created_at is not None else r.mtime,
        "modified_at": r.mtime,
        **generation_values(r, meta),
        "meta": meta,
    }


def record_probe(
    conn: Connection,
    r: ProbeResult,
    now: float,
    *,
    project_id: str | None = None,
    sidecar_sig: str | None = None,
    file_exists: Callable[[str], bool],
) -> str:
    """Record one probed file; returns its outcome: new, changed, unchanged, moved, failed.

    - same bytes already cataloged: the asset is reused (one asset, many locations);
    - a new path whose asset has a location that no longer exists: that location
      moves (``first_seen`` and everything attached to the asset are kept);
    - a known path whose bytes changed: the location now points at the new asset.
    """
    path = path_to_db(r.path)
    if r.error:
        ingest_errors.record(conn, path, r.error, now, file_size=r.file_size, mtime=r.mtime)
        return "failed"
    values = _asset_values(r)
    if project_id is not None:
        values["project_id"] = project_id
    asset_id = conn.execute(
        select(assets.c.id).where(assets.c.content_hash == r.content_hash)
    ).scalar_one_or_none()
    if asset_id is None:
        asset_id = conn.execute(
            insert(assets)
            .values(content_hash=r.content_hash, discovered_at=now, updated_at=now, **values)
            .returning(assets.c.id)
        ).scalar_one()
    else:
        conn.execute(update(assets).where(assets.c.id == asset_id).values(updated_at=now, **values))
    _store_blocks(conn, asset_id, r.blocks)
    ingest_errors.clear(conn, [path])
    store_file_metadata(conn, asset_id, path, r, now)
    loc_values = {
        "asset_id": asset_id,
        "file_size": r.file_size,
        "mtime": r.mtime,
        "sidecar_sig": sidecar_sig if sidecar_sig is not None else r.sidecar_sig,
        "missing": False,
        "missing_since": None,
        "last_seen": now,
    }
    current = conn.execute(
        select(locations.c.id, locations.c.asset_id).where(locations.c.path == path)
    ).first()
    if current is not None:
        conn.execute(update(locations).where(locations.c.id == current.id).values(**loc_values))
        return "unchanged" if current.asset_id == asset_id else "changed"
    others = conn.execute(
        select(locations.c.id, locations.c.path).where(locations.c.asset_id == asset_id)
    ).all()
    for other in others:
        if not file_exists(path_from_db(other.path)):
            conn.execute(
                update(locations).where(locations.c.id == other.id).values(path=path, **loc_values)
            )
            return "moved"
    conn.execute(insert(locations).values(path=path, first_seen=now, **loc_values))
    return "new"


def _store_blocks(conn: Connection, asset_id: int, blocks: dict[str, str]) -> None:
    exists = conn.execute(
        select(raw_blocks.c.asset_id).where(raw_blocks.c.asset_id == asset_id)
    ).first()
    if exists:
        conn.execute(
            update(raw_blocks).where(raw_blocks.c.asset_id == asset_id).values(blocks=blocks)
        )
    elif blocks:
        conn.execute(insert(raw_blocks).values(asset_id=asset_id, blocks=blocks))


def mark_missing(conn: Connection, paths: Iterable[str], now: float) -> int:
    """Flag locations whose file is gone. Assets are never dropped: selections refer to
    them; their ``updated_at`` moves, so search indexes see what went missing."""
    db_paths = [path_to_db(p) for p in paths]
    total = 0
    for start in range(0, len(db_paths), 500):
        chunk = db_paths[start : start + 500]
        changed = (
            conn.execute(
                update(locations)
                .where(locations.c.path.in_(chunk), locations.c.missing.is_(False))
                .values(missing=True, missing_since=now)
            ).rowcount
            or 0
        )
        if changed:
            owners = select(locations.c.asset_id).where(locations.c.path.in_(chunk))
            conn.execute(update(assets).where(assets.c.id.in_(owners)).values(updated_at=now))
        total += changed
    return total


def marked_missing(conn: Connection, paths: Iterable[str], at: float) -> list[tuple[str, str]]:
    """``(path, content hash)`` of the locations among ``paths`` marked missing at ``at``."""
    db_paths = [path_to_db(p) for p in paths]
    found: list[tuple[str, str]] = []
    for start in range(0, len(db_paths), 500):
        rows = conn.execute(
            select(locations.c.path, assets.c.content_hash)
            .join(assets, assets.c.id == locations.c.asset_id)
            .where(locations.c.path.in_(db_paths[start : start + 500]))
            .where(locations.c.missing_since == at)
        )
        found.extend((path_from_db(p), h) for p, h in rows)
    return found


def resolve(conn: Connection, ref: str) -> int:
    """The asset id of a content hash, a unique hash prefix (6+ hex digits) or a cataloged path."""
    text = ref.strip()
    lowered = text.lower()
    found: int | None
    if _HEX.fullmatch(lowered) and len(lowered) >= MIN_PREFIX:
        if len(lowered) == 64:
            found = conn.execute(
                select(assets.c.id).where(assets.c.content_hash == lowered)
            ).scalar_one_or_none()
        else:
            ids = (
                conn.execute(
                    select(assets.c.id).where(prefix_range(assets.c.content_hash, lowered)).limit(2)
                )
                .scalars()
                .all()
            )
            if len(ids) > 1:
                raise InvalidRequest(f"hash prefix {text!r} matches several assets", field="asset")
            found = ids[0] if ids else None
        if found is not None:
            return int(found)
    path = os.path.abspath(os.path.expanduser(text))
    found = conn.execute(
        select(locations.c.asset_id).where(locations.c.path == path_to_db(path))
    ).scalar_one_or_none()
    if found is None:
        raise NotFound(f"no cataloged asset with hash or path {text!r}", field="asset")
    return int(found)


def resolve_many(conn: Connection, refs: Sequence[str]) -> list[int]:
    """Resolve every reference or raise for the first that fails (nothing is changed)."""
    return list(dict.fromkeys(resolve(conn, r) for r in refs))


def _primary_paths(conn: Connection, asset_ids: Sequence[int]) -> dict[int, tuple[str, bool]]:
    """The path shown for each asset (its oldest present location, else its oldest
    one) and whether it is missing (then every location is)."""
    out: dict[int, tuple[str, bool]] = {}
    rows = conn.execute(
        select(locations.c.asset_id, locations.c.path, locations.c.missing)
        .where(locations.c.asset_id.in_(asset_ids))
        .order_by(locations.c.missing, locations.c.id)
    )
    for asset_id, path, missing in rows:
        out.setdefault(asset_id, (path_from_db(path), bool(missing)))
    return out


def _asset_from_row(row: Any, primary: tuple[str, bool], tag_names: list[str]) -> dict[str, Any]:
    meta = dict(row.meta or {})
    if row.width is not None and row.height is not None:
        meta["dimensions"] = {"width": row.width, "height": row.height}
    if row.duration is not None:
        meta["duration"] = row.duration
    if row.prompt:
        meta["prompt"] = row.prompt
    if row.negative_prompt:
        meta["negative_prompt"] = row.negative_prompt
    return {
        "content_hash": row.content_hash,
        "file_path": primary[0],
        "missing": primary[1],
        "media_type": MediaType(row.media_type),
        "file_size": row.file_size,
        "file_format": row.file_format,
        "tags": tag_names,
        "ai_source": row.ai_source,
        "quality_rating": row.quality_rating,
        "project": row.project_id,
        "created_at": epoch_to_datetime(row.created_at),
        "modified_at": epoch_to_datetime(row.modified_at),
        "discovered_at": epoch_to_datetime(row.discovered_at),
        "metadata": meta,
    }


def load_assets(conn: Connection, asset_ids: Sequence[int]) -> list[Asset]:
    """Assets in the spec's shape, in the order of ``asset_ids`` (unknown ids are skipped)."""
    ids = list(asset_ids)
    if not ids:
        return []
    rows = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        for row in conn.execute(select(assets).where(assets.c.id.in_(chunk))):
            rows[row.id] = row
    paths = _primary_paths(conn, ids)
    tag_map = tags_of(conn, ids)
    return [
        Asset(**_asset_from_row(rows[i], paths.get(i, ("", False)), tag_map.get(i, [])))
        for i in ids
        if i in rows
    ]


def load_detail(conn: Connection, asset_id: int) -> AssetDetail:
    row = conn.execute(select(assets).where(assets.c.id == asset_id)).one()
    locs = conn.execute(
        select(locations).where(locations.c.asset_id == asset_id).order_by(locations.c.id)
    ).all()
    blocks = conn.execute(
        select(raw_blocks.c.blocks).where(raw_blocks.c.asset_id == asset_id)
    ).scalar_one_or_none()
    fields = _asset_from_row(
        row,
        _primary_paths(conn, [asset_id]).get(asset_id, ("", False)),
        tags_of(conn, [asset_id])[asset_id],
    )
    return AssetDetail(
        **fields,
        locations=[
            AssetLocation(
                path=path_from_db(loc.path),
                file_size=loc.file_size,
                mtime=loc.mtime,
                missing=loc.missing,
                missing_since=epoch_to_datetime(loc.missing_since),
            )
            for loc in locs
        ],
        phash=hash_hex(row.phash),
        dhash=hash_hex(row.dhash),
        notes=list((row.meta or {}).get("notes", [])),
        raw_blocks=blocks or {},
    )


def set_rating(conn: Connection, asset_ids: Sequence[int], rating: int | None, now: float) -> None:
    conn.execute(
        update(assets)
        .where(assets.c.id.in_(asset_ids))
        .values(quality_rating=rating, updated_at=now)
    )


def hashes_of(conn: Connection, asset_ids: Sequence[int]) -> list[str]:
    found = dict(
        conn.execute(
            select(assets.c.id, assets.c.content_hash).where(assets.c.id.in_(asset_ids))
        ).all()
    )
    return [found[i] for i in asset_ids if i in found]

"""What similarity search reads from the catalog: hashes, copies, keeper facts.

The change stamp it syncs on is :func:`curata.catalog.search.change_marks` (shared
with the search index).

``assets.phash`` is a signed BIGINT (two's complement of the unsigned hash); the
arrays returned here are int64 and are reinterpreted as uint64 without a copy by
:func:`curata.similarity.bits.as_codes`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import CompoundSelect, Connection, Select, false, func, insert, or_, select, update

from curata.catalog.codec import path_from_db
from curata.catalog.schema import assets, duplicate_resolutions, frame_hashes, locations

_CHUNK = 900


@dataclass(frozen=True)
class HashRows:
    """``ids`` (ascending) with their pHash bits; ``present`` is False where phash is NULL."""

    ids: np.ndarray
    codes: np.ndarray
    present: np.ndarray


@dataclass(frozen=True)
class KeeperFacts:
    """What the keeper rule compares for one asset (``generation``: it carries a prompt
    or a recognised generator), and its pHash (signed, or None)."""

    asset_id: int
    width: int | None
    height: int | None
    quality_rating: int | None
    file_size: int
    created_at: float | None
    content_hash: str
    generation: bool
    phash: int | None


@dataclass(frozen=True)
class CopyLocation:
    asset_id: int
    path: str
    file_size: int
    mtime: float
    first_seen: float


def hash_rows(
    conn: Connection, updated_since: float | None = None, after_id: int | None = None
) -> HashRows:
    """Every asset's (id, phash). With ``updated_since``: only rows updated at or after it
    or with an id above ``after_id``, including rows whose hash is now NULL (so that a
    reload drops them)."""
    columns = (assets.c.id, assets.c.phash)
    stmt: Select[Any] | CompoundSelect[Any]
    if updated_since is None:
        stmt = select(*columns).where(assets.c.phash.is_not(None)).order_by(assets.c.id)
    else:
        # A UNION, not an OR: each half is served by its index (an OR scans the table).
        recent = select(*columns).where(assets.c.updated_at >= updated_since)
        added = select(*columns).where(assets.c.id > (after_id or 0))
        stmt = recent.union(added).order_by("id")
    rows = conn.execute(stmt).cursor.fetchall()  # raw driver tuples: no Row objects
    if not rows:
        empty = np.empty(0, dtype=np.int64)
        return HashRows(empty, empty, np.empty(0, dtype=bool))
    if updated_since is None:
        table = np.array(rows, dtype=np.int64).reshape(-1, 2)
        return HashRows(table[:, 0].copy(), table[:, 1].copy(), np.ones(len(rows), dtype=bool))
    present = np.fromiter((r[1] is not None for r in rows), dtype=bool, count=len(rows))
    table = np.array([(r[0], r[1] or 0) for r in rows], dtype=np.int64)
    return HashRows(table[:, 0].copy(), table[:, 1].copy(), present)


@dataclass(frozen=True)
class FrameRows:
    """Every video's sampled frames, ordered by asset then position: ``asset_ids``,
    ``positions`` (fractions of the duration), the asset's ``durations`` (seconds, 0 when
    unknown) and ``codes`` (signed pHashes, int64)."""

    asset_ids: np.ndarray
    positions: np.ndarray
    durations: np.ndarray
    codes: np.ndarray


def frame_rows(conn: Connection) -> FrameRows:
    stmt = (
        select(
            frame_hashes.c.asset_id,
            frame_hashes.c.position,
            func.coalesce(assets.c.duration, 0.0),
            frame_hashes.c.phash,
        )
        .join(assets, assets.c.id == frame_hashes.c.asset_id)
        .order_by(frame_hashes.c.asset_id, frame_hashes.c.position)
    )
    rows = conn.execute(stmt).cursor.fetchall()
    columns = list(zip(*rows, strict=True)) or [(), (), (), ()]
    return FrameRows(
        np.array(columns[0], dtype=np.int64),
        np.array(columns[1], dtype=np.float64),
        np.array(columns[2], dtype=np.float64),
        np.array(columns[3], dtype=np.int64),
    )


def phash_of(conn: Connection, asset_id: int) -> int | None:
    """The stored (signed) pHash of one asset."""
    return conn.execute(select(assets.c.phash).where(assets.c.id == asset_id)).scalar_one_or_none()


def keeper_facts(conn: Connection, asset_ids: Sequence[int]) -> dict[int, KeeperFacts]:
    out: dict[int, KeeperFacts] = {}
    ids = list(asset_ids)
    for start in range(0, len(ids), _CHUNK):
        stmt = select(
            assets.c.id,
            assets.c.width,
            assets.c.height,
            assets.c.quality_rating,
            assets.c.file_size,
            assets.c.created_at,
            assets.c.content_hash,
            or_(assets.c.prompt.is_not(None), assets.c.ai_source.is_not(None)),
            assets.c.phash,
        ).where(assets.c.id.in_(ids[start : start + _CHUNK]))
        for row in conn.execute(stmt):
            out[row[0]] = KeeperFacts(
                row[0], row[1], row[2], row[3], row[4], row[5], row[6], bool(row[7]), row[8]
            )
    return out


def tiny_ids(conn: Connection, min_edge: int) -> np.ndarray:
    """Ids of hashed images narrower or lower than ``min_edge`` pixels (ascending)."""
    stmt = (
        select(assets.c.id)
        .where(
            assets.c.phash.is_not(None),
            or_(assets.c.width < min_edge, assets.c.height < min_edge),
        )
        .order_by(assets.c.id)
    )
    return np.array(conn.execute(stmt).scalars().all(), dtype=np.int64)


@dataclass(frozen=True)
class GenerationKey:
    asset_id: int
    prompt: str
    model: str


def generation_keys(conn: Connection) -> list[GenerationKey]:
    """Assets with a prompt and a model (``meta.generation_params.model``)."""
    stmt = select(assets.c.id, assets.c.prompt, assets.c.meta).where(assets.c.prompt.is_not(None))
    out = []
    for asset_id, prompt, meta in conn.execute(stmt):
        params = (meta or {}).get("generation_params") or {}
        model = params.get("model") if isinstance(params, dict) else None
        if isinstance(model, str) and model.strip() and prompt.strip():
            out.append(GenerationKey(asset_id, prompt.strip(), model.strip()))
    return out


def copy_locations(conn: Connection) -> dict[int, list[CopyLocation]]:
    """Assets present at two or more locations (missing ones left out), with those locations."""
    present = locations.c.missing == false()
    multi = (
        select(locations.c.asset_id)
        .where(present)
        .group_by(locations.c.asset_id)
        .having(func.count() > 1)
        .subquery()
    )
    stmt = (
        select(
            locations.c.asset_id,
            locations.c.path,
            locations.c.file_size,
            locations.c.mtime,
            locations.c.first_seen,
        )
        .where(present, locations.c.asset_id.in_(select(multi.c.asset_id)))
        .order_by(locations.c.asset_id, locations.c.id)
    )
    out: dict[int, list[CopyLocation]] = {}
    for asset_id, path, size, mtime, first_seen in conn.execute(stmt):
        out.setdefault(asset_id, []).append(
            CopyLocation(asset_id, path_from_db(path), size, mtime, first_seen)
        )
    return out


def readable_paths(conn: Connection, asset_id: int) -> list[str]:
    """The asset's present locations, oldest first (to re-read its pixels)."""
    stmt = (
        select(locations.c.path)
        .where(locations.c.asset_id == asset_id, locations.c.missing == false())
        .order_by(locations.c.id)
    )
    return [path_from_db(p) for p in conn.execute(stmt).scalars()]


def record_resolution(conn: Connection, keeper_id: int, changes: dict[str, Any], now: float) -> int:
    """Store what a resolution changed; returns its id."""
    result = conn.execute(
        insert(duplicate_resolutions).values(keeper_id=keeper_id, changes=changes, created_at=now)
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def get_resolution(
    conn: Connection, resolution_id: int
) -> tuple[int, dict[str, Any], float | None] | None:
    """The keeper, the changes of one resolution and when it was undone (None: not)."""
    row = conn.execute(
        select(
            duplicate_resolutions.c.keeper_id,
            duplicate_resolutions.c.changes,
            duplicate_resolutions.c.undone_at,
        ).where(duplicate_resolutions.c.id == resolution_id)
    ).first()
    return None if row is None else (row[0], row[1], row[2])


def mark_undone(conn: Connection, resolution_id: int, now: float) -> None:
    conn.execute(
        update(duplicate_resolutions)
        .where(duplicate_resolutions.c.id == resolution_id)
        .values(undone_at=now)
    )


def set_ratings(conn: Connection, ratings: dict[int, int | None], now: float) -> None:
    """Put back the given ratings (None: unrated)."""
    for asset_id, rating in ratings.items():
        conn.execute(
            update(assets)
            .where(assets.c.id == asset_id)
            .values(quality_rating=rating, updated_at=now)
        )

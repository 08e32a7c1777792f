"""Similarity search and duplicate finding over a catalog.

``find_similar``: resolve the target to a pHash (and, for ``invariant``, to the pHashes
of its 8 orientations), query the catalog's Hamming index once per hash, keep each
asset's best distance (ties: the first orientation in :class:`Orientation` order),
restrict to the ``filters`` candidates, order by distance then asset id.

Duplicate groups: :mod:`curata.similarity.duplicates`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Connection

from curata.catalog import Catalog
from curata.catalog import assets as asset_store
from curata.catalog import roots as root_store
from curata.catalog import similarity as hash_store
from curata.catalog.codec import to_unsigned64
from curata.errors import Forbidden, InvalidRequest, NotFound
from curata.imaging import UnreadableImage
from curata.ingest.probe import probe_file
from curata.models.search import SearchFilters
from curata.models.similarity import (
    Orientation,
    SimilarMatch,
    SimilarRequest,
    SimilarResult,
    SimilarTarget,
)
from curata.roots import Confinement, containing_root
from curata.search import matching_ids
from curata.similarity.orientation import load_for_hashing, orientation_hashes
from curata.similarity.store import index_for

RAW_PREFIXES = ("phash:", "0x")
Filters = SearchFilters | dict[str, Any] | None


@dataclass(frozen=True)
class Target:
    kind: str
    phash: int
    asset_id: int | None = None
    content_hash: str | None = None
    path: str | None = None
    # A video file outside the catalog: its duration and sampled frames (position, pHash).
    duration: float | None = None
    frames: tuple[tuple[float, int], ...] = ()

    def model(self) -> SimilarTarget:
        return SimilarTarget(
            kind=self.kind,
            phash=f"{self.phash:016x}",
            content_hash=self.content_hash,
            path=self.path,
        )


def _raw_hash(text: str) -> int | None:
    lowered = text.strip().lower()
    for prefix in RAW_PREFIXES:
        if lowered.startswith(prefix):
            digits = lowered[len(prefix) :]
            if not 1 <= len(digits) <= 16 or any(c not in "0123456789abcdef" for c in digits):
                raise InvalidRequest(
                    f"{text!r} is not a 64-bit hash ({prefix} and 1-16 hex digits)", field="target"
                )
            return int(digits, 16)
    return None


def _asset_target(conn: Connection, asset_id: int, path: str | None = None) -> Target:
    stored = hash_store.phash_of(conn, asset_id)
    content_hash = asset_store.hashes_of(conn, [asset_id])[0]
    if stored is None:
        raise InvalidRequest(
            f"asset {content_hash[:12]} has no perceptual hash (not an image)", field="target"
        )
    return Target("asset", to_unsigned64(stored), asset_id, content_hash, path)


def readable_roots(conn: Connection, confinement: Confinement | None) -> list[Path] | None:
    """The folders a caller may read files from: None (anywhere) for a trusted caller; a
    server's client, its scan roots, or the catalog's recorded ones when it was given none."""
    if confinement is None:
        return None
    if confinement.scan_roots:
        return list(confinement.scan_roots)
    return [Path(r.path) for r in root_store.listing(conn)]


def _may_read(path: str, roots: list[Path] | None) -> bool:
    return roots is None or containing_root(path, roots) is not None


def resolve_target(conn: Connection, text: str, roots: list[Path] | None = None) -> Target:
    """A raw hash, a cataloged asset (hash, prefix, path) or an image file outside the
    catalog; with ``roots`` (see :func:`readable_roots`) only a file inside them is read."""
    raw = _raw_hash(text)
    if raw is not None:
        return Target("hash", raw)
    readable = _may_read(text, roots) and Path(text).is_file()
    try:
        asset_id = asset_store.resolve(conn, text)
        return _asset_target(conn, asset_id, text if readable else None)
    except NotFound:
        if roots is not None and os.sep in text and not _may_read(text, roots):
            allowed = ", ".join(map(str, roots)) or "none recorded"
            raise Forbidden(
                f"{text!r} is outside the server's scan roots ({allowed})", field="target"
            ) from None
        if not readable:
            raise NotFound(
                f"{text!r} is neither a cataloged asset nor an image file", field="target"
            ) from None
    path = os.path.abspath(text)
    probe = probe_file(path, metadata=False)
    if probe.error:
        raise InvalidRequest(f"{text}: {probe.error}", field="target")
    if probe.phash is None:
        raise InvalidRequest(f"{text} is not an image (no perceptual hash)", field="target")
    try:
        return _asset_target(conn, asset_store.resolve(conn, probe.content_hash or ""), path)
    except (NotFound, InvalidRequest):
        frames = tuple(probe.frame_hashes)
        return Target("file", probe.phash, None, probe.content_hash, path, probe.duration, frames)


def _pixels_source(conn: Connection, target: Target, roots: list[Path] | None) -> list[str]:
    if target.kind == "hash":
        raise InvalidRequest(
            "a raw hash has no pixels to turn; give an asset or an image file", field="invariant"
        )
    if target.path:
        return [target.path]
    paths = hash_store.readable_paths(conn, target.asset_id)  # type: ignore[arg-type]
    return [p for p in paths if _may_read(p, roots)]


def query_hashes(
    conn: Connection, target: Target, invariant: bool, roots: list[Path] | None = None
) -> dict[Orientation, int]:
    """The hashes to look up: the target's, and with ``invariant`` its 7 turned forms."""
    if not invariant:
        return {Orientation.ORIGINAL: target.phash}
    reasons = []
    for path in _pixels_source(conn, target, roots):
        try:
            hashes = orientation_hashes(load_for_hashing(path))
        except UnreadableImage as exc:
            reasons.append(f"{path}: {exc}")
            continue
        hashes[Orientation.ORIGINAL] = target.phash
        return hashes
    raise InvalidRequest(
        "no readable copy of the target to turn: " + ("; ".join(reasons) or "no present location"),
        field="invariant",
    )


def allowed_ids(catalog: Catalog, filters: Filters) -> np.ndarray | None:
    """Ids of the assets matching ``filters`` (the search service evaluates them)."""
    return None if filters is None else matching_ids(catalog, filters).astype(np.int64)


def best_per_position(
    hits: Sequence[tuple[np.ndarray, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Merge per-orientation hits: each position once, with its smallest distance and
    (among equal distances) the first orientation; ordered by distance, then position."""
    pos = np.concatenate([h[0] for h in hits])
    dist = np.concatenate([h[1] for h in hits])
    rank = np.concatenate([np.full(len(h[0]), i, dtype=np.int64) for i, h in enumerate(hits)])
    order = np.lexsort((rank, dist, pos))
    pos, dist, rank = pos[order], dist[order], rank[order]
    first = np.flatnonzero(np.r_[True, pos[1:] != pos[:-1]]) if len(pos) else pos
    pos, dist, rank = pos[first], dist[first], rank[first]
    order = np.lexsort((pos, dist))
    return pos[order], dist[order], rank[order]


def find_similar(
    catalog: Catalog,
    req: SimilarRequest,
    filters: Filters = None,
    confinement: Confinement | None = None,
) -> SimilarResult:
    """The assets similar to ``req.target``; a ``confinement`` (a server's client) reads
    image files only inside its scan roots."""
    allowed = allowed_ids(catalog, filters)
    store = index_for(catalog)
    with catalog.read() as conn:
        roots = readable_roots(conn, confinement)
        target = resolve_target(conn, req.target, roots)
        queries = query_hashes(conn, target, req.invariant, roots)
        with store.lock:
            store.sync(conn)
            ids, index = store.ids, store.index
            mask = None if allowed is None else store.positions_of(allowed)
            own = (
                None
                if req.include_target or target.asset_id is None
                else store.position(target.asset_id)
            )
        found = []
        for code in queries.values():
            hits = index.range(code, req.threshold, mask)
            keep = hits.positions != own
            found.append((hits.positions[keep], hits.distances[keep]))
        pos, dist, rank = best_per_position(found)
        orientations = list(queries)
        assets = asset_store.load_assets(conn, ids[pos[: req.limit]].tolist())
    results = [
        SimilarMatch(
            asset=asset,
            distance=int(d),
            similarity=round(1 - int(d) / 64, 6),
            orientation=orientations[int(r)],
        )
        for asset, d, r in zip(assets, dist[: req.limit], rank[: req.limit], strict=True)
    ]
    return SimilarResult(
        target=target.model(),
        threshold=req.threshold,
        invariant=req.invariant,
        total=len(pos),
        results=results,
    )

"""What a file's own metadata adds to its asset: generation facts, tags, warnings, frames.

``generation_values`` maps a probe result's parsed generation metadata to asset columns
and ``meta`` entries; ``store_file_metadata`` writes the rest (tags with source
``metadata``, warnings as ``ingest_errors`` of level ``warning``, video frame hashes).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, insert, update

from curata.catalog import ingest_errors
from curata.catalog.codec import to_signed64
from curata.catalog.schema import assets, frame_hashes
from curata.catalog.tags import replace_source_tags
from curata.models.probe import ProbeResult

METADATA_SOURCE = "metadata"
_META_KEYS = {
    "generation_params": "generation_params",
    "description": "description",
    "source": "generation_source",
    "variant_key": "variant_key",
}


def generation_values(r: ProbeResult, meta: dict[str, Any]) -> dict[str, Any]:
    """Asset columns from the parsed metadata; adds its ``meta`` entries to ``meta``."""
    g = r.generation or {}
    for key, meta_key in _META_KEYS.items():
        if g.get(key):
            meta[meta_key] = g[key]
    if g.get("guess"):
        meta["ai_source_guess"] = True
    return {
        "ai_source": g.get("ai_source"),
        "prompt": g.get("prompt"),
        "negative_prompt": g.get("negative_prompt"),
    }


def store_file_metadata(
    conn: Connection, asset_id: int, path: str, r: ProbeResult, now: float
) -> None:
    """Tags, warnings, rating and frame hashes of a just-recorded probe result (``path`` as
    stored). The embedded rating (XMP) only fills an empty ``quality_rating``: a rating
    given in curata is never overwritten by a re-read file."""
    replace_source_tags(conn, asset_id, r.tags, METADATA_SOURCE)
    rating = (r.generation or {}).get("rating")
    if rating is not None:
        conn.execute(
            update(assets)
            .where(assets.c.id == asset_id, assets.c.quality_rating.is_(None))
            .values(quality_rating=rating)
        )
    if r.warnings:
        reason = "; ".join(dict.fromkeys(r.warnings))
        ingest_errors.record(conn, path, reason, now, level="warning")
    if r.frame_hashes:
        conn.execute(delete(frame_hashes).where(frame_hashes.c.asset_id == asset_id))
        rows = {pos: to_signed64(h) for pos, h in r.frame_hashes}
        conn.execute(
            insert(frame_hashes),
            [{"asset_id": asset_id, "position": p, "phash": h} for p, h in rows.items()],
        )

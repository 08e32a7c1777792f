"""The tag dictionary and the (asset, tag) mapping."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from curata.catalog.schema import asset_tags, assets, tags
from curata.numbers import parse_number


def split_tag(name: str) -> tuple[str | None, str, float | None]:
    """``(key, value, numeric value)`` of a normalized tag name; the value is a number
    only when it follows :mod:`curata.numbers`' grammar."""
    key, sep, value = name.partition(":")
    if not sep:
        key, value = None, name  # type: ignore[assignment]
    return key, value, parse_number(value)


def ensure_tags(conn: Connection, names: Iterable[str]) -> dict[str, int]:
    """Ids of the given normalized tag names, creating the missing ones."""
    wanted = sorted(set(names))
    if not wanted:
        return {}
    found = dict(conn.execute(select(tags.c.name, tags.c.id).where(tags.c.name.in_(wanted))).all())
    new = [n for n in wanted if n not in found]
    if new:
        rows = []
        for name in new:
            key, value, number = split_tag(name)
            rows.append({"name": name, "key": key, "value": value, "num_value": number})
        conn.execute(insert(tags), rows)
        found.update(conn.execute(select(tags.c.name, tags.c.id).where(tags.c.name.in_(new))).all())
    return found


def add_tags(
    conn: Connection, asset_ids: Sequence[int], names: Iterable[str], source: str = "user"
) -> int:
    """Attach tags to assets; returns how many (asset, tag) links were new."""
    ids = ensure_tags(conn, names)
    if not ids or not asset_ids:
        return 0
    existing = set(
        conn.execute(
            select(asset_tags.c.asset_id, asset_tags.c.tag_id).where(
                asset_tags.c.asset_id.in_(asset_ids), asset_tags.c.tag_id.in_(ids.values())
            )
        ).all()
    )
    rows: list[dict[str, Any]] = [
        {"asset_id": a, "tag_id": t, "source": source}
        for a in asset_ids
        for t in ids.values()
        if (a, t) not in existing
    ]
    if rows:
        conn.execute(insert(asset_tags), rows)
        touch_assets(conn, sorted({r["asset_id"] for r in rows}))
    return len(rows)


def remove_tags(conn: Connection, asset_ids: Sequence[int], names: Iterable[str]) -> int:
    names = list(names)
    tag_ids = select(tags.c.id).where(tags.c.name.in_(names)).scalar_subquery()
    result = conn.execute(
        delete(asset_tags).where(
            asset_tags.c.asset_id.in_(asset_ids), asset_tags.c.tag_id.in_(tag_ids)
        )
    )
    if result.rowcount:
        touch_assets(conn, asset_ids)
    return result.rowcount or 0


def replace_source_tags(conn: Connection, asset_id: int, names: Iterable[str], source: str) -> None:
    """Make the tags an asset got from ``source`` (e.g. file metadata) exactly ``names``;
    tags from other sources (the user's) are kept."""
    removed = conn.execute(
        delete(asset_tags).where(asset_tags.c.asset_id == asset_id, asset_tags.c.source == source)
    )
    if not add_tags(conn, [asset_id], names, source) and removed.rowcount:
        touch_assets(conn, [asset_id])


def touch_assets(conn: Connection, asset_ids: Sequence[int]) -> None:
    """Mark assets as changed (``updated_at``) after their tags changed, so that
    anything following the catalog by ``updated_at`` (the search index) sees it."""
    if asset_ids:
        conn.execute(
            update(assets).where(assets.c.id.in_(asset_ids)).values(updated_at=time.time())
        )


def tags_of(conn: Connection, asset_ids: Sequence[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {a: [] for a in asset_ids}
    if not asset_ids:
        return out
    rows = conn.execute(
        select(asset_tags.c.asset_id, tags.c.name)
        .join(tags, tags.c.id == asset_tags.c.tag_id)
        .where(asset_tags.c.asset_id.in_(asset_ids))
        .order_by(asset_tags.c.asset_id, tags.c.name)
    )
    for asset_id, name in rows:
        out[asset_id].append(name)
    return out

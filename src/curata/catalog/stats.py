"""Catalog-wide counts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, desc, func, select

from curata.catalog import ingest_errors
from curata.catalog.schema import asset_tags, assets, locations, tags
from curata.models.stats import CatalogStats, CountEntry


def _counts(conn: Connection, column: Any, limit: int | None = None) -> list[CountEntry]:
    n = func.count().label("n")
    query = (
        select(column, n)
        .select_from(assets)
        .group_by(column)
        .order_by(desc(n), column)
        .limit(limit)
    )
    return [
        CountEntry(name=str(v) if v is not None else "(none)", count=c)
        for v, c in conn.execute(query)
    ]


def _tag_counts(conn: Connection, where: Any, limit: int) -> list[CountEntry]:
    n = func.count().label("n")
    query = (
        select(tags.c.name, n)
        .join(asset_tags, asset_tags.c.tag_id == tags.c.id)
        .where(where)
        .group_by(tags.c.name)
        .order_by(desc(n), tags.c.name)
        .limit(limit)
    )
    return [CountEntry(name=name, count=c) for name, c in conn.execute(query)]


def catalog_stats(conn: Connection, top: int = 20) -> CatalogStats:
    count, total = conn.execute(
        select(func.count(), func.coalesce(func.sum(assets.c.file_size), 0))
    ).one()
    locs, missing = conn.execute(
        select(
            func.count(),
            func.coalesce(func.sum(func.cast(locations.c.missing, type_=assets.c.id.type)), 0),
        )
    ).one()
    return CatalogStats(
        assets=count,
        locations=locs,
        missing_locations=missing,
        total_bytes=total,
        by_media_type=_counts(conn, assets.c.media_type),
        by_format=_counts(conn, assets.c.file_format),
        by_ai_source=_counts(conn, assets.c.ai_source),
        by_model=[
            CountEntry(name=e.name.split(":", 1)[1], count=e.count)
            for e in _tag_counts(conn, tags.c.key == "model", top)
        ],
        by_project=_counts(conn, assets.c.project_id),
        top_tags=_tag_counts(conn, tags.c.id.isnot(None), top),
        errors=ingest_errors.count(conn),
    )

"""The assets service: one asset's details, its tags and rating, the catalog's statistics,
scan roots and ingest errors. Each function is one transaction over the catalog."""

from __future__ import annotations

import time

from curata.catalog import Catalog, ingest_errors
from curata.catalog import assets as asset_store
from curata.catalog import roots as root_store
from curata.catalog import tags as tag_store
from curata.catalog.stats import catalog_stats
from curata.models import (
    AssetDetail,
    CatalogStats,
    IngestErrorRecord,
    RateRequest,
    TagRequest,
    TagUpdateResult,
)
from curata.models.assets import ErrorLevel
from curata.models.paths import FsPath
from curata.models.scan import ScanRoot


def get_asset(catalog: Catalog, ref: FsPath) -> AssetDetail:
    """The asset a hash, unique prefix or cataloged path names, with everything known."""
    with catalog.read() as conn:
        return asset_store.load_detail(conn, asset_store.resolve(conn, ref))


def tag_assets(catalog: Catalog, req: TagRequest, *, remove: bool = False) -> TagUpdateResult:
    """Add (or remove) ``req.tags`` on every asset of ``req.assets``, or on none."""
    with catalog.write() as conn:
        ids = asset_store.resolve_many(conn, req.assets)
        if remove:
            added, removed = 0, tag_store.remove_tags(conn, ids, req.tags)
        else:
            added, removed = tag_store.add_tags(conn, ids, req.tags), 0
        return TagUpdateResult(
            assets=asset_store.hashes_of(conn, ids), added=added, removed=removed
        )


def rate_assets(catalog: Catalog, req: RateRequest) -> list[str]:
    """Set the rating of every asset of ``req.assets``; their content hashes."""
    with catalog.write() as conn:
        ids = asset_store.resolve_many(conn, req.assets)
        asset_store.set_rating(conn, ids, req.rating, time.time())
        return asset_store.hashes_of(conn, ids)


def stats(catalog: Catalog) -> CatalogStats:
    with catalog.read() as conn:
        return catalog_stats(conn)


def scan_roots(catalog: Catalog) -> list[ScanRoot]:
    with catalog.read() as conn:
        return root_store.listing(conn)


def errors(catalog: Catalog, level: ErrorLevel) -> list[IngestErrorRecord]:
    """The ingest errors of ``level`` (``ALL``: of every level), by path."""
    with catalog.read() as conn:
        return ingest_errors.listing(conn, None if level is ErrorLevel.ALL else level.value)

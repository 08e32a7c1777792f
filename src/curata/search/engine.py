"""Running a search: validate, keep the index in step, evaluate, order, count, hydrate."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from pydantic import ValidationError
from sqlalchemy import Connection

from curata.catalog import Catalog
from curata.catalog import search as store
from curata.catalog.assets import load_assets
from curata.errors import invalid_from_pydantic
from curata.models.search import Collapse, SearchFilters, SearchRequest, SearchResponse
from curata.search import snapshot
from curata.search.evaluate import evaluate
from curata.search.facets import facets
from curata.search.index import SearchIndex, index_for
from curata.search.query import Query, compile_filters
from curata.search.ranking import collapse_variants, page
from curata.search.regexes import regex_slot


def synced(catalog: Catalog, conn: Connection) -> SearchIndex:
    """The index of ``catalog``, in step with it as ``conn`` (not yet begun) sees it."""
    index = index_for(catalog)
    store.consistent_reads(conn)
    with index.lock:
        snapshot.warm_start(index, conn, snapshot.snapshot_path(catalog))
        index.sync(conn)
    return index


def _evaluated(catalog: Catalog, conn: Connection, query: Query) -> tuple[SearchIndex, np.ndarray]:
    """The index, in step with the catalog as ``conn`` sees it, and the sorted ids of the
    assets matching ``query`` (the evaluator takes the index's lock for its look-ups)."""
    index = synced(catalog, conn)
    return index, evaluate(index, conn, query)


def search(catalog: Catalog, request: SearchRequest) -> SearchResponse:
    """The spec's ``search_assets``: the page of results, the total and the facets.
    A search with patterns first takes a slot of the regex limiter
    (:mod:`curata.search.regexes`), before it holds a database connection."""
    started = time.perf_counter()
    query = compile_filters(request.filters)
    with regex_slot(query), catalog.read() as conn:
        index, rows = _evaluated(catalog, conn, query)
        with index.lock:
            sizes = None
            if request.collapse is Collapse.VARIANTS:
                rows, sizes = collapse_variants(index, conn, rows, request.sort_by, request.order)
            ids = page(
                index, conn, rows, request.sort_by, request.order, request.offset, request.limit
            )
            found = facets(index, rows) if request.facets else None
        results = load_assets(conn, ids)
    if sizes is not None:
        for asset_id, asset in zip(ids, results, strict=True):
            asset.variant_count = sizes[asset_id]
    snapshot.persist(index, catalog, snapshot.snapshot_path(catalog))
    return SearchResponse(
        total_count=len(rows),
        results=results,
        facets=found,
        query_time_ms=round((time.perf_counter() - started) * 1000, 3),
    )


def matching_ids(catalog: Catalog, filters: SearchFilters | dict[str, Any]) -> np.ndarray:
    """Sorted ids (``int32``) of every asset matching ``filters`` (a model or the spec's
    JSON), for services that restrict their own work to a search (similarity
    candidates, selections built from a search). Bad filters: ``InvalidRequest``."""
    if not isinstance(filters, SearchFilters):
        try:
            filters = SearchFilters.model_validate(filters)
        except ValidationError as exc:
            raise invalid_from_pydantic(exc, "filters") from None
    query = compile_filters(filters)
    with regex_slot(query), catalog.read() as conn:
        index, rows = _evaluated(catalog, conn, query)
        ids = rows.copy()
    snapshot.persist(index, catalog, snapshot.snapshot_path(catalog))
    return ids

"""Running a search: validate, keep the index in step, evaluate, order, count, hydrate."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from pydantic import ValidationError

from curata.catalog import Catalog
from curata.catalog import search as store
from curata.catalog.assets import load_assets
from curata.errors import invalid_from_pydantic
from curata.models.search import SearchFilters, SearchRequest, SearchResponse
from curata.search import snapshot
from curata.search.evaluate import evaluate
from curata.search.facets import facets
from curata.search.index import index_for
from curata.search.query import compile_filters
from curata.search.ranking import page


def search(catalog: Catalog, request: SearchRequest) -> SearchResponse:
    """The spec's ``search_assets``: the page of results, the total and the facets."""
    started = time.perf_counter()
    query = compile_filters(request.filters)
    index = index_for(catalog)
    saved_at = snapshot.snapshot_path(catalog)
    with catalog.read() as conn:
        store.consistent_reads(conn)
        with index.lock:
            snapshot.warm_start(index, conn, saved_at)
            index.sync(conn)
            rows = evaluate(index, conn, query)
            ids = page(
                index, conn, rows, request.sort_by, request.order, request.offset, request.limit
            )
            found = facets(index, rows) if request.facets else None
        results = load_assets(conn, ids)
    snapshot.persist(index, catalog, saved_at)
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
    index = index_for(catalog)
    saved_at = snapshot.snapshot_path(catalog)
    with catalog.read() as conn, index.lock:
        store.consistent_reads(conn)
        snapshot.warm_start(index, conn, saved_at)
        index.sync(conn)
        ids = evaluate(index, conn, query).copy()
    snapshot.persist(index, catalog, saved_at)
    return ids

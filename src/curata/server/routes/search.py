"""Structured search and saved searches ("smart albums")."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from curata.models import Response
from curata.models.search import (
    SavedSearch,
    SavedSearchRequest,
    SavedSearchUpdate,
    SearchRequest,
    SearchResponse,
)
from curata.models.transport import RunSavedSearchRequest
from curata.server.deps import CurataDep, EnvelopeResponse, envelope
from curata.server.errors import error_responses

router = APIRouter(tags=["search"])

ProjectQuery = Annotated[
    str | None, Query(description="project id or name; omit for global saved searches")
]


@router.post(
    "/search",
    response_model=Response[SearchResponse],
    responses=error_responses(422),
    summary="Structured search",
)
def search(request: SearchRequest, curata: CurataDep) -> EnvelopeResponse:
    """The search API's request as-is: ``filters`` (all combined with AND), ``sort_by``,
    ``order``, ``limit`` (at most 1000), ``offset``. Returns ``total_count``, the page of
    ``results``, ``facets`` of the whole result set and ``query_time_ms``."""
    return envelope(curata.search_assets(request))


@router.get(
    "/saved-searches",
    response_model=Response[list[SavedSearch]],
    responses=error_responses(404, 422),
    summary="Saved searches",
)
def list_saved_searches(
    curata: CurataDep,
    project: Annotated[str | None, Query(description="only this project's; omit for all")] = None,
) -> EnvelopeResponse:
    return envelope(curata.list_saved_searches(project))


@router.post(
    "/saved-searches",
    response_model=Response[SavedSearch],
    responses=error_responses(404, 409, 422),
    summary="Save a search under a name",
)
def save_search(request: SavedSearchRequest, curata: CurataDep) -> EnvelopeResponse:
    return envelope(curata.save_search(request))


@router.patch(
    "/saved-searches",
    response_model=Response[SavedSearch],
    responses=error_responses(404, 409, 422),
    summary="Rename a saved search or change its request",
)
def update_saved_search(request: SavedSearchUpdate, curata: CurataDep) -> EnvelopeResponse:
    return envelope(curata.update_saved_search(request))


@router.delete(
    "/saved-searches",
    response_model=Response[str],
    responses=error_responses(404, 422),
    summary="Delete a saved search",
)
def delete_saved_search(
    curata: CurataDep,
    name: Annotated[str, Query(min_length=1, description="the saved search's name")],
    project: ProjectQuery = None,
) -> EnvelopeResponse:
    return envelope(curata.delete_saved_search(name, project))


@router.post(
    "/saved-searches/run",
    response_model=Response[SearchResponse],
    responses=error_responses(404, 422),
    summary="Run a saved search",
)
def run_saved_search(request: RunSavedSearchRequest, curata: CurataDep) -> EnvelopeResponse:
    """Runs the stored request against the catalog as it is now; ``limit`` and ``offset``
    page through it."""
    return envelope(
        curata.run_saved_search(
            request.name, request.project, limit=request.limit, offset=request.offset
        )
    )

"""Selections: curated collections with items, groups, history, similar assets, export."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from curata.models import (
    HistoryEntry,
    Response,
    Selection,
    SelectionChange,
    SelectionCreateRequest,
    SelectionExportRequest,
    SelectionExportResult,
    SelectionMembership,
    SelectionPurpose,
    SelectionStats,
    SelectionStatus,
    SelectionSummary,
    SelectionUpdateRequest,
    SimilarToSelection,
    SimilarToSelectionRequest,
)
from curata.models.common import MAX_OFFSET
from curata.models.selections import HISTORY_ACTIONS, MAX_HISTORY_PAGE
from curata.server.deps import AssetHash, CurataDep, EnvelopeResponse, envelope
from curata.server.errors import error_responses

router = APIRouter(tags=["selections"])

ProjectId = Annotated[str, Path(description="the project's id")]
SelectionId = Annotated[str, Path(description="the selection's id")]
SELECTION = "/projects/{project_id}/selections/{selection_id}"


@router.get(
    "/selections",
    response_model=Response[list[SelectionSummary]],
    responses=error_responses(404, 422),
    summary="Selections, optionally of one project, status or purpose",
)
def list_selections(
    curata: CurataDep,
    project_id: Annotated[str | None, Query(description="only this project's")] = None,
    status: Annotated[SelectionStatus | None, Query()] = None,
    purpose: Annotated[SelectionPurpose | None, Query()] = None,
) -> EnvelopeResponse:
    return envelope(
        curata.list_selections(
            project_id, status.value if status else None, purpose.value if purpose else None
        )
    )


@router.post(
    "/selections",
    status_code=201,
    response_model=Response[Selection],
    responses=error_responses(404, 409, 422),
    summary="Create a selection in a project",
)
def create_selection(request: SelectionCreateRequest, curata: CurataDep) -> EnvelopeResponse:
    return envelope(curata.create_selection(request), 201)


@router.patch(
    "/selections",
    response_model=Response[SelectionChange],
    responses=error_responses(404, 409, 422),
    summary="Change a selection (one action)",
)
def update_selection(request: SelectionUpdateRequest, curata: CurataDep) -> EnvelopeResponse:
    """``action``: add_items, remove_items, update_items, set_status, group, reorder or
    update; all of a batch or nothing, recorded in the selection's history. Adding an
    asset already in the selection is a 409 (unless ``skip_existing``)."""
    return envelope(curata.update_selection(request))


@router.get(
    SELECTION,
    response_model=Response[Selection],
    responses=error_responses(404, 422),
    summary="A selection with its items, groups and exports",
)
def get_selection(
    project_id: ProjectId, selection_id: SelectionId, curata: CurataDep
) -> EnvelopeResponse:
    return envelope(curata.get_selection(project_id, selection_id))


@router.get(
    SELECTION + "/history",
    response_model=Response[list[HistoryEntry]],
    responses=error_responses(404, 422),
    summary="A selection's history, oldest first",
)
def selection_history(
    project_id: ProjectId,
    selection_id: SelectionId,
    curata: CurataDep,
    action: Annotated[
        str | None,
        Query(
            description="only records of this action",
            json_schema_extra={"enum": sorted(HISTORY_ACTIONS)},
        ),
    ] = None,
    limit: Annotated[int | None, Query(ge=1, le=MAX_HISTORY_PAGE)] = None,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> EnvelopeResponse:
    return envelope(curata.selection_history(project_id, selection_id, action, limit, offset))


@router.get(
    SELECTION + "/stats",
    response_model=Response[SelectionStats],
    responses=error_responses(404, 422),
    summary="Item count, roles, tags, groups and exports of a selection",
)
def selection_stats(
    project_id: ProjectId, selection_id: SelectionId, curata: CurataDep
) -> EnvelopeResponse:
    return envelope(curata.selection_stats(project_id, selection_id))


@router.post(
    "/selections/similar",
    response_model=Response[SimilarToSelection],
    responses=error_responses(404, 422),
    summary="Assets similar to a selection's items",
)
def find_similar_to_selection(
    request: SimilarToSelectionRequest, curata: CurataDep
) -> EnvelopeResponse:
    """``data.results`` by ``recommendation_score`` = 0.7 * (1 - min_distance/64) + 0.3 *
    (items within the threshold / selection size); ``data.parameters`` echoes the request."""
    return envelope(curata.find_similar_to_selection(**request.model_dump()))


@router.post(
    "/selections/export",
    response_model=Response[SelectionExportResult],
    responses=error_responses(403, 404, 409, 422, 507),
    summary="Export a selection to a folder on the server",
)
def export_selection(request: SelectionExportRequest, curata: CurataDep) -> EnvelopeResponse:
    """Copies (or links) the files with manifest.json/.csv, sidecars, README.md and a
    contact sheet; the folder appears only when complete and verified."""
    return envelope(curata.export_selection(request))


@router.get(
    "/assets/{hash}/selections",
    response_model=Response[list[SelectionMembership]],
    responses=error_responses(404, 422),
    summary="The selections that hold an asset",
)
def selections_containing(hash: AssetHash, curata: CurataDep) -> EnvelopeResponse:
    return envelope(curata.selections_containing(hash))

"""Projects: named collections of assets and selections, with budgets and spend."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from curata.models import (
    Project,
    ProjectCreateRequest,
    ProjectStatus,
    ProjectUpdateRequest,
    Response,
)
from curata.server.deps import CurataDep, EnvelopeResponse, envelope
from curata.server.errors import error_responses

router = APIRouter(tags=["projects"])

ProjectId = Annotated[str, Path(description="the project's id (a slug such as 'my-project')")]


@router.post(
    "/projects",
    status_code=201,
    response_model=Response[Project],
    responses=error_responses(409, 422),
    summary="Create a project",
)
def create_project(request: ProjectCreateRequest, curata: CurataDep) -> EnvelopeResponse:
    """Its id is ``project_id`` or the slug of the name; an id in use is a 409."""
    return envelope(curata.create_project(request), 201)


@router.get(
    "/projects",
    response_model=Response[list[Project]],
    responses=error_responses(422),
    summary="Projects with their spend",
)
def list_projects(
    curata: CurataDep,
    status: Annotated[ProjectStatus | None, Query(description="only these")] = None,
) -> EnvelopeResponse:
    return envelope(curata.list_projects(status.value if status else None))


@router.get(
    "/projects/{project_id}",
    response_model=Response[Project],
    responses=error_responses(404, 422),
    summary="One project",
)
def get_project(project_id: ProjectId, curata: CurataDep) -> EnvelopeResponse:
    return envelope(curata.get_project(project_id))


@router.patch(
    "/projects",
    response_model=Response[Project],
    responses=error_responses(404, 422),
    summary="Change a project's name, description or budget",
)
def update_project(request: ProjectUpdateRequest, curata: CurataDep) -> EnvelopeResponse:
    return envelope(curata.update_project(request))


@router.post(
    "/projects/{project_id}/archive",
    response_model=Response[Project],
    responses=error_responses(404, 422),
    summary="Archive a project, or restore it",
)
def archive_project(
    project_id: ProjectId,
    curata: CurataDep,
    restore: Annotated[bool, Query(description="make an archived project active again")] = False,
) -> EnvelopeResponse:
    """An archived project takes no new selections."""
    return envelope(curata.archive_project(project_id, restore=restore))

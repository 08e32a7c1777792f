"""Bulk actions of the web page (rate, tag, add to a selection), each undoable once."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request

from curata.models import Response
from curata.server.bulk import BulkActions
from curata.server.deps import EnvelopeResponse, envelope
from curata.server.errors import error_responses
from curata.server.models import BulkRequest, BulkResult

router = APIRouter(tags=["bulk"])


def _bulk(request: Request) -> BulkActions:
    return request.app.state.bulk


BulkDep = Annotated[BulkActions, Depends(_bulk)]


@router.post(
    "/bulk",
    response_model=Response[BulkResult],
    responses=error_responses(404, 409, 422),
    summary="Apply a bulk action (undoable once)",
)
def bulk_action(request: BulkRequest, bulk: BulkDep) -> EnvelopeResponse:
    """Steps in order, all or none; the result's ``id`` undoes the whole action."""
    return envelope(Response.ok(bulk.apply(request), "done"))


@router.post(
    "/bulk/{action_id}/undo",
    response_model=Response[BulkResult],
    responses=error_responses(404, 409, 422),
    summary="Undo a bulk action",
)
def undo_bulk_action(
    action_id: Annotated[str, Path(pattern="^[0-9a-f]{32}$", description="from POST /bulk")],
    bulk: BulkDep,
) -> EnvelopeResponse:
    """Puts back what the action changed (ratings, tags, selection items), once; the
    server keeps the newest 200 actions in memory."""
    return envelope(Response.ok(bulk.undo(action_id), "undone"))

"""Models that only the HTTP transport has: error bodies and scan jobs.

Everything else the API sends or receives is a :mod:`curata.models` model, exactly as
:class:`curata.Curata` takes and returns it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field, model_validator

from curata.models import ScanProgress, ScanSummary
from curata.models.common import AssetRefs, StrictModel, TagList
from curata.models.paths import FsPath
from curata.models.similarity import SimilarVideosRequest
from curata.models.transport import SimilarQuery


class FieldProblem(BaseModel):
    field: str
    reason: str


class ErrorInfo(BaseModel):
    """What went wrong: a stable ``code``, a message, and for bad input the field path."""

    code: str = Field(description="invalid_request, not_found, conflict, unauthorized, ...")
    message: str
    field: str | None = Field(None, description="dotted path of the offending field")
    details: Any = Field(None, description="for invalid_request: every {field, reason}")


class ErrorResponse(BaseModel):
    """The envelope of a failed request (``success`` is false, ``error`` says why)."""

    success: bool = False
    message: str
    data: None = None
    error: ErrorInfo


class ScanState(StrEnum):
    RUNNING = "running"
    STOPPING = "stopping"
    COMPLETED = "completed"
    INTERRUPTED = "interrupted"
    FAILED = "failed"


class ScanJob(BaseModel):
    """A scan started over HTTP: its latest progress and, once finished, its summary."""

    id: str
    state: ScanState
    paths: list[FsPath]
    project: str | None = None
    started_at: datetime
    finished_at: datetime | None = None
    progress: ScanProgress
    events: int = Field(description="number of progress events so far")
    summary: ScanSummary | None = None
    error: ErrorInfo | None = None


# Over HTTP a similarity target is a cataloged asset or a raw pHash, never a file path on
# the server (only cataloged files are read through the API).
HTTP_TARGET = {
    "pattern": r"^([0-9a-fA-F]{6,64}|phash:[0-9a-fA-F]{16})$",
    "description": "a content hash (or a unique prefix of 6+ hex digits), or a raw pHash "
    "as 'phash:' and 16 hex digits",
    "examples": ["3fa2b1c9d0e1", "phash:9fee256238984d71"],
}


class SimilarHttpQuery(SimilarQuery):
    """``POST /similar``: the target is a cataloged asset or a raw pHash."""

    target: str = Field(**HTTP_TARGET)  # type: ignore[arg-type]


class SimilarVideosHttpQuery(SimilarVideosRequest):
    """``POST /similar/videos``: the target is a cataloged asset or a raw pHash."""

    target: str = Field(**HTTP_TARGET)  # type: ignore[arg-type]


class BulkKind(StrEnum):
    RATE = "rate"
    TAG = "tag"
    UNTAG = "untag"
    ADD_TO_SELECTION = "add_to_selection"
    REMOVE_FROM_SELECTION = "remove_from_selection"


class BulkStep(StrictModel):
    """One step of a bulk action over ``assets``: ``rate`` (``rating``, null clears it),
    ``tag`` / ``untag`` (``tags``), ``add_to_selection`` (with ``role`` and
    ``selection_reason``) or ``remove_from_selection`` (``project_id``, ``selection_id``)."""

    action: BulkKind
    assets: AssetRefs
    rating: int | None = Field(None, ge=0, le=5)
    tags: TagList | None = None
    project_id: str | None = Field(None, min_length=1)
    selection_id: str | None = Field(None, min_length=1)
    role: str | None = Field(None, min_length=1, max_length=200)
    selection_reason: str | None = Field(None, min_length=1, max_length=2000)

    @model_validator(mode="after")
    def _complete(self) -> BulkStep:
        if self.action is BulkKind.RATE and "rating" not in self.model_fields_set:
            raise ValueError("rating: a rate step needs a rating (0-5, or null to clear)")
        if self.action in (BulkKind.TAG, BulkKind.UNTAG) and not self.tags:
            raise ValueError(f"tags: a {self.action.value} step needs tags")
        selection = (BulkKind.ADD_TO_SELECTION, BulkKind.REMOVE_FROM_SELECTION)
        if self.action in selection and not (self.project_id and self.selection_id):
            raise ValueError(
                f"selection_id: a {self.action.value} step needs project_id and selection_id"
            )
        return self


class BulkRequest(StrictModel):
    """``POST /bulk``: steps applied in order, all or none; undoable once as a whole."""

    steps: list[BulkStep] = Field(min_length=1, max_length=20)
    label: str | None = Field(None, max_length=200, description="what the page calls it")


class BulkResult(BaseModel):
    id: str = Field(description="the action's id, for POST /bulk/{id}/undo")
    label: str | None = None
    assets: list[str] = Field(description="content hashes of the assets changed")
    undone: bool = False

"""Models that only the HTTP transport has: error bodies and scan jobs.

Everything else the API sends or receives is a :mod:`curata.models` model, exactly as
:class:`curata.Curata` takes and returns it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from curata.models import ScanProgress, ScanSummary
from curata.models.paths import FsPath
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


class SimilarHttpQuery(SimilarQuery):
    """``POST /similar``: over HTTP the target is a cataloged asset or a raw pHash, never a
    file path on the server (only cataloged files are read through the API)."""

    target: str = Field(
        pattern=r"^([0-9a-fA-F]{6,64}|phash:[0-9a-fA-F]{16})$",
        description="a content hash (or a unique prefix of 6+ hex digits), or a raw pHash "
        "as 'phash:' and 16 hex digits",
        examples=["3fa2b1c9d0e1", "phash:9fee256238984d71"],
    )

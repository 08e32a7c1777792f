"""Scan jobs: start a scan in the background, follow its progress, stop it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.sse import EventSourceResponse, ServerSentEvent

from curata.models import Response, ScanRequest
from curata.server.deps import EnvelopeResponse, JobsDep, envelope
from curata.server.errors import error_responses
from curata.server.jobs import Job
from curata.server.models import ScanJob

router = APIRouter(tags=["scans"])

#: How often the event stream looks for new progress.
POLL_SECONDS = 0.1


def _job(job_id: str, jobs: JobsDep) -> Job:
    return jobs.get(job_id)


JobDep = Annotated[Job, Depends(_job)]


@router.post(
    "/scans",
    status_code=202,
    response_model=Response[ScanJob],
    responses=error_responses(403, 409, 422),
    summary="Start a scan in the background",
)
def start_scan(request: ScanRequest, jobs: JobsDep) -> EnvelopeResponse:
    """Catalogs files and folders on the server's machine with ``Curata.scan``.

    Only paths inside the server's scan roots (``curata serve --root``) may be scanned:
    any other is a 403 naming ``paths``, and a server started without ``--root`` refuses
    every scan. Symbolic links are followed only when they stay inside the scanned paths.
    Returns the job (its ``id`` is used below) once the scan has accepted its paths; a
    path that does not exist is a 422, a scan already running a 409.
    """
    return envelope(Response.ok(jobs.start(request), "scan started"), 202)


@router.get("/scans", response_model=Response[list[ScanJob]], summary="Scan jobs of this server")
def list_scans(jobs: JobsDep) -> EnvelopeResponse:
    return envelope(Response.ok(jobs.listing()))


@router.get(
    "/scans/{job_id}",
    response_model=Response[ScanJob],
    responses=error_responses(404, 422),
    summary="A scan job's progress, and its summary once finished",
)
def get_scan(job: JobDep) -> EnvelopeResponse:
    return envelope(Response.ok(job.snapshot()))


@router.delete(
    "/scans/{job_id}",
    response_model=Response[ScanJob],
    responses=error_responses(404, 422),
    summary="Stop a scan",
)
def stop_scan(job_id: str, jobs: JobsDep) -> EnvelopeResponse:
    """The scan ends after its current batch; what it cataloged is kept, and the next
    scan of the same paths resumes the rest."""
    return envelope(Response.ok(jobs.stop(job_id), "stop requested"))


@router.get(
    "/scans/{job_id}/events",
    response_class=EventSourceResponse,
    responses=error_responses(404, 422, by_reference=True),
    summary="Server-sent events of a scan's progress",
)
async def scan_events(job: JobDep) -> AsyncIterator[ServerSentEvent]:
    """``progress`` events carry a ``ScanProgress`` (only the latest when several came
    between two looks); the last event, ``end``, carries the finished ``ScanJob``."""
    seen = -1
    while True:
        snap = job.snapshot()
        if snap.events != seen:
            seen = snap.events
            yield ServerSentEvent(event="progress", id=str(seen), data=snap.progress)
        if job.finished:
            yield ServerSentEvent(event="end", data=job.snapshot())
            return
        await asyncio.sleep(POLL_SECONDS)

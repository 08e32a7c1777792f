"""Dependencies shared by the routers: the app's ``Curata``, scan jobs and thumbnails."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from curata.interface import Curata
from curata.server.files import Thumbnails
from curata.server.jobs import ScanJobs


def _curata(request: Request) -> Curata:
    return request.app.state.curata


def _jobs(request: Request) -> ScanJobs:
    return request.app.state.scan_jobs


def _thumbnails(request: Request) -> Thumbnails:
    return request.app.state.thumbnails


CurataDep = Annotated[Curata, Depends(_curata)]
JobsDep = Annotated[ScanJobs, Depends(_jobs)]
ThumbnailsDep = Annotated[Thumbnails, Depends(_thumbnails)]

AssetHash = Annotated[
    str,
    Path(
        description="content hash (64 hex digits) or a unique prefix of at least 6",
        pattern="^[0-9a-fA-F]{6,64}$",
        examples=["3fa2b1c9d0e1"],
    ),
]

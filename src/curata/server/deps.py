"""Dependencies shared by the routers: the app's ``Curata``, scan jobs, thumbnails and the
roots files are served from."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Path, Request
from starlette.responses import Response as StarletteResponse

from curata.interface import Curata
from curata.models import Response
from curata.server.files import ServedRoot, Thumbnails, serving_roots
from curata.server.jobs import ScanJobs


# Plain attribute reads: async, so that FastAPI calls them on the event loop instead of
# sending each to a worker thread (a thread hop per dependency costs more than a
# thumbnail request's own work, see benchmarks/thumbnails.py).
async def _curata(request: Request) -> Curata:
    return request.app.state.curata


async def _jobs(request: Request) -> ScanJobs:
    return request.app.state.scan_jobs


async def _thumbnails(request: Request) -> Thumbnails:
    return request.app.state.thumbnails


def _roots(request: Request) -> list[ServedRoot]:
    return serving_roots(request.app.state.curata)


CurataDep = Annotated[Curata, Depends(_curata)]
JobsDep = Annotated[ScanJobs, Depends(_jobs)]
ThumbnailsDep = Annotated[Thumbnails, Depends(_thumbnails)]
RootsDep = Annotated[list[ServedRoot], Depends(_roots)]

AssetHash = Annotated[
    str,
    Path(
        description="content hash (64 hex digits) or a unique prefix of at least 6",
        pattern="^[0-9a-fA-F]{6,64}$",
        examples=["3fa2b1c9d0e1"],
    ),
]


class EnvelopeResponse(StarletteResponse):
    media_type = "application/json"


def envelope(result: Response[Any], status_code: int = 200) -> EnvelopeResponse:
    """``Curata``'s result as JSON, serialized by pydantic in one pass.

    The operation's ``response_model`` still documents it; returning the model itself
    would make FastAPI dump, re-validate and serialize it again, which costs more than a
    mid-size search on every request (see benchmarks/http_api.py).
    """
    return EnvelopeResponse(result.model_dump_json(), status_code=status_code)

"""Browsing by folder: a folder's subfolders with their asset counts (the folder tree of
the web page)."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query

from curata.errors import InvalidRequest
from curata.models import Response
from curata.models.fields import MAX_FOLDER_LENGTH
from curata.models.search import MAX_FOLDER_CHILDREN, FolderListing
from curata.server.deps import CurataDep, EnvelopeResponse, envelope
from curata.server.errors import error_responses

router = APIRouter(tags=["search"])


def _path(text: str | None) -> str | dict[str, str] | None:
    """The ``path`` query value: an absolute path, or (starting with ``{``, which an
    absolute path cannot) the JSON path object of a name that is not UTF-8."""
    if text is None or not text.startswith("{"):
        return text
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise InvalidRequest("not a JSON path object {text, base64}", field="path") from None


@router.get(
    "/folders",
    response_model=Response[FolderListing],
    responses=error_responses(422),
    summary="Subfolders of a folder, with asset counts",
)
def folders(
    curata: CurataDep,
    path: Annotated[
        str | None,
        Query(
            max_length=MAX_FOLDER_LENGTH,
            description="an absolute folder, or the JSON path object of a name that is not "
            "UTF-8; omit for the folders the catalog scanned",
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_FOLDER_CHILDREN)] = 200,
) -> EnvelopeResponse:
    """Each subfolder that holds cataloged files, by name, with the number of assets the
    ``folder`` search filter finds there; ``files`` counts those directly in the folder."""
    return envelope(curata.folders({"path": _path(path), "limit": limit}))

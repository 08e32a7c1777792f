"""The documents of a finished export, for the web page's export dialog."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import FileResponse

from curata.server.deps import CurataDep
from curata.server.errors import error_responses
from curata.server.exported import export_document

router = APIRouter(tags=["selections"])

_TYPES = {
    ".json": "application/json",
    ".csv": "text/csv",
    ".md": "text/markdown",
    ".html": "text/html",
    ".jpg": "image/jpeg",
    ".png": "image/png",
}


@router.get(
    "/projects/{project_id}/selections/{selection_id}/exports/{export_id}/files/{name:path}",
    response_class=FileResponse,
    responses={200: {"description": "the document's bytes"}, **error_responses(404, 422)},
    summary="A document of a finished export (manifest, README, contact sheet)",
)
def export_file(
    project_id: Annotated[str, Path(description="the project's id")],
    selection_id: Annotated[str, Path(description="the selection's id")],
    export_id: Annotated[int, Path(ge=1, description="the export's id (Selection.exports)")],
    name: Annotated[
        str,
        Path(
            max_length=300,
            description="manifest.json, manifest.csv, README.md, contact_sheet.html "
            "or thumbnails/NAME",
        ),
    ],
    curata: CurataDep,
) -> FileResponse:
    """Only those documents, read from the folder the catalog recorded for the export."""
    path = export_document(curata, project_id, selection_id, export_id, name)
    media_type = _TYPES.get(path.suffix.lower(), "application/octet-stream")
    return FileResponse(
        path,
        media_type=media_type,
        headers={"Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'"},
    )

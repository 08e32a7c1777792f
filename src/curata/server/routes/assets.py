"""An asset's file and its thumbnail (its details, tags and ratings: the operations)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query
from fastapi.responses import FileResponse
from fastapi.responses import Response as PlainResponse

from curata.models.paths import display
from curata.server.deps import (
    AssetHash,
    CurataDep,
    RootsDep,
    ThumbnailsDep,
)
from curata.server.errors import error_responses
from curata.server.files import (
    THUMBNAIL_SIZES,
    cataloged_file,
    etag_matches,
    media_type_of,
    serving_roots,
    thumbnail_etag,
)

router = APIRouter(tags=["assets"])

_BINARY = {"schema": {"type": "string", "format": "binary"}}
_IMMUTABLE = "private, max-age=31536000, immutable"


@router.get(
    "/assets/{hash}/file",
    response_class=FileResponse,
    responses={
        200: {"description": "The file's bytes", "content": {"*/*": _BINARY}},
        **error_responses(403, 404, 422),
    },
    summary="Download the asset's file",
)
def asset_file(hash: AssetHash, curata: CurataDep, roots: RootsDep) -> FileResponse:
    """Streams a cataloged location of the asset that still resolves inside a scan root
    (the server's ``--root`` folders, else the folders scanned); nothing else is served."""
    asset = curata.get_asset(hash).data
    assert asset is not None
    path = cataloged_file(asset, roots)
    # A header carries text: a name that is not UTF-8 is offered with U+FFFD in it.
    return FileResponse(path, media_type=media_type_of(asset, path), filename=display(path.name))


@router.get(
    "/assets/{hash}/thumbnail",
    response_class=FileResponse,
    responses={
        200: {"description": "A JPEG thumbnail", "content": {"image/jpeg": _BINARY}},
        304: {"description": "The thumbnail named by If-None-Match is still right"},
        **error_responses(403, 404, 422),
    },
    summary="A JPEG thumbnail of an image asset",
)
def asset_thumbnail(
    hash: AssetHash,
    curata: CurataDep,
    thumbnails: ThumbnailsDep,
    size: Annotated[
        int,
        Query(
            ge=THUMBNAIL_SIZES[0],
            le=THUMBNAIL_SIZES[1],
            description="longest side in pixels",
        ),
    ] = 256,
    if_none_match: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> PlainResponse:
    """Sizes 256 and 1024 are made in the background after a scan (both from one
    decode); any other size on first request. Cached by content hash and size, served
    with a strong ``ETag`` and ``Cache-Control: immutable``; ``If-None-Match`` with that
    ETag is answered ``304`` (while the asset's file may still be served)."""
    asset = curata.get_asset(hash).data
    assert asset is not None
    roots = serving_roots(curata)  # here, in this request's thread: one thread hop less
    etag = thumbnail_etag(asset.content_hash, size)
    headers = {"ETag": etag, "Cache-Control": _IMMUTABLE}
    if etag_matches(if_none_match, etag):
        cataloged_file(asset, roots)  # never a 304 for a file that may not be served
        return PlainResponse(status_code=304, headers=headers)
    # A few kilobytes: read here at once, not streamed in chunks through worker threads.
    data = thumbnails.get(asset, size, roots).read_bytes()
    return PlainResponse(data, media_type="image/jpeg", headers=headers)

"""``view_assets``: the MCP tool that lets a multimodal assistant look at assets.

It answers with MCP image content, so that the assistant can judge what it sees and
then write it back with ``tag_assets``, ``rate_assets`` or ``update_selection``
(language and vision in the assistant, structure in curata). A few assets come as one
picture each; more as one contact sheet whose numbered cells follow the order asked,
and the structured result maps each number to its content hash.

The answer stays small whatever is asked: at most :data:`MAX_ASSETS` assets per call,
pictures of at most :data:`MAX_SIZE` pixels, at most :data:`MAX_SEPARATE` separate
pictures (more make a sheet) and a sheet of at most :data:`SHEET_SIDE` pixels a side.
The pictures are made from the thumbnail cache the server and the workbench use
(:mod:`curata.ingest.thumbnails`, decoded by :mod:`curata.imaging`), under the same
rules as the server's thumbnails: only a cataloged file, unchanged since the scan,
inside the roots.
"""

from __future__ import annotations

import base64
import math
from pathlib import Path
from typing import Any, cast

import anyio.to_thread
import mcp_types as types
from mcp.server.lowlevel import Server
from pydantic import BaseModel, Field

from curata import imaging
from curata.errors import CurataError
from curata.interface import Curata, parse_request
from curata.mcp.tools import describe_tool, error_result
from curata.models import Response
from curata.models.common import StrictModel
from curata.models.paths import FsPath

NAME = "view_assets"
MAX_ASSETS = 20
MAX_SIZE = 512
MAX_SEPARATE = 8
SHEET_SIDE = 1024
#: More assets than this are shown on a sheet unless ``sheet`` says otherwise.
SHEET_FROM = 5


class ViewAssetsRequest(StrictModel):
    """Which assets to look at, and how."""

    assets: list[FsPath] = Field(
        min_length=1,
        max_length=MAX_ASSETS,
        description="content hashes (or 6+ digit prefixes) or cataloged file paths",
    )
    size: int = Field(
        256, ge=64, le=MAX_SIZE, description="Longest side of each picture, in pixels."
    )
    sheet: bool | None = Field(
        None,
        description=f"one numbered contact sheet; false: a picture each (at most {MAX_SEPARATE}); "
        f"default: a sheet from {SHEET_FROM} assets on",
    )


class ViewedAsset(BaseModel):
    """One asset asked for: its number on the sheet (or among the pictures) and what it is."""

    number: int = Field(
        0, description="Its cell on the sheet or its place among the pictures (0: not shown)."
    )
    asset: str = Field(description="The asset as it was asked for.")
    content_hash: str | None = Field(None, description="None when no such asset.")
    file_path: FsPath | None = None
    width: int | None = Field(None, description="Of the original, in pixels.")
    height: int | None = None
    tags: list[str] = Field(default_factory=list, description="Its tags so far.")
    shown: bool = Field(description="Whether it is in the picture(s).")
    problem: str | None = Field(None, description="Why it is not shown.")


class ViewedAssets(BaseModel):
    sheet: bool = Field(description="Whether the pictures are one contact sheet.")
    shown: int = Field(description="How many assets the picture(s) show.")
    assets: list[ViewedAsset]


def _described(ref: str, curata: Curata) -> tuple[ViewedAsset, Any]:
    """The asset ``ref`` names (or why not), and its detail when it is there."""
    try:
        asset = curata.get_asset(ref).data
    except CurataError as exc:
        return ViewedAsset(asset=ref, shown=False, problem=exc.message), None
    assert asset is not None, "a found asset carries its detail"
    size = asset.metadata.get("dimensions") or {}
    entry = ViewedAsset(
        asset=ref,
        content_hash=asset.content_hash,
        file_path=asset.file_path,
        width=size.get("width"),
        height=size.get("height"),
        tags=asset.tags,
        shown=False,
    )
    return entry, asset


def view_assets(curata: Curata, request: ViewAssetsRequest) -> tuple[ViewedAssets, list[bytes]]:
    """The JPEG picture(s) of the assets ``request`` names, and what each number shows."""
    from curata.server.files import Thumbnails, serving_roots  # FastAPI only once used

    count = len(request.assets)
    sheet = count >= SHEET_FROM if request.sheet is None else request.sheet
    if not sheet and count > MAX_SEPARATE:
        sheet = True
    columns = math.ceil(math.sqrt(count))
    side = min(request.size, SHEET_SIDE // columns) if sheet else request.size
    source_size = 256 if side <= 256 else 1024  # the cached standard sizes
    thumbnails = Thumbnails(curata.settings.cache_dir)
    roots = serving_roots(curata)
    entries: list[ViewedAsset] = []
    pictures: list[Any] = []
    for ref in request.assets:
        entry, asset = _described(ref, curata)
        entries.append(entry)
        if asset is None:
            continue
        try:
            path = thumbnails.get(asset, source_size, roots)
            with imaging.opened(path) as im:
                pictures.append(imaging.fitted(im, side))
        except CurataError as exc:
            entry.problem = exc.message
            continue
        except imaging.UnreadableImage as exc:
            entry.problem = f"cannot read its thumbnail: {exc}"
            continue
        entry.shown, entry.number = True, len(pictures)
    if sheet and pictures:
        blobs = [imaging.jpeg(imaging.contact_sheet(pictures, side, columns))]
    else:
        blobs = [imaging.jpeg(p) for p in pictures]
    return ViewedAssets(sheet=sheet, shown=len(pictures), assets=entries), blobs


def summary(result: ViewedAssets) -> str:
    """One line per asset, in the order of the pictures or the sheet's numbers."""
    if result.sheet and result.shown:
        head = f"A contact sheet of {result.shown} asset(s); cell numbers:"
    else:
        head = f"{result.shown} picture(s), in this order:"
    lines = [head]
    for entry in result.assets:
        what = entry.content_hash or entry.asset
        if entry.shown:
            name = Path(entry.file_path or "").name
            tags = f", tags: {', '.join(entry.tags)}" if entry.tags else ""
            lines.append(f"{entry.number}. {what} {name} ({entry.width}x{entry.height}{tags})")
        else:
            lines.append(f"-  {what}: not shown, {entry.problem}")
    return "\n".join(lines)


DESCRIPTION = (
    "See assets as images (thumbnails, or one numbered contact sheet) to judge what they "
    "show, then tag_assets, rate_assets or update_selection with what you saw. Up to 4 "
    "assets come "
    "as one picture each; 5 to 20 as one contact sheet whose cells are numbered in the "
    "order asked (the text and the structured result map each number to its content "
    "hash). assets: content hashes or paths from search_assets / get_selection. size: "
    "the longest side of a picture (64-512, default 256)."
)


def tool() -> types.Tool:
    return describe_tool(NAME, DESCRIPTION, ViewAssetsRequest)


def call(curata: Curata, arguments: dict[str, Any]) -> types.CallToolResult:
    """Run ``view_assets``; a bad request is the same error envelope as every tool's."""
    try:
        request = parse_request(ViewAssetsRequest, arguments)
        result, blobs = view_assets(curata, request)
    except CurataError as exc:
        return error_result(exc.to_dict(), str(exc))
    body = Response.ok(result, f"{result.shown} of {len(result.assets)} shown")
    images: list[types.ContentBlock] = [
        types.ImageContent(
            type="image", data=base64.b64encode(blob).decode("ascii"), mime_type="image/jpeg"
        )
        for blob in blobs
    ]
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=summary(result)), *images],
        structured_content=body.model_dump(mode="json"),
    )


def register(server: Server[Any], curata: Curata) -> None:
    """Add ``view_assets`` to ``server``'s tools, around its own ``tools/list`` (last
    page) and ``tools/call`` handlers."""
    listing = server.get_request_handler("tools/list")
    calling = server.get_request_handler("tools/call")
    assert listing is not None and calling is not None, "register after the server's tools"
    described = tool()

    async def list_tools(ctx: Any, params: types.PaginatedRequestParams) -> types.ListToolsResult:
        # the SDK's handlers are typed loosely; these answer their request's result type
        result = cast(types.ListToolsResult, await listing.handler(ctx, params))
        if result.next_cursor is None:
            result = result.model_copy(update={"tools": [*result.tools, described]})
        return result

    async def call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        if params.name != NAME:
            return cast(types.CallToolResult, await calling.handler(ctx, params))
        arguments = dict(params.arguments or {})
        return await anyio.to_thread.run_sync(call, curata, arguments)

    server.add_request_handler("tools/list", types.PaginatedRequestParams, list_tools)
    server.add_request_handler("tools/call", types.CallToolRequestParams, call_tool)

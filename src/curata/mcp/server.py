"""The MCP server: curata's tools (and a few resources) over stdio or streamable HTTP.

Built on the SDK's low-level ``Server`` so that each tool's input schema is exactly the
JSON schema of its curata request model, and errors are curata's own field-level ones.
Tool calls run in a worker thread (the catalog is synchronous); a scan reports progress
to the client while it runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import partial
from typing import Any

import anyio
import anyio.from_thread
import anyio.to_thread
import mcp_types as types
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel import Server
from mcp.shared.exceptions import MCPError
from mcp_types.jsonrpc import INVALID_PARAMS

from curata import __version__
from curata.errors import CurataError, NotFound
from curata.interface import Curata
from curata.mcp import catalog_tools, images, prompts
from curata.mcp.resources import RESOURCES, TEMPLATES, read_resource
from curata.mcp.tools import CurataTool, error_result, operation_tool
from curata.mcp.wire import CheckedBodies, claimed_stdio, stdio_transport
from curata.operations import OPERATIONS
from curata.roots import Confinement

INSTRUCTIONS = """\
curata catalogs a media library (images, video, audio, documents, many AI-generated)
and answers structured requests only: turn what the user asks for into filters
(tags, tag:value pairs, media type, quality, AI source, project, dates, prompt keywords)
rather than passing natural language. Tags are case-insensitive; 'key:value' makes a
pair. Results and errors are envelopes {success, message, data, error}; an error names
the offending field. Start with catalog_stats to learn the tags, sources and projects.
A list tool answers one page (limit, default 20, at most 100) of compact items (hash,
path and the few fields that matter; compact=false for everything) and, when there is
more, next_cursor: pass it back unchanged as cursor for the next page.
"""


def all_tools() -> list[CurataTool]:
    """The registry's operations that are tools, then the tools written by hand."""
    return [operation_tool(op) for op in OPERATIONS if op.tool] + list(catalog_tools.TOOLS)


def build_server(curata: Curata, tools: Iterable[CurataTool] | None = None) -> Server[Any]:
    """An MCP server whose every tool calls one method of ``curata``. It always runs
    confined: a trusted ``curata`` (no confinement) is served as
    ``curata.confined(Confinement.of())``: no scans, exports only under the default
    export root."""
    if curata.confinement is None:
        curata = curata.confined(Confinement.of((), [curata.settings.export_root]))
    registry = {tool.name: tool for tool in (all_tools() if tools is None else tools)}

    async def list_tools(
        _ctx: ServerRequestContext[Any], _params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        return types.ListToolsResult(tools=[tool.describe() for tool in registry.values()])

    async def call_tool(
        ctx: ServerRequestContext[Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        tool = registry.get(params.name)
        if tool is None:
            error = NotFound(
                f"no tool {params.name!r}; the tools are: {', '.join(sorted(registry))}",
                field="name",
            )
            return error_result(error.to_dict(), str(error))

        def report(done: float, total: float | None, message: str | None) -> None:
            anyio.from_thread.run(ctx.session.report_progress, done, total, message)

        return await anyio.to_thread.run_sync(
            partial(tool.call, curata, dict(params.arguments or {}), report)
        )

    async def list_resources(
        _ctx: ServerRequestContext[Any], _params: types.PaginatedRequestParams | None
    ) -> types.ListResourcesResult:
        return types.ListResourcesResult(resources=list(RESOURCES))

    async def list_templates(
        _ctx: ServerRequestContext[Any], _params: types.PaginatedRequestParams | None
    ) -> types.ListResourceTemplatesResult:
        return types.ListResourceTemplatesResult(resource_templates=list(TEMPLATES))

    async def read(
        _ctx: ServerRequestContext[Any], params: types.ReadResourceRequestParams
    ) -> types.ReadResourceResult:
        uri = str(params.uri)
        try:
            body = await anyio.to_thread.run_sync(read_resource, curata, uri)
        except CurataError as exc:
            # A resource that does not exist is an invalid-params protocol error (SEP-2164).
            raise MCPError(INVALID_PARAMS, str(exc), exc.to_dict()) from None
        return types.ReadResourceResult(
            contents=[
                types.TextResourceContents(
                    uri=uri, mime_type="application/json", text=json.dumps(body, ensure_ascii=False)
                )
            ]
        )

    server = Server(
        "curata",
        version=__version__,
        title="curata",
        instructions=INSTRUCTIONS,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
        on_list_resources=list_resources,
        on_list_resource_templates=list_templates,
        on_read_resource=read,
    )
    images.register(server, curata)
    prompts.register(server)
    return server


async def serve_stdio(curata: Curata) -> None:
    server = build_server(curata)
    with claimed_stdio() as (wire_in, wire_out):
        async with stdio_transport(wire_in, wire_out) as (read_stream, write_stream):
            await server.run(read_stream, write_stream, server.create_initialization_options())


def run_stdio(curata: Curata) -> None:
    anyio.run(serve_stdio, curata)


def run_http(curata: Curata, host: str, port: int, log_level: str = "info") -> None:
    """Streamable HTTP at ``http://host:port/mcp`` (DNS-rebinding protection on loopback;
    bodies checked and bounded by :class:`~curata.mcp.wire.CheckedBodies`)."""
    import uvicorn

    app = CheckedBodies(build_server(curata).streamable_http_app(host=host))
    uvicorn.run(app, host=host, port=port, log_level=log_level)

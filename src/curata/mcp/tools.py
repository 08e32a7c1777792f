"""How a curata MCP tool is described and run.

A tool is an arguments model (its JSON schema is the tool's input schema, so the
assistant sees the same fields, types, limits and descriptions as the Python and HTTP
interfaces) and a call of one ``Curata`` method. Arguments are validated with
:func:`curata.interface.parse_request`, so a bad argument is the same ``InvalidRequest``
(field path and reason) that the HTTP API returns as a 422; the result is the same
``Response`` envelope.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import mcp_types as types
from pydantic import BaseModel

from curata.errors import CurataError
from curata.interface import Curata, parse_request
from curata.mcp.schemas import first_sentence, lean_schema
from curata.models import Response
from curata.models.tool_pages import ToolPage
from curata.operations import Operation

log = logging.getLogger(__name__)

#: ``report(done, total, message)``: progress of a long tool call, sent to the client.
Report = Callable[[float, float | None, str | None], None]


@dataclass(frozen=True)
class CurataTool:
    """One MCP tool: ``run(curata, arguments, report)`` makes one ``Curata`` call."""

    name: str
    description: str
    arguments: type[BaseModel]
    result: Any
    run: Callable[[Curata, Any, Report], Response[Any]]
    read_only: bool = True
    destructive: bool = False
    idempotent: bool = True

    def describe(self) -> types.Tool:
        return describe_tool(
            self.name,
            self.description,
            self.arguments,
            read_only=self.read_only,
            destructive=self.destructive,
            idempotent=self.idempotent,
        )

    def call(
        self, curata: Curata, arguments: dict[str, Any], report: Report
    ) -> types.CallToolResult:
        """Validate, run, and wrap the result or the error. Never raises: a ``CurataError``
        is its envelope (code, field, message), anything else an ``internal_error``
        naming the tool, with the traceback in the server's log only."""
        try:
            request = parse_request(self.arguments, arguments)
            page = request if isinstance(request, ToolPage) else None
            if page is not None:
                request = parse_request(page.OPERATION, page.operation_values())
            body = self.run(curata, request, report).model_dump(mode="json")
        except CurataError as exc:
            return error_result(exc.to_dict(), str(exc))
        except Exception as exc:
            log.exception("tool %s failed", self.name)
            message = (
                f"{self.name} failed unexpectedly ({type(exc).__name__}): a bug in curata, "
                "the server's log has the details"
            )
            return error_result({"code": "internal_error", "message": message}, message)
        if page is not None:
            body["data"], body["next_cursor"] = page.page(body["data"])
        return types.CallToolResult(
            content=[types.TextContent(type="text", text=summary(body))],
            structured_content=body,
        )


#: The keys that name a record in a summary, the first one present.
LABELS = ("file_path", "path", "name", "id", "asset_hash", "content_hash")


def _label(value: Any) -> str:
    if not isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)[:80]
    if isinstance(value.get("asset"), dict):
        return _label(value["asset"])
    if isinstance(value.get("keeper"), dict):
        return (
            f"{value.get('kind', 'group')} of {value.get('size')}, keeper {_label(value['keeper'])}"
        )
    name = next((str(value[key]) for key in LABELS if value.get(key) is not None), None)
    digest = value.get("content_hash") or value.get("asset_hash")
    if name is None:
        scalars = [f"{k}={v}" for k, v in value.items() if isinstance(v, str | int | float)]
        return ", ".join(scalars[:6]) or "done"
    return f"{name} ({digest[:12]})" if digest and digest != name else name


def summary(body: dict[str, Any]) -> str:
    """A line or two for the assistant to read; ``structuredContent`` holds the data.
    E.g. ``12 of 340 results; first: a.png (3fa2b1c9d0e1); next_cursor: b2Zmc2V0OjEy``."""
    data = body.get("data")
    parts = [body["message"]] if body.get("message") else []
    lists = [
        (key, value)
        for key, value in (data.items() if isinstance(data, dict) else [])
        if isinstance(value, list) and value and isinstance(value[0], dict)
    ]
    if isinstance(data, list):
        lists = [("items", data)]
    if lists:
        key, items = lists[0]
        total = next(
            (
                data[k]
                for k in ("total_count", "total", "group_count")
                if isinstance(data, dict) and isinstance(data.get(k), int)
            ),
            None,
        )
        count = f"{len(items)} of {total} {key}" if total is not None else f"{len(items)} {key}"
        parts.append(f"{count}; first: {_label(items[0])}")
    elif isinstance(data, list):
        parts.append("nothing found")
    elif data is not None and not parts:
        parts.append(_label(data))
    if body.get("next_cursor"):
        parts.append(f"more: pass cursor={body['next_cursor']!r}")
    return "; ".join(parts) or "done"


def describe_tool(
    name: str,
    description: str,
    arguments: type[BaseModel],
    *,
    read_only: bool = True,
    destructive: bool = False,
    idempotent: bool = True,
) -> types.Tool:
    """A tool as ``tools/list`` shows it (``title``, a display name, is left out: the
    name says it, and every byte of the list is read by the model): the first sentence
    of ``description`` (the rest is in ``docs/api.md``), its arguments model's schema made lean
    (:mod:`curata.mcp.schemas`), and no output schema (optional in MCP, and it was most of
    the list); a result's ``structuredContent`` is the ``Response`` envelope, the HTTP
    API's body."""
    return types.Tool(
        name=name,
        description=first_sentence(description, lists=True),
        input_schema=lean_schema(arguments.model_json_schema(), name),
        # The other hints mean something only for a tool that changes things (MCP).
        # openWorldHint is left at its default (true, the cautious reading) to keep the
        # list in its budget: the instructions say every tool works on this catalog.
        annotations=types.ToolAnnotations(read_only_hint=True)
        if read_only
        else types.ToolAnnotations(
            read_only_hint=False,
            destructive_hint=destructive,
            idempotent_hint=idempotent or None,  # false is the default
        ),
    )


def operation_tool(op: Operation) -> CurataTool:
    """The tool of a registry operation: its request model (or ``tool_request``) is the
    input schema, the method's docstring the description (:func:`describe_tool` shows
    the first sentence of it)."""
    assert op.tool is not None
    return CurataTool(
        name=op.tool,
        description=op.description,
        arguments=op.tool_request or op.request,
        result=op.result,
        run=lambda cur, request, _report: op.call(cur, request),
        read_only=op.read_only,
        destructive=op.destructive,
        idempotent=op.idempotent,
    )


def error_result(error: dict[str, Any], message: str) -> types.CallToolResult:
    """A tool error whose text is the same envelope the HTTP API sends."""
    body = {"success": False, "message": message, "data": None, "error": error}
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=json.dumps(body, ensure_ascii=False))],
        is_error=True,
    )


class Throttled:
    """Pass on progress at most every ``interval`` seconds, and always the last one."""

    def __init__(self, report: Report, interval: float = 0.25) -> None:
        self.report = report
        self.interval = interval
        self._last = 0.0
        self._lock = threading.Lock()

    def __call__(self, done: float, total: float | None, message: str | None, force: bool) -> None:
        now = time.monotonic()
        with self._lock:
            if not force and now - self._last < self.interval:
                return
            self._last = now
        self.report(done, total, message)

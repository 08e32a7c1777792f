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
from functools import cached_property
from typing import Any

import mcp_types as types
from pydantic import BaseModel, TypeAdapter

from curata.errors import CurataError
from curata.interface import Curata, parse_request
from curata.models import Response
from curata.operations import Operation

log = logging.getLogger(__name__)

#: ``report(done, total, message)``: progress of a long tool call, sent to the client.
Report = Callable[[float, float | None, str | None], None]


@dataclass(frozen=True)
class CurataTool:
    """One MCP tool: ``run(curata, arguments, report)`` makes one ``Curata`` call."""

    name: str
    title: str
    description: str
    arguments: type[BaseModel]
    result: Any
    run: Callable[[Curata, Any, Report], Response[Any]]
    read_only: bool = True
    destructive: bool = False
    idempotent: bool = True

    @cached_property
    def input_schema(self) -> dict[str, Any]:
        return self.arguments.model_json_schema()

    @cached_property
    def output_schema(self) -> dict[str, Any]:
        # a generic made at run time from the operation's result model
        schema = Response[self.result]  # type: ignore[name-defined]
        return TypeAdapter(schema).json_schema(mode="serialization")

    def describe(self) -> types.Tool:
        return types.Tool(
            name=self.name,
            title=self.title,
            description=self.description,
            input_schema=self.input_schema,
            output_schema=self.output_schema,
            annotations=types.ToolAnnotations(
                title=self.title,
                read_only_hint=self.read_only,
                destructive_hint=self.destructive,
                idempotent_hint=self.idempotent,
                open_world_hint=False,
            ),
        )

    def call(
        self, curata: Curata, arguments: dict[str, Any], report: Report
    ) -> types.CallToolResult:
        """Validate, run, and wrap the result or the error. Never raises: a ``CurataError``
        is its envelope (code, field, message), anything else an ``internal_error``
        naming the tool, with the traceback in the server's log only."""
        try:
            request = parse_request(self.arguments, arguments)
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
        return types.CallToolResult(
            content=[types.TextContent(type="text", text=json.dumps(body, ensure_ascii=False))],
            structured_content=body,
        )


def operation_tool(op: Operation) -> CurataTool:
    """The tool of a registry operation: its request model (or ``tool_request``) is the
    input schema, the method's docstring the description."""
    assert op.tool is not None
    return CurataTool(
        name=op.tool,
        title=op.summary,
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

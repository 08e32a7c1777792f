"""The MCP wire: every incoming message is checked before the SDK sees it.

The SDK (``mcp`` 2.x) answers nothing on stdio to a line it cannot read (invalid JSON,
a batch, ``"jsonrpc": "1.0"``, an object ``id``, ...): the client waits for its own
timeout (modelcontextprotocol/python-sdk#2848 and #2751). It also reads a stdio line or
an HTTP body whole, however large. So curata owns both edges:

- :func:`parse` checks one message: ``-32700`` for bytes that are not JSON, ``-32600``
  for JSON that is not one JSON-RPC 2.0 message (with the request's ``id`` when it is
  readable, else ``null``), and for a message over :data:`MAX_MESSAGE_BYTES`.
- :class:`Lines` splits the stdio byte stream into lines without ever holding more than
  the limit: the rest of an oversize line is dropped as it arrives.
- :func:`stdio_transport` is the stdio transport built on them, and
  :class:`CheckedBodies` guards the streamable-HTTP app the same way.

The limits are documented in ``docs/mcp.md``.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
from typing import Any

import anyio
import anyio.from_thread
import anyio.lowlevel
import mcp_types as types
import pydantic_core
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream
from mcp.shared.message import SessionMessage
from mcp_types.jsonrpc import INVALID_REQUEST, PARSE_ERROR
from pydantic import ValidationError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: The largest message curata reads, on stdio (one line) and over HTTP (one body).
MAX_MESSAGE_BYTES = 4 * 1024 * 1024
#: How much of stdin is read at a time.
CHUNK_BYTES = 64 * 1024

RequestId = str | int


class WireError(Exception):
    """A message curata cannot accept, answered as a JSON-RPC error."""

    def __init__(self, code: int, message: str, request_id: RequestId | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.request_id = request_id

    def frame(self) -> bytes:
        """The JSON-RPC error response, one line of UTF-8 without the newline."""
        body = {
            "jsonrpc": "2.0",
            "id": self.request_id,
            "error": {"code": self.code, "message": self.message},
        }
        return json.dumps(body, separators=(",", ":")).encode()


def too_large(limit: int) -> WireError:
    return WireError(INVALID_REQUEST, f"message larger than the limit of {limit} bytes")


def _request_id(value: dict[str, Any]) -> RequestId | None:
    ident = value.get("id")
    if isinstance(ident, str) or (isinstance(ident, int) and not isinstance(ident, bool)):
        return ident
    return None


def parse(raw: bytes, limit: int = MAX_MESSAGE_BYTES) -> types.JSONRPCMessage:
    """One JSON-RPC 2.0 message as MCP allows it, or a :class:`WireError` saying why not."""
    if len(raw) > limit:
        raise too_large(limit)
    try:
        value = pydantic_core.from_json(raw)
    except ValueError as exc:
        raise WireError(PARSE_ERROR, f"parse error: {exc}") from None
    if isinstance(value, list):
        raise WireError(
            INVALID_REQUEST, "batches are not supported (MCP 2025-06-18): one message per line"
        )
    if not isinstance(value, dict):
        raise WireError(INVALID_REQUEST, "a message must be a JSON object")
    request_id = _request_id(value)
    if "id" in value and request_id is None:
        raise WireError(INVALID_REQUEST, "id must be a string or an integer")
    if value.get("jsonrpc") != "2.0":
        raise WireError(INVALID_REQUEST, 'jsonrpc must be "2.0"', request_id)
    if "method" in value and not isinstance(value["method"], str):
        raise WireError(INVALID_REQUEST, "method must be a string", request_id)
    if "params" in value and not isinstance(value["params"], dict):
        raise WireError(INVALID_REQUEST, "params must be an object", request_id)
    try:
        return types.jsonrpc_message_adapter.validate_python(value, by_name=False)
    except (ValidationError, RecursionError):
        raise WireError(
            INVALID_REQUEST, "not a JSON-RPC request, notification or response", request_id
        ) from None


class Lines:
    """Split a byte stream into lines of at most ``limit`` bytes. A longer line is never
    held: its bytes are dropped as they arrive, and it comes out as a :class:`WireError`."""

    def __init__(self, limit: int = MAX_MESSAGE_BYTES) -> None:
        self.limit = limit
        self._buffer = bytearray()
        self._dropping = False

    def feed(self, data: bytes) -> list[bytes | WireError]:
        """The lines that ``data`` completes (blank lines left out)."""
        out: list[bytes | WireError] = []
        start = 0
        while (end := data.find(b"\n", start)) >= 0:
            self._take(data[start:end])
            out.extend(self._finish())
            start = end + 1
        self._take(data[start:])
        return out

    def close(self) -> list[bytes | WireError]:
        """The last line, if the stream ended without a newline."""
        return self._finish()

    def _take(self, part: bytes) -> None:
        if self._dropping:
            return
        if len(self._buffer) + len(part) > self.limit:
            self._buffer.clear()
            self._dropping = True
        else:
            self._buffer += part

    def _finish(self) -> list[bytes | WireError]:
        if self._dropping:
            self._dropping = False
            return [too_large(self.limit)]
        line = bytes(self._buffer).strip()
        self._buffer.clear()
        return [line] if line else []


def _encode(message: types.JSONRPCMessage) -> bytes:
    # A lone surrogate (a file name that is not UTF-8) can only sit inside a JSON string,
    # where backslashreplace turns it into a valid \udcxx escape.
    return message.model_dump_json(by_alias=True, exclude_unset=True).encode(
        "utf-8", "backslashreplace"
    )


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _pump(fd: int, deliver: Callable[[bytes], None]) -> None:
    """Read ``fd`` until EOF in a daemon thread: a read blocked on a terminal must never
    keep the process alive after Ctrl-C (the event loop's own threads would)."""
    while True:
        try:
            chunk = os.read(fd, CHUNK_BYTES)
        except OSError:
            chunk = b""
        try:
            deliver(chunk)
        except Exception:  # the event loop is gone: nobody is listening any more
            return
        if not chunk:
            return


@asynccontextmanager
async def stdio_transport(
    wire_in: int, wire_out: int, limit: int = MAX_MESSAGE_BYTES
) -> AsyncIterator[
    tuple[
        MemoryObjectReceiveStream[SessionMessage | Exception],
        MemoryObjectSendStream[SessionMessage],
    ]
]:
    """The streams ``Server.run`` reads and writes, over the file descriptors ``wire_in``
    and ``wire_out``. A bad line is answered here and never reaches the SDK."""
    read_send, read_recv = anyio.create_memory_object_stream[SessionMessage | Exception](0)
    write_send, write_recv = anyio.create_memory_object_stream[SessionMessage](0)
    chunks_send, chunks_recv = anyio.create_memory_object_stream[bytes](1)
    lock = anyio.Lock()
    token = anyio.lowlevel.current_token()

    async def emit(frame: bytes) -> None:
        async with lock:
            await anyio.to_thread.run_sync(_write_all, wire_out, frame + b"\n")

    async def handle(item: bytes | WireError) -> None:
        try:
            if isinstance(item, WireError):
                raise item
            message = parse(item, limit)
        except WireError as exc:
            await emit(exc.frame())
            return
        await read_send.send(SessionMessage(message))

    async def reader() -> None:
        lines = Lines(limit)
        async with read_send, chunks_recv:
            async for chunk in chunks_recv:
                for item in lines.feed(chunk) if chunk else lines.close():
                    await handle(item)
                if not chunk:
                    return

    async def writer() -> None:
        async with write_recv:
            async for session_message in write_recv:
                await emit(_encode(session_message.message))

    def deliver(chunk: bytes) -> None:
        anyio.from_thread.run(chunks_send.send, chunk, token=token)

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(reader)
        tasks.start_soon(writer)
        threading.Thread(target=_pump, args=(wire_in, deliver), daemon=True).start()
        try:
            yield read_recv, write_send
        finally:
            await write_send.aclose()  # the writer sends what is left, then ends
            tasks.cancel_scope.cancel()


@contextmanager
def claimed_stdio() -> Iterator[tuple[int, int]]:
    """Private copies of fd 0 and 1 for the wire, while fd 0 reads the null device and
    fd 1 writes to stderr: stray output of a library cannot corrupt a frame."""
    wire_in, wire_out = os.dup(0), os.dup(1)
    saved_in, saved_out = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(2, 1)
    os.close(null)
    try:
        yield wire_in, wire_out
    finally:
        os.dup2(saved_in, 0)
        os.dup2(saved_out, 1)
        for fd in (saved_in, saved_out, wire_out):
            os.close(fd)
        # wire_in stays open: the reading thread may still be blocked on it.


# --- streamable HTTP -----------------------------------------------------------------


class CheckedBodies:
    """ASGI middleware: a POST body over ``limit`` is refused (413) as soon as it is
    known to be, and a body that is not one JSON-RPC message is answered (400) with the
    same errors as on stdio, before the SDK's app reads it."""

    def __init__(self, app: ASGIApp, limit: int = MAX_MESSAGE_BYTES):
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        body = await self._read(scope, receive)
        if isinstance(body, WireError):
            await _reply(send, 413, body)
            return
        if body is None:  # the client went away
            return
        try:
            parse(body, self.limit)
        except WireError as exc:
            await _reply(send, 400, exc)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _read(self, scope: Scope, receive: Receive) -> bytes | WireError | None:
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                with suppress(ValueError):
                    if int(value) > self.limit:
                        return too_large(self.limit)
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            body += message.get("body", b"")
            if len(body) > self.limit:
                return too_large(self.limit)
            if not message.get("more_body"):
                return bytes(body)


async def _reply(send: Send, status: int, error: WireError) -> None:
    frame = error.frame()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(frame))]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": frame})

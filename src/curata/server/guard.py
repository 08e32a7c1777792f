"""What every request must pass before it reaches an endpoint.

:class:`RequestGuard` is one pure ASGI middleware, in front of the API, the page and the
API docs alike:

- **Host** (against DNS rebinding): the ``Host`` header must name a loopback host
  (``localhost``, ``127.0.0.0/8``, ``[::1]``, any port) or one of the server's allowed
  names (``curata serve --allow-host``, and the bound ``--host`` unless it is a
  wildcard); otherwise ``403 forbidden`` naming the field ``host``. A page served from
  ``evil.example`` that rebinds its name to 127.0.0.1 sends ``Host: evil.example``.
- **Origin** (against cross-site requests): a state-changing request (POST, PUT, PATCH,
  DELETE) that carries an ``Origin`` must come from this very server (same scheme host
  and port as the ``Host`` it was sent to); otherwise ``403`` naming ``origin``.
  Requests without ``Origin`` (curl, httpx, MCP clients) pass: browsers always send it
  with such requests.
- **Body size**: at most ``max_body`` bytes (default :data:`MAX_BODY`, 1 MiB; ``curata
  serve --max-body``), counted as the body arrives, so a chunked body without
  ``Content-Length`` is stopped too; a larger one is ``413 too_large`` before anything
  parses it.
- **Methods**: ``OPTIONS`` answers ``204`` with ``Allow`` listing the path's methods,
  every ``405`` carries that same ``Allow``, and ``HEAD`` works wherever ``GET`` does.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Sequence

from starlette.datastructures import Headers
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from curata.errors import CurataError, Forbidden, PayloadTooLarge
from curata.hosts import allowed_hosts, is_loopback, normalize_host
from curata.server.errors import error_body

#: The default request body limit: 1 MiB, far above any request curata documents.
MAX_BODY = 1024 * 1024
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_HOST = r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?"
_HOST_RE = re.compile(_HOST)
_ORIGIN_RE = re.compile(r"(https?)://" + _HOST)
_SHOWN = 100  # characters of a refused header quoted in the error


def parse_host(value: str) -> tuple[str, int | None] | None:
    """``(host, port)`` of a ``Host`` header (``[::1]:8765`` -> ``("::1", 8765)``), or None
    when it is not a plain host with an optional port."""
    match = _HOST_RE.fullmatch(value)
    if match is None:
        return None
    return _authority(match.group(1), match.group(2))


def parse_origin(value: str) -> tuple[str, str, int] | None:
    """``(scheme, host, port)`` of an ``Origin`` (the scheme's port when it names none),
    or None for ``null`` and anything else that is not ``http(s)://host[:port]``."""
    match = _ORIGIN_RE.fullmatch(value)
    parsed = None if match is None else _authority(match.group(2), match.group(3))
    if match is None or parsed is None:
        return None
    scheme = match.group(1)
    return scheme, parsed[0], parsed[1] or _DEFAULT_PORTS[scheme]


def _authority(host: str, port: str | None) -> tuple[str, int | None] | None:
    number = int(port) if port else None
    if number is not None and not 0 < number < 65536:
        return None
    if host.startswith("["):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            return None
    return normalize_host(host), number


def _quoted(value: str) -> str:
    return repr(value if len(value) <= _SHOWN else value[:_SHOWN] + "...")


def refusal(
    method: str, hosts: Sequence[str], origin: str | None, allowed: frozenset[str]
) -> Forbidden | None:
    """Why a request with these ``Host`` headers and ``Origin`` is refused, or None.

    Pure: ``allowed`` comes from :func:`allowed_hosts` (loopback always passes).
    """
    host = parse_host(hosts[0]) if len(hosts) == 1 else None
    if host is None or not (is_loopback(host[0]) or host[0] in allowed):
        shown = _quoted(hosts[0]) if len(hosts) == 1 else f"{len(hosts)} Host headers"
        return Forbidden(
            f"Host {shown} is not allowed: this server answers to localhost, 127.0.0.1 and "
            "[::1], and to the names it was started with (--allow-host)",
            field="host",
        )
    if method.upper() not in STATE_CHANGING or origin is None:
        return None
    source = parse_origin(origin)
    if source is not None:
        scheme, name, port = source
        if name == host[0] and port == (host[1] or _DEFAULT_PORTS[scheme]):
            return None  # same origin: the page this server served
    return Forbidden(
        f"Origin {_quoted(origin)} is not this server ({_quoted(hosts[0])}): "
        "a page of another site cannot change the catalog",
        field="origin",
    )


def allowed_methods(routes: Sequence[BaseRoute], path: str) -> list[str]:
    """The methods ``path`` answers (with ``OPTIONS``), sorted; empty for no route."""
    found = {m for m in _METHODS if _route_for(routes, path, m) is not None}
    if "GET" in found:
        found.add("HEAD")
    return sorted(found | {"OPTIONS"}) if found else []


def _route_for(routes: Sequence[BaseRoute], path: str, method: str) -> BaseRoute | None:
    probe: Scope = {
        "type": "http",
        "path": path,
        "root_path": "",
        "method": method,
        "headers": [],
        "query_string": b"",
    }
    for route in routes:
        if route.matches(probe)[0] == Match.FULL:
            if isinstance(route, Mount) and method not in ("GET", "HEAD"):
                return None  # the static files answer GET and HEAD only
            return route
    return None


class RequestGuard:
    """The checks of this module in front of ``app`` (see the module's description)."""

    def __init__(self, app: ASGIApp, hosts: Iterable[str] = (), max_body: int = MAX_BODY) -> None:
        self.app = app
        self.allowed = allowed_hosts(hosts)
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        problem = refusal(
            scope["method"], headers.getlist("host"), headers.get("origin"), self.allowed
        )
        if problem is not None:
            await _error(problem)(scope, receive, send)
            return
        messages = await self._body(headers, receive)
        if messages is None:
            too_large = PayloadTooLarge(
                f"the request body is larger than {self.max_body} bytes (the server's --max-body)",
                field="body",
            )
            await _error(too_large)(scope, receive, send)
            return
        routes: Sequence[BaseRoute] = scope["app"].routes
        path = scope["path"]
        if scope["method"] == "OPTIONS":
            methods = allowed_methods(routes, path)
            if methods:
                await Response(status_code=204, headers={"Allow": ", ".join(methods)})(
                    scope, receive, send
                )
                return
        elif (
            scope["method"] == "HEAD"
            and _route_for(routes, path, "HEAD") is None
            and _route_for(routes, path, "GET") is not None
        ):
            scope = {**scope, "method": "GET"}
            send = _headers_only(send)
        await self.app(scope, _replay(messages, receive), _with_allow(send, routes, path))

    async def _body(self, headers: Headers, receive: Receive) -> list[Message] | None:
        """The request's messages up to the end of its body, or None past ``max_body``."""
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body:
            return None
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                return messages
            size += len(message.get("body", b""))
            if size > self.max_body:
                return None
            if not message.get("more_body", False):
                return messages


def _error(exc: CurataError) -> JSONResponse:
    return JSONResponse(error_body(exc), status_code=exc.http_status)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """``receive`` that first hands out the body already read."""
    pending = list(messages)

    async def replay() -> Message:
        return pending.pop(0) if pending else await receive()

    return replay


def _headers_only(send: Send) -> Send:
    """For a ``HEAD`` answered as ``GET``: the headers, an empty body, nothing more."""
    done = False

    async def head(message: Message) -> None:
        nonlocal done
        if done:
            return
        if message["type"] == "http.response.body":
            done = True
            message = {"type": "http.response.body", "body": b"", "more_body": False}
        await send(message)

    return head


def _with_allow(send: Send, routes: Sequence[BaseRoute], path: str) -> Send:
    """Every ``405`` names in ``Allow`` all the methods of the path, not one route's."""

    async def allow(message: Message) -> None:
        if message["type"] == "http.response.start" and message["status"] == 405:
            kept = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"allow"]
            methods = ", ".join(allowed_methods(routes, path)).encode()
            message = {**message, "headers": [*kept, (b"allow", methods)]}
        await send(message)

    return allow

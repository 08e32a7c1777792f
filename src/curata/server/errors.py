"""The one place where errors become HTTP responses.

A :class:`~curata.errors.CurataError` becomes its ``http_status`` with the envelope
``{"success": false, "message": ..., "error": exc.to_dict()}``. A request FastAPI cannot
parse or validate is an ``InvalidRequest`` (422) naming the field path, so bad input is
never a 500.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from curata.errors import CurataError, InvalidRequest, Unauthorized, invalid_from_pydantic
from curata.server.models import ErrorResponse

log = logging.getLogger(__name__)

_LOCATION_PREFIXES = frozenset({"body", "query", "path", "header", "cookie"})


def error_body(exc: CurataError) -> dict[str, Any]:
    return ErrorResponse(message=str(exc), error=exc.to_dict()).model_dump(mode="json")


def field_path(loc: tuple[Any, ...] | list[Any]) -> tuple[str, ...]:
    """``("body", "filters", "limit")`` -> ``("filters", "limit")``; ``("query", "size")``
    -> ``("size",)``: the path inside the request, as curata's own errors name it."""
    parts = tuple(str(p) for p in loc)
    return parts[1:] if len(parts) > 1 and parts[0] in _LOCATION_PREFIXES else parts


def _location(error: dict[str, Any]) -> tuple[str, ...]:
    """Where a validation error is; a body that is not JSON at all is ``body`` (not the
    character offset FastAPI gives)."""
    if error.get("type") == "json_invalid":
        return ("body",)
    return field_path(error.get("loc", ()))


class _Problems:
    """FastAPI's validation errors in the shape :func:`invalid_from_pydantic` reads."""

    def __init__(self, exc: RequestValidationError) -> None:
        self._errors = [{**e, "loc": _location(e)} for e in exc.errors()]

    def errors(self, include_url: bool = False) -> list[dict[str, Any]]:
        return self._errors


def invalid_from_validation(exc: RequestValidationError) -> InvalidRequest:
    """The same ``InvalidRequest`` (field path, reason) that ``Curata`` raises itself."""
    return invalid_from_pydantic(_Problems(exc))


def _respond(exc: CurataError) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthorized) else None
    return JSONResponse(error_body(exc), status_code=exc.http_status, headers=headers)


async def _curata_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, CurataError)
    return _respond(exc)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return _respond(invalid_from_validation(exc))


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    """Starlette's own errors (unknown route, wrong method) in the same envelope; an
    unreadable body is an invalid request like any other."""
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400:  # a body that is not even text (e.g. invalid UTF-8)
        return _respond(InvalidRequest(str(exc.detail), field="body"))
    codes = {404: "not_found", 405: "method_not_allowed"}
    body = ErrorResponse(
        message=str(exc.detail),
        error={"code": codes.get(exc.status_code, "http_error"), "message": str(exc.detail)},
    )
    return JSONResponse(
        body.model_dump(mode="json"), status_code=exc.status_code, headers=exc.headers
    )


async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error", exc_info=exc)
    body = ErrorResponse(
        message="internal error", error={"code": "internal_error", "message": "internal error"}
    )
    return JSONResponse(body.model_dump(mode="json"), status_code=500)


def install(app: FastAPI) -> None:
    app.add_exception_handler(CurataError, _curata_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)


_DESCRIPTIONS = {
    401: "Missing or wrong API token",
    403: "Outside what this server may reach (a path outside its roots), or a Host or "
    "Origin it does not answer to",
    404: "Not found",
    409: "Conflict with the catalog's state",
    413: "The request body is larger than the server's limit (--max-body, default 1 MiB)",
    422: "Invalid request: names the field path and the reason",
    502: "An artwork provider failed, refused the request or is not configured",
    503: "Busy (every pattern-search slot or catalog connection in use) or the catalog is "
    "unavailable: retry later",
    507: "The disk is full: the operation wrote nothing it keeps",
}


def error_responses(*statuses: int, by_reference: bool = False) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries for the error statuses an operation can return.

    ``by_reference`` spells the JSON content out, for an operation whose own responses
    are not JSON (FastAPI would otherwise document its errors in that media type).
    """
    if by_reference:
        content = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}
        return {s: {"description": _DESCRIPTIONS[s], "content": content} for s in statuses}
    return {s: {"model": ErrorResponse, "description": _DESCRIPTIONS[s]} for s in statuses}

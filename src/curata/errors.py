"""One error hierarchy for the whole of curata.

Every transport maps these in one place: ``http_status`` for the HTTP API,
``exit_code`` for the CLI, and the message (with its field path) for MCP tool errors.
"""

from __future__ import annotations

from typing import Any

from curata.models.paths import display


class CurataError(Exception):
    """Base class of every error curata raises on purpose."""

    http_status = 500
    exit_code = 1
    code = "error"

    def __init__(self, message: str, *, field: str | None = None, details: Any = None) -> None:
        # Text for people in every transport: a file name that is not UTF-8 in it shows
        # U+FFFD, so the error can always be encoded (HTTP, MCP, the terminal).
        message = display(message)
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field:
            out["field"] = self.field
        if self.details is not None:
            out["details"] = self.details
        return out


class InvalidRequest(CurataError):
    """The request is malformed: names the field path and the reason. Nothing ran."""

    http_status = 422
    exit_code = 2
    code = "invalid_request"


class NotFound(CurataError):
    """An asset, project, selection or other named thing does not exist."""

    http_status = 404
    exit_code = 3
    code = "not_found"


class Conflict(CurataError):
    """The request contradicts the catalog's state (e.g. an item already present)."""

    http_status = 409
    exit_code = 4
    code = "conflict"


class Unauthorized(CurataError):
    """A server needs a valid API token (``Authorization: Bearer <token>``)."""

    http_status = 401
    exit_code = 6
    code = "unauthorized"


class Forbidden(CurataError):
    """The request is well formed but reaches outside what this server may touch: a path
    outside the configured scan or export roots, a Host or Origin that is not allowed."""

    http_status = 403
    exit_code = 9
    code = "forbidden"


class PayloadTooLarge(CurataError):
    """A request body, or a value inside it, is larger than curata's documented limit."""

    http_status = 413
    exit_code = 2
    code = "too_large"


class InsufficientStorage(CurataError):
    """The disk (or quota) ran out while writing; nothing half-written was kept."""

    http_status = 507
    exit_code = 10
    code = "insufficient_storage"


class Busy(CurataError):
    """Expensive work of this kind is already running at its concurrency limit; retry."""

    http_status = 503
    exit_code = 11
    code = "busy"


class Interrupted(CurataError):
    """Long work was stopped on request; what finished is kept and can be resumed."""

    http_status = 409
    exit_code = 130
    code = "interrupted"


class VerificationError(CurataError):
    """A written file did not read back with the SHA-256 it was written with."""

    http_status = 500
    exit_code = 7
    code = "verification_failed"


class ProviderError(CurataError):
    """An artwork provider refused or failed a request (bad key, rate limit, outage)."""

    http_status = 502
    exit_code = 8
    code = "provider_error"


class CatalogError(CurataError):
    """The catalog database cannot be opened, migrated or written."""

    http_status = 503
    exit_code = 5
    code = "catalog_error"


def invalid_from_pydantic(exc: Any, prefix: str = "") -> InvalidRequest:
    """Turn a pydantic ``ValidationError`` into an ``InvalidRequest`` naming the field path."""
    errors = exc.errors(include_url=False)
    parts = []
    for err in errors:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p != "__root__")
        if prefix:
            loc = f"{prefix}.{loc}" if loc else prefix
        message = str(err.get("msg", "invalid"))
        if err.get("type") == "value_error":  # a validator's own words, without pydantic's prefix
            message = message.removeprefix("Value error, ")
        parts.append((loc, message))
    first_field, message = parts[0] if parts else (prefix or "", "invalid request")
    if len(parts) > 1:
        message += "; also " + "; ".join(f"{f}: {m}" if f else m for f, m in parts[1:])
    return InvalidRequest(
        message,
        field=first_field or None,
        details=[{"field": f, "reason": m} for f, m in parts],
    )

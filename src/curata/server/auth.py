"""Bearer-token authentication, on when the server was given a token."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from curata.errors import Unauthorized

_bearer = HTTPBearer(
    auto_error=False, description="The server's API token (`curata serve --token`)."
)


def require_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """Every API request needs ``Authorization: Bearer <token>`` when a token is set."""
    expected: str | None = request.app.state.token
    if expected is None:
        return
    given = credentials.credentials if credentials is not None else ""
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise Unauthorized("missing or wrong API token (send 'Authorization: Bearer <token>')")

"""Every registry operation is an endpoint of the app, with its method, path and status."""

from __future__ import annotations

import httpx

from curata.operations import OPERATIONS


def test_every_public_method_has_an_endpoint(http: httpx.Client) -> None:
    paths = http.get("/openapi.json").json()["paths"]
    for op in OPERATIONS:
        operation = paths.get(op.path, {}).get(op.http_method.lower())
        assert operation is not None, op.http
        assert str(op.status) in operation["responses"], op.http
        assert operation["summary"] == op.summary
        assert op.area in operation["tags"]

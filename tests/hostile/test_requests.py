"""Hostile requests: a web page in the same browser, a DNS-rebinding page, huge bodies.

Every state-changing operation of the OpenAPI document is sent cross-site and must be
refused before it runs; a request naming another host is refused on every path (the
API, the page, the docs); a chunked body over the limit is refused before parsing.
All over real HTTP to uvicorn on loopback.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.server.conftest import LiveServer

from curata import Curata
from curata.roots import Confinement
from curata.server import create_app

STATE_CHANGING = ("post", "put", "patch", "delete")
HOSTILE_ORIGINS = ("http://evil.example", "null", "http://localhost.evil.example:8765")


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory, fixtures: Path) -> Iterator[Curata]:
    db = tmp_path_factory.mktemp("hostile") / "catalog.db"
    with Curata(database=db) as cur:
        cur.scan([fixtures / "generators"], workers=1)
        yield cur


@pytest.fixture(scope="module")
def live(
    catalog: Curata, fixtures: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """A server that may scan the test files and export below a temporary folder."""
    exports = tmp_path_factory.mktemp("exports")
    confined = catalog.confined(Confinement.of([fixtures], [exports]))
    cache = tmp_path_factory.mktemp("cache")
    with LiveServer(create_app(confined, cache_dir=cache, max_body=4096)) as server:
        yield server


def _operations(client: httpx.Client) -> list[tuple[str, str]]:
    """(method, path with its parameters filled in) of every state-changing operation."""
    paths = client.get("/openapi.json").json()["paths"]
    found = []
    for template, item in paths.items():
        path = re.sub(r"\{[^}]+\}", "abcdef", template)
        found += [(m.upper(), path) for m in item if m in STATE_CHANGING]
    return found


def test_no_state_change_can_come_from_another_site(live: LiveServer, catalog: Curata) -> None:
    before = catalog.stats().data
    with httpx.Client(base_url=live.url, timeout=60) as client:
        operations = _operations(client)
        assert len(operations) >= 20
        assert ("POST", "/scans") in operations and ("DELETE", "/scans/abcdef") in operations
        for method, path in operations:
            for origin in (*HOSTILE_ORIGINS, live.url.replace("127.0.0.1", "localhost")):
                answer = client.request(
                    method, path, json={"paths": ["/"]}, headers={"Origin": origin}
                )
                assert answer.status_code == 403, (method, path, origin)
                assert answer.json()["error"]["field"] == "origin"
        # The same requests from the page itself get past the guard.
        same = client.post("/search", json={}, headers={"Origin": live.url})
        assert same.status_code == 200
    assert catalog.stats().data == before
    assert catalog.list_projects().data == []


@pytest.mark.parametrize(
    "path",
    ["/search", "/stats", "/", "/static/app.js", "/openapi.json", "/docs", "/scans", "/nowhere"],
)
@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "0.0.0.0:{port}"])
def test_a_dns_rebinding_request_is_refused_everywhere(
    live: LiveServer, path: str, host: str
) -> None:
    port = live.url.rsplit(":", 1)[1]
    with httpx.Client(base_url=live.url, timeout=60) as client:
        for method in ("GET", "POST", "OPTIONS", "HEAD"):
            answer = client.request(method, path, headers={"Host": host.format(port=port)})
            assert answer.status_code == 403, (method, path)
            if method != "HEAD":
                assert answer.json()["error"] == {
                    "code": "forbidden",
                    "message": answer.json()["error"]["message"],
                    "field": "host",
                    "details": None,
                }


def test_a_chunked_body_over_the_limit_is_refused_before_parsing(live: LiveServer) -> None:
    """No Content-Length: the guard counts the chunks as they come."""

    def chunks() -> Iterator[bytes]:
        yield b'{"filters": {"tags": ["'
        for _ in range(10):
            yield b"x" * 1000
        yield b'"]}}'

    with httpx.Client(base_url=live.url, timeout=60) as client:
        answer = client.post(
            "/search", content=chunks(), headers={"Content-Type": "application/json"}
        )
        assert answer.request.headers.get("transfer-encoding") == "chunked"
        assert answer.status_code == 413
        assert answer.json()["error"]["code"] == "too_large"
        declared = client.post("/search", content=b" " * 5000)
        assert declared.status_code == 413
        # The server goes on answering.
        assert client.post("/search", json={}).status_code == 200

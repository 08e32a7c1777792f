"""The request guard: its pure decisions, and the same rules over loopback HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from curata import Curata
from curata.hosts import allowed_hosts
from curata.server import create_app
from curata.server.guard import allowed_methods, parse_host, parse_origin, refusal
from tests.server.conftest import LiveServer, hash_of

LOCAL = ["localhost:8765"]


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ("localhost:8765", ("localhost", 8765)),
        ("LocalHost.", ("localhost", None)),
        ("127.0.0.1", ("127.0.0.1", None)),
        ("[::1]:80", ("::1", 80)),
        ("nas.example.org:8080", ("nas.example.org", 8080)),
        ("evil@127.0.0.1", None),
        ("127.0.0.1:99999", None),
        ("127.0.0.1:0", None),
        ("127.0.0.1:", None),
        ("[zz]:1", None),
        ("::1", None),
        ("a b", None),
        ("", None),
        ("localhost/x", None),
    ],
)
def test_parse_host(value: str, parsed: tuple[str, int | None] | None) -> None:
    assert parse_host(value) == parsed


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ("http://localhost:8765", ("http", "localhost", 8765)),
        ("http://127.0.0.1", ("http", "127.0.0.1", 80)),
        ("https://[::1]", ("https", "::1", 443)),
        ("null", None),
        ("file://", None),
        ("http://localhost:8765/page", None),
        ("ftp://localhost", None),
    ],
)
def test_parse_origin(value: str, parsed: tuple[str, str, int] | None) -> None:
    assert parse_origin(value) == parsed


def test_allowed_hosts_leave_out_wildcards() -> None:
    names = ["0.0.0.0", "[::]", "::", "NAS.local.", "192.168.1.5"]
    assert allowed_hosts(names) == {"nas.local", "192.168.1.5"}


@pytest.mark.parametrize(
    "hosts", [["localhost:1"], ["127.5.6.7:8765"], ["[::1]:8765"], ["LOCALHOST"], ["127.0.0.1"]]
)
def test_loopback_hosts_pass(hosts: list[str]) -> None:
    assert refusal("GET", hosts, None, frozenset()) is None
    assert refusal("POST", hosts, None, frozenset()) is None


@pytest.mark.parametrize(
    "hosts",
    [["evil.example"], ["evil.example:8765"], ["0.0.0.0:8765"], ["127.1:8765"], [], LOCAL * 2],
)
def test_other_hosts_are_refused(hosts: list[str]) -> None:
    problem = refusal("GET", hosts, None, frozenset())
    assert problem is not None and problem.field == "host" and problem.http_status == 403


def test_configured_hosts_pass() -> None:
    allowed = allowed_hosts(["nas.local"])
    assert refusal("GET", ["NAS.local:8765"], None, allowed) is None
    assert refusal("POST", ["nas.local:8765"], "http://nas.local:8765", allowed) is None
    assert refusal("GET", ["other.local:8765"], None, allowed) is not None


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "post"])
@pytest.mark.parametrize(
    ("host", "origin", "allowed"),
    [
        ("localhost:8765", "http://localhost:8765", True),
        ("localhost", "http://localhost", True),
        ("127.0.0.1:8765", "http://127.0.0.1:8765", True),
        ("[::1]:8765", "http://[::1]:8765", True),
        ("localhost:8765", "http://evil.example", False),
        ("localhost:8765", "http://evil.example:8765", False),
        ("localhost:8765", "http://127.0.0.1:8765", False),  # another origin, if local
        ("localhost:8765", "http://localhost:9999", False),
        ("localhost", "http://localhost:8765", False),
        ("localhost:8765", "null", False),
        ("localhost:8765", "", False),
    ],
)
def test_state_changes_need_the_same_origin(
    method: str, host: str, origin: str, allowed: bool
) -> None:
    problem = refusal(method, [host], origin, frozenset())
    assert (problem is None) == allowed
    if problem is not None:
        assert problem.field == "origin" and problem.http_status == 403


def test_reads_and_requests_without_origin_pass() -> None:
    assert refusal("GET", LOCAL, "http://evil.example", frozenset()) is None
    assert refusal("OPTIONS", LOCAL, "http://evil.example", frozenset()) is None
    assert refusal("DELETE", LOCAL, None, frozenset()) is None


def test_a_long_header_is_quoted_short() -> None:
    problem = refusal("GET", ["x" * 10_000], None, frozenset())
    assert problem is not None and len(problem.message) < 400


def test_allowed_methods_of_each_path(scanned: Curata, tmp_path: Path) -> None:
    routes = create_app(scanned, cache_dir=tmp_path).routes
    assert allowed_methods(routes, "/scans") == ["GET", "HEAD", "OPTIONS", "POST"]
    assert allowed_methods(routes, "/scans/abc") == ["DELETE", "GET", "HEAD", "OPTIONS"]
    assert allowed_methods(routes, "/search") == ["OPTIONS", "POST"]
    assert allowed_methods(routes, "/saved-searches") == [
        "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST",
    ]  # fmt: skip
    assert allowed_methods(routes, "/static/app.js") == ["GET", "HEAD", "OPTIONS"]
    assert allowed_methods(routes, "/") == ["GET", "HEAD", "OPTIONS"]
    assert allowed_methods(routes, "/nowhere") == []


# --- over HTTP ----------------------------------------------------------------------


def test_options_answers_the_paths_methods(http: httpx.Client) -> None:
    for path, allow in (
        ("/scans", "GET, HEAD, OPTIONS, POST"),
        ("/search", "OPTIONS, POST"),
        ("/projects/x", "GET, HEAD, OPTIONS"),
    ):
        answer = http.options(path)
        assert (answer.status_code, answer.headers["allow"]) == (204, allow)
        assert answer.content == b""
    assert http.options("/nowhere").status_code == 404


def test_a_wrong_method_is_405_naming_every_method_of_the_path(http: httpx.Client) -> None:
    answer = http.put("/scans", json={})
    assert answer.status_code == 405
    assert answer.headers["allow"] == "GET, HEAD, OPTIONS, POST"
    assert answer.json()["error"]["code"] == "method_not_allowed"
    assert http.get("/search").headers["allow"] == "OPTIONS, POST"


def test_head_answers_where_get_does(
    http: httpx.Client, scanned: Curata, library_copy: Path
) -> None:
    got, head = http.get("/stats"), http.head("/stats")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    asset = hash_of(scanned, library_copy / "formats" / "baboon.pgm")
    file = http.head(f"/assets/{asset}/file")
    assert file.status_code == 200 and file.content == b""
    size = (library_copy / "formats" / "baboon.pgm").stat().st_size
    assert file.headers["content-length"] == str(size)
    assert http.head("/search").status_code == 405


def test_the_page_works_same_origin(http: httpx.Client, server: LiveServer) -> None:
    page = http.get("/")
    assert page.status_code == 200 and "<html" in page.text.lower()
    assert http.get("/static/app.js").status_code == 200
    same = {"Origin": server.url}
    assert http.post("/search", json={}, headers=same).status_code == 200
    localhost = server.url.replace("127.0.0.1", "localhost")
    named = {"Host": localhost.removeprefix("http://"), "Origin": localhost}
    assert http.post("/search", json={}, headers=named).status_code == 200


@pytest.fixture
def nas(scanned: Curata, tmp_path: Path) -> Iterator[LiveServer]:
    with LiveServer(create_app(scanned, cache_dir=tmp_path, hosts=["nas.local"])) as live:
        yield live


def test_a_configured_host_name_is_answered(nas: LiveServer) -> None:
    port = nas.url.rsplit(":", 1)[1]
    with httpx.Client(base_url=nas.url, timeout=60) as client:
        assert client.get("/stats", headers={"Host": f"nas.local:{port}"}).status_code == 200
        other = client.get("/stats", headers={"Host": f"nas.other:{port}"})
        assert other.status_code == 403 and other.json()["error"]["field"] == "host"


def test_the_body_limit_is_413(scanned: Curata, tmp_path: Path) -> None:
    app = create_app(scanned, cache_dir=tmp_path, max_body=1000)
    padded = b"{}" + b" " * 998
    json_body = {"Content-Type": "application/json"}
    with (
        LiveServer(app) as live,
        httpx.Client(base_url=live.url, timeout=60, headers=json_body) as client,
    ):
        assert client.post("/search", content=padded).status_code == 200
        too_large = client.post("/search", content=padded + b" ")
        assert too_large.status_code == 413
        error = too_large.json()["error"]
        assert (error["code"], error["field"]) == ("too_large", "body")
        assert error["message"] == (
            "the request body is larger than 1000 bytes (the server's --max-body)"
        )

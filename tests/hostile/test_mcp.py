"""Hostile MCP clients: malformed and oversize messages, failing tools, confinement.

Every case runs the real ``python -m curata mcp`` process: raw bytes over its stdin and
over streamable HTTP for the wire, the SDK's own client for tools and confinement. Each
read has a bounded timeout, so a message the server leaves unanswered fails the test
instead of hanging it.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from tests.mcp.conftest import SRC, failed, mcp_client, ok
from tests.mcp.test_http_transport import free_port, wait_listening

from curata import Curata
from curata.mcp import build_server
from curata.mcp.tools import CurataTool
from curata.mcp.wire import MAX_MESSAGE_BYTES
from curata.models import StrictModel
from mcp import Client

INIT = {
    "jsonrpc": "2.0",
    "id": 0,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "hostile", "version": "1"},
    },
}
INITIALIZED = b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n'

#: (case, bytes sent, JSON-RPC error code, id of the answer)
MALFORMED = [
    ("invalid JSON", b"{not json}", -32700, None),
    ("truncated object", b'{"jsonrpc":"2.0","id":1,"method":"ping"', -32700, None),
    ("not UTF-8", b'{"jsonrpc":"2.0","id":2,"method":"\xff\xfe"}', -32700, None),
    ("batch array", b'[{"jsonrpc":"2.0","id":3,"method":"ping"}]', -32600, None),
    ("jsonrpc 1.0", b'{"jsonrpc":"1.0","id":4,"method":"ping"}', -32600, 4),
    ("no jsonrpc", b'{"id":"five","method":"ping"}', -32600, "five"),
    ("array params", b'{"jsonrpc":"2.0","id":6,"method":"tools/list","params":[1]}', -32600, 6),
    ("object id", b'{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}', -32600, None),
    ("boolean id", b'{"jsonrpc":"2.0","id":true,"method":"ping"}', -32600, None),
    ("number method", b'{"jsonrpc":"2.0","id":9,"method":9}', -32600, 9),
    ("a string", b'"ping"', -32600, None),
    ("neither request nor response", b'{"jsonrpc":"2.0","id":10}', -32600, 10),
    ("deep params", b'{"jsonrpc":"2.0","id":11,"method":"ping","params":{"a":'
     + b"[" * 5000 + b"]" * 5000 + b"}}", -32700, None),
]  # fmt: skip


class RawServer:
    """``curata mcp`` on pipes, spoken to line by line."""

    def __init__(self, db: Path, home: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "curata", "--database", str(db), "mcp"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "CURATA_HOME": str(home), "PYTHONPATH": SRC},
        )

    def send(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def answer(self, timeout: float = 30) -> dict[str, Any]:
        """The next message from the server; fails if none comes within ``timeout``."""
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        assert ready, "the server did not answer"
        line = self.proc.stdout.readline()
        assert line, "the server closed its stdout"
        return json.loads(line)  # type: ignore[no-any-return]

    def ping(self, request_id: int) -> None:
        self.send(b'{"jsonrpc":"2.0","id":%d,"method":"ping"}\n' % request_id)
        assert self.answer() == {"jsonrpc": "2.0", "id": request_id, "result": {}}

    def peak_rss(self) -> int:
        """The process's peak resident set size in bytes (Linux VmHWM)."""
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        line = next(x for x in status.splitlines() if x.startswith("VmHWM"))
        return int(line.split()[1]) * 1024

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(30)


@pytest.fixture
def small_catalog(tmp_path: Path, fixtures: Path) -> Path:
    db = tmp_path / "catalog.db"
    library = tmp_path / "library"
    shutil.copytree(fixtures / "near-duplicates", library)
    with Curata(database=db) as cur:
        cur.scan([library], workers=1)
    return db


@pytest.fixture
def raw_server(small_catalog: Path, tmp_path: Path) -> Iterator[RawServer]:
    server = RawServer(small_catalog, tmp_path / "home")
    try:
        server.send(json.dumps(INIT).encode() + b"\n")
        assert server.answer(120)["id"] == 0
        server.send(INITIALIZED)
        yield server
    finally:
        server.proc.kill()
        server.proc.wait(30)


def test_every_malformed_line_is_answered(raw_server: RawServer) -> None:
    for n, (case, data, code, request_id) in enumerate(MALFORMED):
        raw_server.send(data + b"\n")
        answer = raw_server.answer()
        assert answer["jsonrpc"] == "2.0", case
        assert answer["error"]["code"] == code, (case, answer)
        assert answer["id"] == request_id, (case, answer)
        raw_server.ping(100 + n)  # and the server goes on serving
    # A bad last line without its newline is answered too; then the server ends.
    raw_server.send(b'{"jsonrpc":"2.0","id":"last"')
    assert raw_server.proc.stdin is not None
    raw_server.proc.stdin.close()
    assert raw_server.answer()["error"]["code"] == -32700
    assert raw_server.proc.wait(30) == 0


def test_an_oversize_line_is_refused_without_holding_it(raw_server: RawServer) -> None:
    size = 16 * MAX_MESSAGE_BYTES  # 64 MiB
    before = raw_server.peak_rss()
    raw_server.send(b'{"jsonrpc":"2.0","id":7,"method":"ping","params":{"x":"')
    block = b"a" * (1 << 20)
    for _ in range(size // len(block)):
        raw_server.send(block)
    raw_server.send(b'"}}\n')
    answer = raw_server.answer(120)
    assert answer["error"]["code"] == -32600 and answer["id"] is None
    assert str(MAX_MESSAGE_BYTES) in answer["error"]["message"]
    raw_server.ping(8)
    # The server held at most about one limit's worth of the line, never all of it.
    assert raw_server.peak_rss() - before < 4 * MAX_MESSAGE_BYTES
    # A line at the limit is still read.
    padding = MAX_MESSAGE_BYTES - 200
    raw_server.send(
        b'{"jsonrpc":"2.0","id":9,"method":"ping","params":{"_meta":{"x":"'
        + b"b" * padding
        + b'"}}}\n'
    )
    assert raw_server.answer() == {"jsonrpc": "2.0", "id": 9, "result": {}}
    raw_server.close()


def test_malformed_and_oversize_http_bodies(small_catalog: Path, tmp_path: Path) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "curata", "--database", str(small_catalog), "mcp", "--http",
         "--port", str(port)],
        env={**os.environ, "CURATA_HOME": str(tmp_path / "home"), "PYTHONPATH": SRC},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/mcp"
    headers = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
    try:
        wait_listening(port, proc)
        with httpx.Client(timeout=30, headers=headers) as http:
            for case, data, code, request_id in MALFORMED:
                answer = http.post(url, content=data)
                assert answer.status_code == 400, (case, answer.text)
                error = answer.json()
                assert (error["error"]["code"], error["id"]) == (code, request_id), case
            too_big = b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"%s"}}' % (
                b"a" * MAX_MESSAGE_BYTES
            )
            answer = http.post(url, content=too_big)
            assert answer.status_code == 413
            assert answer.json()["error"]["code"] == -32600

            def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
                yield b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"'
                for _ in range(2 * MAX_MESSAGE_BYTES // 65536):
                    yield b"a" * 65536

            assert http.post(url, content=chunks()).status_code == 413

        async def still_serving() -> None:
            async with Client(url) as client:
                assert ok(await client.call_tool("catalog_stats", {}))["assets"] > 0

        anyio.run(still_serving)
    finally:
        proc.terminate()
        proc.wait(30)


class Nothing(StrictModel):
    pass


def _explode(_cur: Curata, _args: Nothing, _report: object) -> Any:
    raise ZeroDivisionError("secret /home/me/.ssh detail")


def test_a_tool_never_raises(small_catalog: Path) -> None:
    """A curata error is its envelope; any other exception an internal_error naming the
    tool, without the traceback or the exception's text."""
    broken = CurataTool(
        name="broken", description="raises", arguments=Nothing, result=str,
        run=_explode,
    )  # fmt: skip
    with Curata(database=small_catalog) as cur:
        result = broken.call(cur, {}, lambda *_: None)
        assert result.is_error
        body = json.loads(result.content[0].text)  # type: ignore[union-attr]
        assert body["error"]["code"] == "internal_error" and "broken" in body["message"]
        assert "secret" not in result.content[0].text  # type: ignore[union-attr]
        assert "Traceback" not in result.content[0].text  # type: ignore[union-attr]

        async def scenario() -> None:
            async with Client(build_server(cur, [broken])) as client:
                answer = await client.call_tool("broken", {})
                assert failed(answer)["code"] == "internal_error"
                answer = await client.call_tool("broken", {"extra": 1})
                assert failed(answer)["field"] == "extra"
                assert failed(await client.call_tool("nope", {}))["field"] == "name"

        anyio.run(scenario)


def test_hostile_tool_arguments(small_catalog: Path, tmp_path: Path) -> None:
    cases = [
        ("search_assets", {"filters": {"filename_pattern": "x{1000000000}"}},
         "filters.filename_pattern"),
        ("search_assets", {"filters": {"filename_pattern": "((x{1000}){1000}){1000}"}},
         "filters.filename_pattern"),
        ("search_assets", {"limit": 10**30}, "limit"),
        ("tag_assets", {"assets": ["ab" * 32], "tags": ["a\x00b"]}, "tags.0"),
        ("get_asset", {"asset": "x" * 100_000}, "asset"),
        ("find_duplicates", {"threshold": -1}, "threshold"),
    ]  # fmt: skip

    async def scenario() -> None:
        async with mcp_client(small_catalog, tmp_path / "home") as client:
            for tool, arguments, field in cases:
                error = failed(await client.call_tool(tool, arguments))
                assert error["field"] == field, (tool, error)
                assert error["code"] in {"invalid_request", "not_found", "too_large"}, error

    anyio.run(scenario)


def test_confinement_over_stdio(small_catalog: Path, tmp_path: Path, fixtures: Path) -> None:
    """Scans only of --root, exports only under --export-root, similar-image targets only
    inside the scan roots; links and '..' do not lead out."""
    root, exports, outside = tmp_path / "root", tmp_path / "exports", tmp_path / "outside"
    for folder in (root, exports, outside):
        folder.mkdir()
    image = fixtures / "near-duplicates" / "ukbench00120.jpg"
    shutil.copy(image, root / "inside.jpg")
    shutil.copy(image, outside / "secret.jpg")
    (root / "link-out").symlink_to(outside)
    with Curata(database=small_catalog) as cur:
        digest = cur.get_asset(str(tmp_path / "library" / "ukbench00120.jpg")).data
        cur.create_project({"name": "P"})
        selection = cur.create_selection({"project_id": "p", "name": "S"}).data
        assert digest is not None and selection is not None
        cur.update_selection(
            {"project_id": "p", "selection_id": selection.id, "action": "add_items",
             "items": [{"asset_hash": digest.content_hash}]}
        )  # fmt: skip
    ids = {"project_id": "p", "selection_id": selection.id}

    async def scenario() -> None:
        options = ("--root", str(root), "--export-root", str(exports))
        async with mcp_client(small_catalog, tmp_path / "home", *options) as client:
            refused = [
                ("scan", {"paths": [str(outside)]}, "paths"),
                ("scan", {"paths": [str(root / "link-out")]}, "paths"),
                ("scan", {"paths": [str(root / ".." / "outside")]}, "paths"),
                ("export_selection", {**ids, "export_path": str(outside / "x")}, "export_path"),
                ("export_selection", {**ids, "export_path": str(exports / ".." / "x")},
                 "export_path"),
                ("export_selection", {**ids, "export_path": "/etc/curata"}, "export_path"),
                ("find_similar", {"target": str(outside / "secret.jpg")}, "target"),
                ("find_similar", {"target": str(root / "link-out" / "secret.jpg")}, "target"),
                ("find_similar", {"target": "/etc/passwd"}, "target"),
            ]  # fmt: skip
            for tool, arguments, field in refused:
                error = failed(await client.call_tool(tool, arguments))
                assert (error["code"], error["field"]) == ("forbidden", field), (tool, error)
            summary = ok(await client.call_tool("scan", {"paths": [str(root)]}))
            assert summary["failed"] == 0
            inside = {"target": str(root / "inside.jpg")}
            similar = ok(await client.call_tool("find_similar", inside))
            assert similar["target"]["kind"] == "asset"
            by_hash = ok(await client.call_tool("find_similar", {"target": digest.content_hash}))
            assert by_hash["target"]["content_hash"] == digest.content_hash
            exported = ok(
                await client.call_tool(
                    "export_selection", {**ids, "export_path": str(exports / "delivery")}
                )
            )
            assert exported["exported_count"] == 1

        async with mcp_client(small_catalog, tmp_path / "home") as client:  # no options
            error = failed(await client.call_tool("scan", {"paths": [str(root)]}))
            assert (error["code"], error["field"]) == ("forbidden", "paths")
            default = tmp_path / "home" / "exports" / "again"
            exported = ok(
                await client.call_tool(
                    "export_selection", {**ids, "export_path": str(default), "overwrite": True}
                )
            )
            assert exported["exported_count"] == 1

    anyio.run(scenario)
    assert (exports / "delivery" / "manifest.json").is_file()
    assert not (outside / "x").exists() and not (tmp_path / "x").exists()
    assert list(outside.iterdir()) == [outside / "secret.jpg"]

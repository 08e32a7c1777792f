"""``curata mcp --http``: the same tools over streamable HTTP on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import anyio

from mcp import Client
from tests.mcp.conftest import SRC, ok


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_listening(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while True:
        assert proc.poll() is None, "curata mcp --http exited"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert time.monotonic() < deadline, "curata mcp --http did not listen"
            time.sleep(0.1)


def test_streamable_http(catalog: Path, tmp_path: Path) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "curata", "--database", str(catalog), "mcp", "--http",
         "--port", str(port)],
        env={**os.environ, "CURATA_HOME": str(tmp_path / "home"), "PYTHONPATH": SRC},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_listening(port, proc)

        async def scenario() -> None:
            async with Client(f"http://127.0.0.1:{port}/mcp") as client:
                names = {tool.name for tool in (await client.list_tools()).tools}
                assert {"search_assets", "scan", "select_best_artwork"} <= names
                stats = ok(await client.call_tool("catalog_stats", {}))
                assert stats["assets"] == 15
                found = ok(
                    await client.call_tool("search_assets", {"filters": {"file_formats": ["webp"]}})
                )
                assert [Path(a["file_path"]).name for a in found["results"]] == [
                    "ukbench09380.webp"
                ]

        anyio.run(scenario)
    finally:
        proc.terminate()
        proc.wait(30)

"""``curata mcp`` started on a terminal: it says what it waits for, prints a client
configuration that works as written, and stops on the first Ctrl-C."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import sys
import time
from pathlib import Path

import anyio

from mcp import Client, StdioServerParameters
from tests.conftest import REPO
from tests.mcp.conftest import SRC, ok


def read_until(fd: int, marker: bytes, seconds: float) -> bytes:
    out = b""
    deadline = time.monotonic() + seconds
    while marker not in out and time.monotonic() < deadline:
        if select.select([fd], [], [], 0.5)[0]:
            try:
                out += os.read(fd, 65536)
            except OSError:  # the child closed the terminal
                break
    return out


def exit_code(pid: int, seconds: float) -> int | None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.1)
    return None


def config_block(text: str) -> dict[str, object]:
    start = text.index("{")
    return json.loads(text[start : text.rindex("}") + 1])  # type: ignore[no-any-return]


def test_on_a_terminal(catalog: Path, tmp_path: Path, library: Path) -> None:
    pid, fd = pty.fork()
    if pid == 0:  # the child: its stdin, stdout and stderr are the terminal
        os.environ.update(PYTHONPATH=SRC, CURATA_HOME=str(tmp_path / "home"), COLUMNS="200")
        argv = [sys.executable, "-m", "curata", "--database", str(catalog), "mcp",
                "--root", str(library)]  # fmt: skip
        os.execv(sys.executable, argv)
    try:
        shown = read_until(fd, b"Ctrl-C to stop", 60).decode().replace("\r\n", "\n")
        assert "waiting for an MCP client on stdin" in shown, shown
        config = config_block(shown[: shown.index("Press Ctrl-C")])
        os.write(fd, b"\x03")  # the terminal turns it into SIGINT
        code = exit_code(pid, 30)
        if code is not None:
            pid = 0  # reaped
        assert code == 130
        rest = read_until(fd, b"stopped", 5).decode()
        assert "stopped" in rest and "Traceback" not in rest
    finally:
        if pid:  # not reaped: stop it
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        os.close(fd)

    # The configuration it printed starts a working server, exactly as written.
    server = config["mcpServers"]["curata"]  # type: ignore[index]
    assert server["command"] == sys.executable and Path(server["command"]).is_absolute()
    assert server["args"][:2] == ["-m", "curata"] and "--root" in server["args"]
    params = StdioServerParameters(
        command=server["command"],
        args=server["args"],
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": SRC},
    )

    async def scenario() -> None:
        async with Client(params, read_timeout_seconds=120) as client:
            assert ok(await client.call_tool("catalog_stats", {}))["assets"] == 15
            ok(await client.call_tool("scan", {"paths": [str(library / "formats")]}))

    anyio.run(scenario)


def test_the_documented_configuration_is_the_printed_one() -> None:
    """docs/mcp.md shows the block ``curata mcp`` prints: same keys, same arguments."""
    docs = (REPO / "docs" / "mcp.md").read_text()
    blocks = re.findall(r"```json\n(.*?)```", docs, re.S)
    documented = json.loads(blocks[0])["mcpServers"]["curata"]
    assert documented["command"].endswith("/bin/python")
    assert documented["args"][:3] == ["-m", "curata", "--database"]
    assert documented["args"][4] == "mcp"

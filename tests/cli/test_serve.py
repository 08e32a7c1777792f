"""``curata serve`` and ``curata mcp``: loopback by default, a token to go further."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from curata import Curata
from curata.cli.main import app
from curata.cli.serve import is_loopback

runner = CliRunner()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(args: list[str], env: dict[str, str]) -> Iterator[str]:
    """``python -m curata ... serve`` as a real process; yields its base URL when up."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "curata", *args, "--port", str(port), "--log-level", "warning"],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise AssertionError(proc.stdout.read().decode() if proc.stdout else "exited")
            try:
                httpx.get(url + "/openapi.json", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(30)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.53", "::1", "localhost", "[::1]"])
def test_loopback_names(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.5", "::", "example.com"])
def test_non_loopback_names(host: str) -> None:
    assert not is_loopback(host)


@pytest.mark.parametrize("command", ["serve", "mcp --http"])
def test_refuses_to_listen_beyond_loopback_unprotected(db_path: Path, command: str) -> None:
    result = runner.invoke(
        app,
        ["--database", str(db_path), *command.split(), "--host", "0.0.0.0"],
        env={"CURATA_TOKEN": ""},
    )
    assert result.exit_code == 2
    assert "0.0.0.0" in result.output


def test_serve_process(db_path: Path, fixtures: Path, tmp_path: Path) -> None:
    with Curata(database=db_path) as cur:
        cur.scan([fixtures / "generators"], workers=1)
    env = {"CURATA_HOME": str(tmp_path / "home"), "CURATA_TOKEN": ""}
    with serving(["serve", "--database", str(db_path)], env) as url:
        assert httpx.get(url + "/stats").json()["data"]["assets"] == 6
        page = httpx.get(url + "/")
        assert page.status_code == 200 and "curata" in page.text
        assert httpx.get(url + "/docs").status_code == 200


def test_serve_with_token_from_environment(db_path: Path, tmp_path: Path) -> None:
    env = {"CURATA_HOME": str(tmp_path / "home"), "CURATA_TOKEN": "tok-123"}
    Curata(database=db_path).close()  # serve refuses a catalog that does not exist
    with serving(["--database", str(db_path), "serve"], env) as url:
        assert httpx.get(url + "/stats").status_code == 401
        authorized = httpx.get(url + "/stats", headers={"Authorization": "Bearer tok-123"})
        assert authorized.json()["data"]["assets"] == 0

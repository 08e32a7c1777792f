"""The real ``python -m curata mcp`` process, driven by the MCP SDK's own stdio client."""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import mcp_types as types
import pytest

import curata
from curata import Curata
from mcp import Client, StdioServerParameters

Scenario = Callable[[Client], Awaitable[None]]
#: The curata under test, for its server subprocesses.
SRC = str(Path(curata.__file__).resolve().parents[1])


@pytest.fixture
def library(tmp_path: Path, fixtures: Path) -> Path:
    root = tmp_path / "library"
    for part in ("near-duplicates", "generators", "formats"):
        shutil.copytree(fixtures / part, root / part)
    for path in root.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return root


@pytest.fixture
def catalog(tmp_path: Path, library: Path) -> Path:
    """A real SQLite catalog of the copied test files (scanned in this process)."""
    db = tmp_path / "catalog.db"
    with Curata(database=db) as cur:
        cur.scan([library / "near-duplicates", library / "formats"], project="photos", workers=1)
    return db


@asynccontextmanager
async def mcp_client(db: Path, home: Path, *options: str) -> AsyncIterator[Client]:
    """A real SDK client of ``curata mcp OPTIONS`` over stdio."""
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "curata", "--database", str(db), "mcp", *options],
        env={"PATH": os.environ.get("PATH", ""), "CURATA_HOME": str(home), "PYTHONPATH": SRC},
    )
    async with Client(params, read_timeout_seconds=120) as client:
        yield client


def run_scenario(db: Path, home: Path, scenario: Scenario, *options: str) -> None:
    async def main() -> None:
        async with mcp_client(db, home, *options) as client:
            await scenario(client)

    anyio.run(main)


@pytest.fixture
def session(catalog: Path, tmp_path: Path, library: Path) -> Callable[[Scenario], None]:
    """``session(scenario)`` runs ``scenario(client)`` against a fresh server process that
    may scan ``library`` and export under ``tmp_path / "exports"``."""
    roots = ("--root", str(library), "--export-root", str(tmp_path / "exports"))
    return lambda scenario: run_scenario(catalog, tmp_path / "home", scenario, *roots)


def ok(result: types.CallToolResult) -> Any:
    """The ``data`` of a successful tool result (also checks that its text is a short
    summary, not the structured content again)."""
    text = result.content[0].text  # type: ignore[union-attr]
    assert not result.is_error, text
    body = result.structured_content
    assert body is not None and body["success"] is True
    assert 0 < len(text) <= 400 and not text.startswith("{"), text
    return body["data"]


def failed(result: types.CallToolResult) -> dict[str, Any]:
    """The ``error`` of a tool error."""
    assert result.is_error
    body = json.loads(result.content[0].text)  # type: ignore[union-attr]
    assert body["success"] is False
    return body["error"]

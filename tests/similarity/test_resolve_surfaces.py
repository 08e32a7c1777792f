"""resolve_duplicates and its undo over real HTTP, the real MCP server and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import anyio
import httpx
import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from curata import Curata
from curata.cli.main import app
from curata.server import create_app
from tests.mcp.conftest import failed, mcp_client, ok
from tests.server.conftest import LiveServer
from tests.similarity.test_duplicates import A, pixels


@pytest.fixture
def copies(tmp_path: Path, fixtures: Path) -> tuple[Path, list[str]]:
    """A catalog of a photo and two copies of it (a resize and a JPEG), one tagged."""
    folder = tmp_path / "shots"
    folder.mkdir()
    shot = Image.fromarray(pixels(fixtures, A).astype(np.uint8))
    shot.save(folder / "keep.png")
    shot.resize((300, 225)).save(folder / "small.png")
    shot.save(folder / "again.jpg", quality=70)
    db = tmp_path / "catalog.db"
    names = [str(folder / n) for n in ("keep.png", "small.png", "again.jpg")]
    with Curata(database=db) as cur:
        cur.scan(folder)
        cur.tag_assets({"assets": [names[1]], "tags": ["hero"]})
    return db, names


def tags_of(db: Path, path: str) -> list[str]:
    with Curata(database=db) as cur:
        return cur.get_asset(path).data.tags  # type: ignore[union-attr]


def test_http_resolves_and_undoes(copies: tuple[Path, list[str]], tmp_path: Path) -> None:
    db, (keep, small, again) = copies
    with (
        Curata(database=db) as cur,
        LiveServer(create_app(cur, cache_dir=tmp_path / "cache")) as live,
        httpx.Client(base_url=live.url, timeout=60) as http,
    ):
        body = http.post("/duplicates/resolve", json={"keeper": keep, "others": [small, again]})
        assert body.status_code == 200, body.text
        done = body.json()["data"]
        assert "hero" in done["tags_added"][done["keeper"]]
        assert f"duplicate-of:{done['keeper'][:12]}" in tags_of(db, again)
        undo = http.post("/duplicates/undo", json={"resolution_id": done["resolution_id"]})
        assert undo.status_code == 200 and undo.json()["data"]["undone"] is True
        assert "hero" not in tags_of(db, keep)
        again_undo = http.post("/duplicates/undo", json={"resolution_id": done["resolution_id"]})
        assert again_undo.status_code == 409
        for bad, field in (
            ({"keeper": keep, "others": []}, "others"),
            ({"keeper": keep, "others": [keep]}, "others"),
        ):
            response = http.post("/duplicates/resolve", json=bad)
            assert response.status_code == 422 and response.json()["error"]["field"] == field
        assert http.post("/duplicates/undo", json={"resolution_id": 0}).status_code == 422
        assert http.post("/duplicates/undo", json={"resolution_id": 2**62}).status_code == 404


def test_mcp_resolves_and_undoes(copies: tuple[Path, list[str]], tmp_path: Path) -> None:
    db, (keep, small, again) = copies

    async def scenario() -> None:
        async with mcp_client(db, tmp_path / "home") as client:
            done = ok(
                await client.call_tool(
                    "resolve_duplicates",
                    {"keeper": keep, "others": [small, again], "merge_rating": False},
                )
            )
            assert done["rating"] is None and "hero" in done["tags_added"][done["keeper"]]
            undone = ok(
                await client.call_tool(
                    "undo_duplicate_resolution", {"resolution_id": done["resolution_id"]}
                )
            )
            assert undone["undone"] is True
            error = failed(
                await client.call_tool(
                    "undo_duplicate_resolution", {"resolution_id": done["resolution_id"]}
                )
            )
            assert error["code"] == "conflict"

    anyio.run(scenario)
    assert "hero" not in tags_of(db, keep)


def test_cli_resolves_and_undoes(copies: tuple[Path, list[str]]) -> None:
    db, (keep, small, again) = copies
    runner = CliRunner()
    result = runner.invoke(
        app, ["--database", str(db), "resolve-dupes", keep, small, again, "--no-tags", "--json"]
    )
    assert result.exit_code == 0, result.output
    done = json.loads(result.stdout)
    assert "hero" not in tags_of(db, keep)  # --no-tags
    assert f"duplicate-of:{done['keeper'][:12]}" in tags_of(db, small)
    table = runner.invoke(app, ["--database", str(db), "undo-resolve", str(done["resolution_id"])])
    assert table.exit_code == 0, table.output
    assert f"undid {done['resolution_id']}" in table.stdout
    assert f"duplicate-of:{done['keeper'][:12]}" not in tags_of(db, small)

"""Catalog tools over stdio: assets, tags, ratings, stats, and a scan with progress."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from curata import Curata
from mcp import Client
from tests.mcp.conftest import Scenario, ok


def test_catalog_tools(session: Callable[[Scenario], None], catalog: Path, library: Path) -> None:
    with Curata(database=catalog) as cur:
        digest = cur.get_asset(str(library / "near-duplicates" / "ukbench09040.jpg")).data
        expected_stats = cur.stats().model_dump(mode="json")["data"]
    assert digest is not None
    updates: list[tuple[float, float | None, str | None]] = []

    async def on_progress(done: float, total: float | None, message: str | None) -> None:
        updates.append((done, total, message))

    async def scenario(client: Client) -> None:
        assert ok(await client.call_tool("catalog_stats", {})) == expected_stats
        asset = ok(await client.call_tool("get_asset", {"asset": digest.content_hash[:10]}))
        assert asset["content_hash"] == digest.content_hash
        assert asset["locations"][0]["path"].endswith("ukbench09040.jpg")
        tagged = ok(
            await client.call_tool(
                "tag_assets", {"assets": [digest.content_hash], "tags": ["Hero", "mood:calm"]}
            )
        )
        assert tagged["added"] == 2
        untagged = ok(
            await client.call_tool(
                "tag_assets", {"assets": [digest.content_hash], "tags": ["hero"], "remove": True}
            )
        )
        assert untagged["removed"] == 1
        rated = ok(
            await client.call_tool("rate_assets", {"assets": [digest.content_hash], "rating": 5})
        )
        assert rated == [digest.content_hash]
        summary = ok(
            await client.call_tool(
                "scan",
                {"paths": [str(library / "generators")], "project": "renders"},
                progress_callback=on_progress,
            )
        )
        assert summary["new"] == 6 and summary["project"] == "renders"

    session(scenario)
    assert updates and updates[-1][2] == "done"
    with Curata(database=catalog) as cur:
        detail = cur.get_asset(digest.content_hash).data
        assert detail is not None
        assert detail.tags == ["mood:calm"] and detail.quality_rating == 5
        assert cur.stats().data.assets == 21

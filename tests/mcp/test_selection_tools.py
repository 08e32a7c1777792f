"""Projects, selections (the spec's workflow), export and artwork over stdio."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from curata import Curata
from mcp import Client, MCPError
from tests.mcp.conftest import Scenario, failed, ok


def test_selection_workflow_and_artwork(
    session: Callable[[Scenario], None], catalog: Path, library: Path, tmp_path: Path
) -> None:
    photos = library / "near-duplicates"
    with Curata(database=catalog) as cur:
        hero = cur.get_asset(str(photos / "ukbench00120.jpg")).data
        gray = cur.get_asset(str(photos / "ukbench00120_gray.jpg")).data
    assert hero is not None and gray is not None
    target = tmp_path / "exports" / "delivery"
    ids = {"project_id": "q4-campaign"}

    async def scenario(client: Client) -> None:
        project = ok(await client.call_tool("create_project", {"name": "Q4 Campaign"}))
        assert project["id"] == "q4-campaign"
        again = failed(await client.call_tool("create_project", {"name": "Q4 Campaign"}))
        assert again["code"] == "conflict"
        listed = ok(await client.call_tool("list_projects", {}))
        assert "q4-campaign" in [p["id"] for p in listed]

        selection = ok(
            await client.call_tool(
                "create_selection",
                {**ids, "name": "Hero Images Q4", "purpose": "presentation"},
            )
        )
        ids["selection_id"] = selection["id"]
        change = ok(
            await client.call_tool(
                "update_selection",
                {
                    **ids,
                    "action": "add_items",
                    "items": [
                        {"asset_hash": hero.content_hash, "role": "hero",
                         "selection_reason": "strong hero energy"},
                    ],
                    "notes": "first pick",
                },
            )
        )  # fmt: skip
        assert change["history"]["notes"] == "first pick"
        similar = ok(await client.call_tool("find_similar_to_selection", {**ids, "threshold": 12}))
        strong = [
            r["asset"]["content_hash"]
            for r in similar["results"]
            if r["similarity"]["recommendation_score"] > 0.75
        ]
        assert gray.content_hash in strong
        ok(
            await client.call_tool(
                "update_selection",
                {**ids, "action": "add_items",
                 "items": [{"asset_hash": h, "role": "alternate"} for h in strong]},
            )
        )  # fmt: skip
        full = ok(await client.call_tool("get_selection", ids))
        assert [i["asset_hash"] for i in full["items"]] == [hero.content_hash, *strong]
        summaries = ok(await client.call_tool("list_selections", {"project_id": "q4-campaign"}))
        assert [(s["id"], s["item_count"]) for s in summaries] == [
            (ids["selection_id"], 1 + len(strong))
        ]
        manifest = await client.read_resource(
            f"curata://projects/q4-campaign/selections/{ids['selection_id']}/manifest"
        )
        assert json.loads(manifest.contents[0].text)["data"]["items"] == full["items"]
        with pytest.raises(MCPError, match="no-such-selection"):
            await client.read_resource(
                "curata://projects/q4-campaign/selections/no-such-selection/manifest"
            )
        exported = ok(
            await client.call_tool("export_selection", {**ids, "export_path": str(target)})
        )
        assert exported["exported_count"] == 1 + len(strong)

        picked = ok(
            await client.call_tool(
                "select_best_artwork",
                {
                    "media_type": "movie",
                    "preferred_language": "de",
                    "provider_results": {
                        "tmdb": [
                            {"url": "https://t/en.jpg", "asset_type": "poster",
                             "width": 2000, "height": 3000, "language": "en", "votes": 90},
                            {"url": "https://t/de.jpg", "asset_type": "poster",
                             "width": 2000, "height": 3000, "language": "de", "votes": 3},
                        ]
                    },
                },
            )
        )  # fmt: skip
        winner = picked["results"]["poster"]["winner"]
        assert winner["candidate"]["url"] == "https://t/de.jpg" and winner["tier"] == 1

    session(scenario)
    assert (target / "manifest.json").is_file()
    with Curata(database=catalog) as cur:
        history = cur.selection_history("q4-campaign", ids["selection_id"]).data
    assert history is not None
    assert [h.action for h in history] == ["create", "add_items", "add_items", "export"]

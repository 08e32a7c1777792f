"""Search, saved searches, similar assets and duplicates over stdio."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from curata import Curata
from curata.models.tool_pages import COMPACT_ASSET
from mcp import Client
from tests.mcp.conftest import Scenario, failed, ok


def names(paths: list[str]) -> set[str]:
    return {Path(p).name for p in paths}


def test_search_and_similarity_tools(
    session: Callable[[Scenario], None], catalog: Path, library: Path
) -> None:
    request = {"filters": {"file_formats": ["jpeg"]}, "sort_by": "filename", "order": "asc"}
    original = library / "near-duplicates" / "ukbench00120.jpg"
    with Curata(database=catalog) as cur:
        expected = cur.search_assets({**request, "limit": 4}).data
    assert expected is not None

    async def scenario(client: Client) -> None:
        found = ok(await client.call_tool("search_assets", {**request, "limit": 4, "facets": True}))
        assert found["total_count"] == expected.total_count > 4
        assert [a["content_hash"] for a in found["results"]] == [
            a.content_hash for a in expected.results
        ]
        assert found["facets"]["file_formats"] == [
            {"format": "jpeg", "count": expected.total_count}
        ]
        # Compact by default (hash, path, the few fields that matter), full on request.
        assert all(set(a) == set(COMPACT_ASSET) for a in found["results"])
        full = ok(
            await client.call_tool("search_assets", {**request, "limit": 4, "compact": False})
        )
        assert full["results"] == [a.model_dump(mode="json") for a in expected.results]
        assert full["facets"] is None  # facets only when asked, over MCP
        saved = ok(
            await client.call_tool(
                "save_search", {"name": "JPEGs", "project": "photos", "request": request}
            )
        )
        assert saved["name"] == "JPEGs"
        taken = {"name": "JPEGs", "project": "photos", "request": {"filters": {}}}
        assert failed(await client.call_tool("save_search", taken))["code"] == "conflict"
        replaced = ok(
            await client.call_tool("save_search", {**taken, "request": request, "replace": True})
        )
        assert replaced["created_at"] == saved["created_at"]
        rerun = ok(
            await client.call_tool(
                "run_saved_search", {"name": "JPEGs", "project": "photos", "limit": 4}
            )
        )
        assert rerun["results"] == found["results"]

        similar = ok(await client.call_tool("find_similar", {"target": str(original)}))
        assert all(set(m["asset"]) == set(COMPACT_ASSET) for m in similar["results"])
        assert {"ukbench00120_gray.jpg", "ukbench00120_resize.jpg"} <= names(
            [m["asset"]["file_path"] for m in similar["results"]]
        )
        assert similar["target"]["kind"] == "asset"
        restricted = ok(
            await client.call_tool(
                "find_similar",
                {"target": str(original), "filters": {"file_size": {"min": 50000}}},
            )
        )
        assert "ukbench00120_resize.jpg" not in names(
            [m["asset"]["file_path"] for m in restricted["results"]]
        )
        dupes = ok(await client.call_tool("find_duplicates", {"threshold": 10}))
        grouped = [names([m["path"] for m in g["members"]]) for g in dupes["groups"]]
        assert any({"ukbench00120.jpg", "ukbench00120_gray.jpg"} <= g for g in grouped)
        assert dupes["compact"] is True  # the default for assistants: no member details
        assert all(m["details"] is None for g in dupes["groups"] for m in g["members"])

    session(scenario)


def test_derived_generation_pairs(
    session: Callable[[Scenario], None], catalog: Path, library: Path
) -> None:
    """``base_model:`` pairs derived from the files' metadata, through the search tool."""
    with Curata(database=catalog) as cur:
        cur.scan([library / "generators"], workers=1)

    async def scenario(client: Client) -> None:
        request = {
            "filters": {"tag_values": {"base_model": "sdxl"}},
            "sort_by": "filename",
            "order": "asc",
        }
        found = ok(await client.call_tool("search_assets", request))
        assert names([a["file_path"] for a in found["results"]]) == {
            "fooocus.png",
            "invokeai_metadata.png",
        }

    session(scenario)

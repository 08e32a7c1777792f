"""Catalog tools over stdio: listing, assets, tags, ratings, stats, scan, resources."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from curata import Curata
from mcp import Client
from tests.mcp.conftest import Scenario, failed, ok

EXPECTED_TOOLS = {"get_asset", "tag_assets", "rate_assets", "catalog_stats", "scan"}


def test_tools_are_listed_with_their_request_schemas(session: Callable[[Scenario], None]) -> None:
    async def scenario(client: Client) -> None:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        assert set(tools) >= EXPECTED_TOOLS
        for tool in tools.values():
            assert len(tool.description or "") > 60, tool.name
            assert tool.input_schema["type"] == "object"
            assert tool.output_schema is not None
            assert tool.output_schema["properties"]["success"]["type"] == "boolean"
        rate = tools["rate_assets"].input_schema
        assert rate["required"] == ["assets", "rating"]
        assert rate["properties"]["rating"]["maximum"] == 5
        assert rate["additionalProperties"] is False
        assert tools["catalog_stats"].annotations.read_only_hint is True
        assert tools["tag_assets"].annotations.read_only_hint is False

    session(scenario)


def test_catalog_tools(session: Callable[[Scenario], None], catalog: Path, library: Path) -> None:
    with Curata(database=catalog) as cur:
        digest = cur.get_asset(str(library / "near-duplicates" / "ukbench09040.jpg")).data
        expected_stats = cur.stats().model_dump(mode="json")["data"]
    assert digest is not None

    async def scenario(client: Client) -> None:
        stats = ok(await client.call_tool("catalog_stats", {}))
        assert stats == expected_stats
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

    session(scenario)
    with Curata(database=catalog) as cur:
        detail = cur.get_asset(digest.content_hash).data
    assert detail is not None
    assert detail.tags == ["mood:calm"] and detail.quality_rating == 5


def test_errors_are_tool_errors_with_field_paths(session: Callable[[Scenario], None]) -> None:
    async def scenario(client: Client) -> None:
        error = failed(await client.call_tool("rate_assets", {"assets": ["ab" * 32], "rating": 9}))
        assert error["code"] == "invalid_request" and error["field"] == "rating"
        error = failed(await client.call_tool("get_asset", {"asset": "ab" * 32}))
        assert error["code"] == "not_found"
        error = failed(await client.call_tool("catalog_stats", {"verbose": True}))
        assert error["field"] == "verbose"
        error = failed(await client.call_tool("scan", {"paths": ["/no/such/folder"]}))
        assert error["field"] == "paths"
        unknown = await client.call_tool("delete_everything", {})
        assert unknown.is_error and "catalog_stats" in unknown.content[0].text

    session(scenario)


def test_scan_reports_progress(
    session: Callable[[Scenario], None], catalog: Path, library: Path
) -> None:
    updates: list[tuple[float, float | None, str | None]] = []

    async def on_progress(done: float, total: float | None, message: str | None) -> None:
        updates.append((done, total, message))

    async def scenario(client: Client) -> None:
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
        assert cur.stats().data.assets == 21


def test_stats_resource(session: Callable[[Scenario], None]) -> None:
    async def scenario(client: Client) -> None:
        listed = await client.list_resources()
        assert "curata://catalog/stats" in {str(r.uri) for r in listed.resources}
        read = await client.read_resource("curata://catalog/stats")
        assert json.loads(read.contents[0].text)["data"]["assets"] == 15

    session(scenario)

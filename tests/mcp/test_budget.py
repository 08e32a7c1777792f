"""What an assistant reads: a tool list under its budget, compact pages and cursors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from curata import Curata
from curata.models.tool_pages import COMPACT_ASSET, encode_cursor
from mcp import Client
from tests.mcp.conftest import Scenario, failed, ok

#: The tools/list answer, as the SDK client receives it, in bytes.
TOOL_LIST_BUDGET = 20 * 1024


def test_the_tool_list_fits_its_budget(session: Callable[[Scenario], None]) -> None:
    async def scenario(client: Client) -> None:
        listed = await client.list_tools()
        size = len(listed.model_dump_json(by_alias=True, exclude_none=True).encode())
        assert size < TOOL_LIST_BUDGET, size
        assert all(tool.output_schema is None for tool in listed.tools)

    session(scenario)


def test_cursor_pages_through_every_result_once(
    session: Callable[[Scenario], None], catalog: Path
) -> None:
    with Curata(database=catalog) as cur:
        everything = cur.search_assets({"sort_by": "filename", "order": "asc", "limit": 1000})
    assert everything.data is not None
    expected = [a.content_hash for a in everything.data.results]
    assert len(expected) > 6

    async def scenario(client: Client) -> None:
        seen: list[str] = []
        arguments: dict[str, object] = {"sort_by": "filename", "order": "asc", "limit": 4}
        pages = 0
        while True:
            result = await client.call_tool("search_assets", arguments)
            page = ok(result)
            assert page["total_count"] == len(expected)
            assert len(page["results"]) <= 4
            assert all(set(a) == set(COMPACT_ASSET) for a in page["results"])
            seen += [a["content_hash"] for a in page["results"]]
            pages += 1
            cursor = result.structured_content["next_cursor"]  # type: ignore[index]
            if cursor is None:
                break
            assert "cursor=" in result.content[0].text  # type: ignore[union-attr]
            arguments = {**arguments, "cursor": cursor}
        assert seen == expected  # no gaps, no repeats, in order
        assert pages == -(-len(expected) // 4)

        # A list without paging of its own (list_selections) pages the same way.
        for name in ("a", "b", "c"):
            ok(await client.call_tool("create_selection", {"project_id": "photos", "name": name}))
        first = await client.call_tool("list_selections", {"limit": 2})
        second = await client.call_tool(
            "list_selections",
            {"limit": 2, "cursor": first.structured_content["next_cursor"]},  # type: ignore[index]
        )
        names = [s["name"] for s in ok(first) + ok(second)]
        assert sorted(names) == ["a", "b", "c"]
        assert second.structured_content["next_cursor"] is None  # type: ignore[index]

        # Duplicates: compact by default, full on request, paged by groups.
        compact = ok(await client.call_tool("find_duplicates", {"threshold": 10, "limit": 1}))
        assert compact["compact"] is True and len(compact["groups"]) == 1
        full = ok(
            await client.call_tool(
                "find_duplicates", {"threshold": 10, "limit": 1, "compact": False}
            )
        )
        assert full["compact"] is False
        assert any(m["details"] is not None for m in full["groups"][0]["members"])

    session(scenario)


def test_a_bad_cursor_is_refused_naming_it(session: Callable[[Scenario], None]) -> None:
    async def scenario(client: Client) -> None:
        for cursor in ("not a cursor", "b2Zmc2V0Oi0x", encode_cursor(10**12), "", "é"):
            error = failed(await client.call_tool("search_assets", {"cursor": cursor}))
            assert (error["code"], error["field"]) == ("invalid_request", "cursor"), cursor
        error = failed(await client.call_tool("find_duplicates", {"limit": 1000}))
        assert error["field"] == "limit"

    session(scenario)

"""What the server offers: tools with their request schemas, resources, tool errors."""

from __future__ import annotations

import json
from collections.abc import Callable

from curata.models import RateRequest, SelectionUpdateRequest
from curata.models.search import SearchRequest
from mcp import Client
from tests.mcp.conftest import Scenario, failed

ISSUE_TOOLS = {
    "search_assets", "get_asset", "tag_assets", "rate_assets", "find_similar",
    "find_similar_videos", "find_duplicates", "resolve_duplicates", "undo_duplicate_resolution",
    "create_project", "list_projects", "create_selection",
    "update_selection", "get_selection", "list_selections", "find_similar_to_selection",
    "export_selection", "save_search", "run_saved_search", "select_best_artwork",
    "catalog_stats", "scan", "view_assets",
}  # fmt: skip
READ_ONLY = {
    "search_assets", "get_asset", "find_similar", "find_similar_videos", "find_duplicates",
    "list_projects",
    "get_selection", "list_selections", "find_similar_to_selection", "run_saved_search",
    "select_best_artwork", "catalog_stats", "view_assets",
}  # fmt: skip


def test_tools_resources_and_errors(session: Callable[[Scenario], None]) -> None:
    async def scenario(client: Client) -> None:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        assert set(tools) == ISSUE_TOOLS
        for name, tool in tools.items():
            assert len(tool.description or "") > 20, name
            assert tool.input_schema["type"] == "object", name
            assert tool.output_schema is None, name
            assert tool.annotations.read_only_hint is (name in READ_ONLY), name
        # The input schemas are the request models' own fields (made lean).
        for name, model in [
            ("rate_assets", RateRequest), ("update_selection", SelectionUpdateRequest),
        ]:  # fmt: skip
            assert set(tools[name].input_schema["properties"]) == set(model.model_fields), name
            assert tools[name].input_schema.get("required", []) == [
                field for field, info in model.model_fields.items() if info.is_required()
            ], name
        assert "metadata" in tools["export_selection"].input_schema["properties"]
        assert set(tools["search_assets"].input_schema["properties"]) >= {
            "filters", "sort_by", "order", "limit",
        }  # fmt: skip
        assert set(SearchRequest.model_fields) - {"offset"} <= set(
            tools["search_assets"].input_schema["properties"]
        )

        # Errors: tool errors carrying the same field-level messages as the HTTP API.
        cases = [
            ("rate_assets", {"assets": ["ab" * 32], "rating": 9}, "invalid_request", "rating"),
            ("search_assets", {"limit": 5000}, "invalid_request", "limit"),
            ("search_assets", {"filters": {"quality_rating": {"min": 4, "max": 1}}},
             "invalid_request", "filters.quality_rating"),
            ("catalog_stats", {"verbose": True}, "invalid_request", "verbose"),
            ("get_asset", {"asset": "ab" * 32}, "not_found", "asset"),
            ("scan", {"paths": ["/no/such/folder"]}, "forbidden", "paths"),
            ("get_selection", {"project_id": "p", "selection_id": "s"}, "not_found", None),
        ]  # fmt: skip
        for tool, arguments, code, field in cases:
            error = failed(await client.call_tool(tool, arguments))
            assert error["code"] == code, (tool, error)
            if field:
                assert error["field"] == field, (tool, error)
        unknown = await client.call_tool("delete_everything", {})
        assert unknown.is_error and "catalog_stats" in unknown.content[0].text

        listed = await client.list_resources()
        assert "curata://catalog/stats" in {str(r.uri) for r in listed.resources}
        templates = await client.list_resource_templates()
        assert [t.uri_template for t in templates.resource_templates] == [
            "curata://projects/{project_id}/selections/{selection_id}/manifest"
        ]
        read = await client.read_resource("curata://catalog/stats")
        assert json.loads(read.contents[0].text)["data"]["assets"] == 15

    session(scenario)

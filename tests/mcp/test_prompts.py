"""The prompt templates, listed and filled by the real server for the SDK client."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from mcp.shared.exceptions import MCPError

from mcp import Client
from tests.mcp.conftest import Scenario


def test_the_three_jobs_are_offered_and_name_the_tools_they_use(
    session: Callable[[Scenario], None],
) -> None:
    async def scenario(client: Client) -> None:
        listed = {p.name: p for p in (await client.list_prompts()).prompts}
        assert set(listed) == {"tag_by_sight", "pick_hero", "review_duplicates"}
        assert listed["tag_by_sight"].title == "Tag these assets by what you see"
        required = {a.name for a in listed["pick_hero"].arguments or [] if a.required}
        assert required == {"project_id", "selection_id"}

        hashes = ["ab" * 32, "cd" * 32]
        tag = await client.get_prompt("tag_by_sight", {"assets": ", ".join(hashes)})
        (message,) = tag.messages
        text = message.content.text  # type: ignore[union-attr]
        assert message.role == "user"
        assert all(h in text for h in hashes) and "view_assets" in text and "tag_assets" in text
        assert "catalog_stats" in text  # no vocabulary given: reuse the catalog's tags
        with_words = await client.get_prompt(
            "tag_by_sight", {"assets": hashes[0], "vocabulary": "subject:*, mood:*"}
        )
        assert "subject:*, mood:*" in with_words.messages[0].content.text  # type: ignore[union-attr]

        hero = await client.get_prompt(
            "pick_hero", {"project_id": "launch", "selection_id": "heroes", "brief": "a banner"}
        )
        text = hero.messages[0].content.text  # type: ignore[union-attr]
        assert '"project_id": "launch", "selection_id": "heroes"' in text
        assert "update_selection" in text and "update_items" in text and "a banner" in text

        dupes = await client.get_prompt("review_duplicates", {"threshold": "6"})
        text = dupes.messages[0].content.text  # type: ignore[union-attr]
        assert '"threshold": 6' in text and "find_duplicates" in text and "view_assets" in text
        default = await client.get_prompt("review_duplicates", {})
        assert '"threshold": 10' in default.messages[0].content.text  # type: ignore[union-attr]

    session(scenario)


BAD = [
    ("tag_everything", {}, "no prompt 'tag_everything'"),
    ("pick_hero", {"project_id": "p"}, "'selection_id' is required"),
    ("tag_by_sight", {"assets": "  "}, "'assets' is required"),
    ("tag_by_sight", {"assets": " ".join(["ab" * 32] * 21)}, "at most 20 assets"),
    ("tag_by_sight", {"assets": "x" * 5000}, "longer than 4096"),
    ("review_duplicates", {"threshold": "65"}, "0-64"),
    ("review_duplicates", {"limit": "3"}, "no argument 'limit'"),
]


def test_bad_arguments_are_invalid_params_naming_them(
    session: Callable[[Scenario], None],
) -> None:
    async def scenario(client: Client) -> None:
        for name, arguments, says in BAD:
            with pytest.raises(MCPError) as caught:
                await client.get_prompt(name, arguments)
            assert says in str(caught.value), name

    session(scenario)

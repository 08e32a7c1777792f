"""``view_assets`` through the real server and the SDK client: the assistant receives the
pictures as image content, sees what they show, and writes tags back."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

import mcp_types as types
import pytest
from PIL import Image

from curata import Curata
from curata.mcp.images import MAX_ASSETS, MAX_SEPARATE, SHEET_SIDE
from mcp import Client
from tests.mcp.conftest import failed, ok, run_scenario
from tests.server.test_thumbnails import rotated_jpeg


@pytest.fixture
def camera(tmp_path: Path, catalog: Path, library: Path) -> dict[str, str]:
    """A portrait photo stored sideways (EXIF orientation 6), a red square and some
    noise, scanned into the catalog; their content hashes by name."""
    folder = library / "camera"
    folder.mkdir()
    rotated_jpeg(folder / "portrait.jpg")
    Image.new("RGB", (120, 120), (220, 20, 20)).save(folder / "red.png")
    for i in range(6):  # more assets than one call may show
        Image.effect_noise((300, 200), 20 + 10 * i).save(folder / f"noise_{i}.png")
    with Curata(database=catalog) as cur:
        cur.scan(folder, workers=1)
        return {p.name: cur.get_asset(str(p)).data.content_hash for p in folder.iterdir()}


def run(catalog: Path, tmp_path: Path, library: Path, scenario: Any) -> None:
    run_scenario(catalog, tmp_path / "home", scenario, "--root", str(library))


def pictures(result: types.CallToolResult) -> list[Image.Image]:
    out = []
    for block in result.content:
        if block.type == "image":
            assert block.mime_type == "image/jpeg"
            out.append(Image.open(io.BytesIO(base64.b64decode(block.data))))
    return out


def test_the_assistant_sees_the_pictures_then_tags_what_it_saw(
    catalog: Path, tmp_path: Path, library: Path, camera: dict[str, str]
) -> None:
    async def scenario(client: Client) -> None:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert tools["view_assets"].annotations.read_only_hint is True
        assert tools["view_assets"].input_schema["properties"]["assets"]["maxItems"] == MAX_ASSETS
        asked = [camera["portrait.jpg"], camera["red.png"][:12]]
        result = await client.call_tool("view_assets", {"assets": asked})
        data = ok_images(result)
        assert data["sheet"] is False and data["shown"] == 2
        assert [a["content_hash"] for a in data["assets"]] == [
            camera["portrait.jpg"],
            camera["red.png"],
        ]
        portrait, square = pictures(result)
        assert portrait.size == (48, 96)  # upright, as the camera meant it
        assert portrait.getpixel((24, 10))[2] > 150  # the blue half on top
        assert square.size == (120, 120)
        # What the assistant saw goes back as tags.
        red = square.getpixel((60, 60))
        colour = "red" if red[0] > 200 and red[1] < 50 else "other"
        tagged = ok(
            await client.call_tool(
                "tag_assets",
                {"assets": [data["assets"][1]["content_hash"]], "tags": [f"colour:{colour}"]},
            )
        )
        assert tagged["assets"] == [camera["red.png"]] or camera["red.png"] in str(tagged)
        again = await client.call_tool("view_assets", {"assets": [camera["red.png"]]})
        assert ok_images(again)["assets"][0]["tags"] == ["colour:red"]
        assert "colour:red" in again.content[0].text  # type: ignore[union-attr]

    run(catalog, tmp_path, library, scenario)
    with Curata(database=catalog) as cur:
        assert cur.get_asset(camera["red.png"]).data.tags == ["colour:red"]


def ok_images(result: types.CallToolResult) -> dict[str, Any]:
    """The data of a view_assets answer whose text is its summary (not the JSON)."""
    assert not result.is_error, result.content[0]
    body = result.structured_content
    assert body is not None and body["success"] is True
    summary = result.content[0]
    assert summary.type == "text"
    for entry in body["data"]["assets"]:
        if entry["shown"]:
            assert f"{entry['number']}. {entry['content_hash']}" in summary.text
    return body["data"]


def test_many_assets_come_as_one_numbered_contact_sheet(
    catalog: Path, tmp_path: Path, library: Path, camera: dict[str, str]
) -> None:
    with Curata(database=catalog) as cur:
        hashes = [a.content_hash for a in cur.search_assets({"limit": 30}).data.results]
    assert len(hashes) > MAX_ASSETS

    async def scenario(client: Client) -> None:
        wanted = [*hashes[: MAX_ASSETS - 1], "ab" * 32]  # the last one does not exist
        result = await client.call_tool("view_assets", {"assets": wanted, "size": 512})
        data = ok_images(result)
        (sheet,) = pictures(result)
        assert data["sheet"] is True and data["shown"] == MAX_ASSETS - 1
        assert max(sheet.size) <= SHEET_SIDE
        numbers = [a["number"] for a in data["assets"]]
        assert numbers == [*range(1, MAX_ASSETS), 0]
        missing = data["assets"][-1]
        assert missing["shown"] is False and "ab" * 6 in missing["problem"]
        # A few come separately unless a sheet is asked for; more than 8 never do.
        few = await client.call_tool("view_assets", {"assets": hashes[:3], "sheet": True})
        assert len(pictures(few)) == 1 and ok_images(few)["sheet"] is True
        many = await client.call_tool(
            "view_assets", {"assets": hashes[: MAX_SEPARATE + 1], "sheet": False}
        )
        assert len(pictures(many)) == 1
        # Every bound is a field-level error, as for every tool.
        for arguments, field in (
            ({"assets": hashes[: MAX_ASSETS + 1]}, "assets"),
            ({"assets": []}, "assets"),
            ({"assets": hashes[:1], "size": 4000}, "size"),
            ({"assets": hashes[:1], "colour": True}, "colour"),
        ):
            error = failed(await client.call_tool("view_assets", arguments))
            assert (error["code"], error["field"]) == ("invalid_request", field)

    run(catalog, tmp_path, library, scenario)


def test_a_file_outside_the_roots_is_not_shown(
    catalog: Path, tmp_path: Path, library: Path, camera: dict[str, str]
) -> None:
    async def scenario(client: Client) -> None:
        result = await client.call_tool("view_assets", {"assets": [camera["red.png"]]})
        data = ok_images(result)
        assert data["shown"] == 0 and pictures(result) == []
        assert "outside" in data["assets"][0]["problem"]

    run_scenario(catalog, tmp_path / "home", scenario, "--root", str(library / "formats"))

"""Curating in the browser: keyboard culling, bulk actions with undo, the selections board
(create, add, reorder by drag-and-drop, recommendations, export) and duplicates review."""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import quote

import httpx
from playwright.sync_api import Page

from tests.server.conftest import LiveServer
from tests.web.conftest import asset, search

UKBENCH = "?q=" + quote(json.dumps({"filename_pattern": "^ukbench"})) + "&sort=filename&order=asc"


def ukbench(api: httpx.Client) -> list[str]:
    """The hashes the culling view shows, in its order."""
    return [a["content_hash"] for a in search(api, filename_pattern="^ukbench")]


def open_ukbench(page: Page, server: LiveServer, count: int) -> None:
    page.goto(server.url + "/" + UKBENCH)
    page.wait_for_function(
        f"document.querySelectorAll('.card:not(.placeholder)').length === {count}"
    )


def until(check: object, what: str, seconds: float = 20) -> None:
    """Poll ``check()`` (an API read) until it is true."""
    deadline = time.monotonic() + seconds
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def tags_of(api: httpx.Client, hash_: str) -> list[str]:
    return asset(api, hash_)["tags"]


def test_cull_five_assets_with_the_keyboard(
    page: Page, api: httpx.Client, scanned_server: LiveServer
) -> None:
    hashes = ukbench(api)
    open_ukbench(page, scanned_server, len(hashes))
    page.click("#card-0")
    page.keyboard.press("3")
    page.wait_for_selector('#card-0[data-rating="3"]')
    assert page.locator("#card-0 .badge").text_content() == "★3"

    page.keyboard.press("ArrowRight")
    page.keyboard.press("t")
    page.fill("#prompt-dialog input[name=tags]", "sky, mood:calm")
    page.keyboard.press("Enter")
    until(lambda: {"sky", "mood:calm"} <= set(tags_of(api, hashes[1])), "tag t")

    page.keyboard.press("l")
    page.keyboard.press("x")
    page.wait_for_selector("#card-2.rejected")
    page.keyboard.press("j")  # down one row, then back up: h/j/k/l move like the arrows
    page.keyboard.press("k")
    page.keyboard.press("l")
    page.keyboard.press("5")
    page.wait_for_selector('#card-3[data-rating="5"]')
    page.keyboard.press("l")
    page.keyboard.press("x")
    page.wait_for_selector("#card-4.rejected")
    page.keyboard.press("Control+z")
    page.wait_for_selector("#card-4:not(.rejected)")

    assert asset(api, hashes[0])["quality_rating"] == 3
    assert "rejected" in tags_of(api, hashes[2])
    assert asset(api, hashes[3])["quality_rating"] == 5
    assert "rejected" not in tags_of(api, hashes[4])  # undone through POST /bulk/{id}/undo
    # The undo of a rating puts back "no rating", not 0.
    page.keyboard.press("Control+z")
    page.wait_for_selector('#card-3[data-rating=""]')
    assert asset(api, hashes[3])["quality_rating"] is None

    page.keyboard.press("?")
    assert page.locator("#help").is_visible()
    page.keyboard.press("Escape")


def test_bulk_tag_a_shift_click_range_and_undo_it(
    page: Page, api: httpx.Client, scanned_server: LiveServer
) -> None:
    hashes = ukbench(api)
    open_ukbench(page, scanned_server, len(hashes))
    page.click("#card-1")
    page.click("#card-4", modifiers=["Shift"])
    assert page.locator("#bulk-count").text_content() == "4 selected"
    assert page.locator(".card.selected").count() == 4
    page.fill("#bulk-tags", "batch:one")
    page.click("#bulk-tag")
    page.locator("#toast", has_text="tagged").wait_for()
    assert ["batch:one" in tags_of(api, h) for h in hashes[:6]] == [
        False, True, True, True, True, False
    ]  # fmt: skip
    page.click("#grid", position={"x": 2, "y": 2})
    page.keyboard.press("Control+z")
    page.locator("#toast", has_text="undone").wait_for()
    assert not any("batch:one" in tags_of(api, h) for h in hashes)


def create_selection(page: Page, project: str, name: str) -> None:
    page.click('.tab[data-view="selections"]')
    form = page.locator("#new-selection")
    form.locator("input[name=project_id]").fill(project)
    form.locator("input[name=name]").fill(name)
    form.locator("button[type=submit]").click()
    page.locator("#selection-title", has_text=name).wait_for()


def selection_items(api: httpx.Client, project: str, selection: str) -> list[dict]:
    data = api.get(f"/projects/{project}/selections/{selection}").json()["data"]
    return sorted(data["items"], key=lambda i: i["position"])


def test_create_a_selection_add_items_and_reorder_them_by_drag_and_drop(
    page: Page, api: httpx.Client, scanned_server: LiveServer
) -> None:
    hashes = ukbench(api)
    create_selection(page, "web", "Hero picks")
    assert "selection=web%2Fhero-picks" in page.url or "selection=web/hero-picks" in page.url

    page.click('.tab[data-view="library"]')
    open_ukbench(page, scanned_server, len(hashes))
    page.click("#card-0")
    for key in (" ", "l", " ", "l", " "):
        page.keyboard.press(key)
    page.click("#bulk-select")
    dialog = page.locator("#prompt-dialog")
    assert dialog.locator("select[name=selection]").input_value() == "web/hero-picks"
    dialog.locator("input[name=role]").fill("hero")
    dialog.locator("input[name=reason]").fill("sharp")
    dialog.locator("button[type=submit]").click()
    page.locator("#toast", has_text="added to Hero picks").wait_for()
    items = selection_items(api, "web", "hero-picks")
    assert [i["asset_hash"] for i in items] == hashes[:3]
    assert {(i["role"], i["selection_reason"]) for i in items} == {("hero", "sharp")}

    page.click('.tab[data-view="selections"]')
    page.click('.sel-link[data-key="web/hero-picks"]')
    page.locator(".item").nth(2).wait_for()
    page.locator(f'.item[data-hash="{hashes[2]}"]').drag_to(
        page.locator(f'.item[data-hash="{hashes[0]}"]')
    )
    page.locator("#history li", has_text="reorder").wait_for()
    assert [i["asset_hash"] for i in selection_items(api, "web", "hero-picks")] == [
        hashes[2], hashes[0], hashes[1]
    ]  # fmt: skip

    # Notes are edited in place.
    notes = page.locator(f'.item[data-hash="{hashes[1]}"] input[name=usage_notes]')
    notes.fill("cover only")
    notes.press("Enter")
    notes.blur()
    until(
        lambda: selection_items(api, "web", "hero-picks")[2]["usage_notes"] == "cover only",
        "usage notes saved",
    )
    page.locator("#history li", has_text="update_items").wait_for()


def test_add_a_similar_asset_by_its_recommendation(
    page: Page, api: httpx.Client, scanned_server: LiveServer
) -> None:
    (original,) = search(api, filename_pattern="^ukbench00120\\.jpg$")
    api.post("/projects", json={"name": "recs"})
    made = api.post("/selections", json={"project_id": "recs", "name": "Clown"})
    assert made.status_code == 201, made.text
    update = {"project_id": "recs", "selection_id": "clown", "action": "add_items"}
    api.patch("/selections", json={**update, "items": [{"asset_hash": original["content_hash"]}]})

    page.goto(scanned_server.url + "/?view=selections&selection=recs/clown")
    page.locator("#selection-title", has_text="Clown").wait_for()
    page.click("#find-similar")
    first = page.locator(".rec").first
    first.wait_for()
    recommended = first.get_attribute("data-hash")
    assert "score" in first.text_content()
    expected = api.post(
        "/selections/similar",
        json={"project_id": "recs", "selection_id": "clown", "threshold": 16, "limit": 24},
    ).json()["data"]["results"][0]
    assert recommended == expected["asset"]["content_hash"]
    page.keyboard.press("Enter")  # the focused recommendation: one key adds it
    page.locator(f'.item[data-hash="{recommended}"]').wait_for()
    items = selection_items(api, "recs", "clown")
    assert [i["asset_hash"] for i in items] == [original["content_hash"], recommended]
    assert items[1]["selection_reason"].startswith("similar (score ")


def test_export_a_selection_and_open_its_manifest(
    page: Page, api: httpx.Client, scanned_server: LiveServer, exports_root: Path
) -> None:
    api.post("/projects", json={"name": "delivery"})
    api.post("/selections", json={"project_id": "delivery", "name": "Final"})
    hashes = ukbench(api)[:2]
    update = {"project_id": "delivery", "selection_id": "final", "action": "add_items"}
    api.patch("/selections", json={**update, "items": [{"asset_hash": h} for h in hashes]})

    page.goto(scanned_server.url + "/?view=selections&selection=delivery/final")
    page.locator("#selection-title", has_text="Final").wait_for()
    page.click("#export-open")
    dialog = page.locator("#export-dialog")
    dialog.locator("input[name=export_path]").fill(str(exports_root / "final"))
    dialog.locator("select[name=metadata]").select_option("strip")
    dialog.locator("button[type=submit]").click()
    dialog.locator("[role=status]", has_text="Exported 2 of 2").wait_for()
    with page.context.expect_page() as opened:
        dialog.get_by_role("link", name="manifest.json").click()
    manifest_page = opened.value
    manifest_page.wait_for_load_state()
    manifest = json.loads(manifest_page.locator("body").inner_text())
    assert sorted(i["asset_hash"] for i in manifest["items"]) == sorted(hashes)
    assert manifest["settings"]["metadata"] == "strip"
    assert {i["metadata"] for i in manifest["items"]} == {"stripped"}
    manifest_page.close()
    sheet = dialog.get_by_role("link", name="contact sheet").get_attribute("href")
    assert api.get(sheet).status_code == 200
    assert (exports_root / "final" / "manifest.json").is_file()


def test_review_a_duplicate_group_and_change_its_keeper(
    page: Page, api: httpx.Client, scanned_server: LiveServer
) -> None:
    page.goto(scanned_server.url + "/?view=duplicates")
    group = (
        page.locator(".dup-group", has=page.locator(".member"))
        .filter(has_text="ukbench00120")
        .first
    )
    group.wait_for()
    members = group.locator(".member")
    assert members.count() >= 2
    suggested = members.first.get_attribute("data-hash")
    assert "keeper" in members.first.get_attribute("class")
    assert "distance" in members.nth(1).text_content()
    chosen = members.nth(1).get_attribute("data-hash")
    group.locator(".cmp").nth(0).check()
    group.locator(".cmp").nth(1).check()
    group.get_by_role("button", name="Compare the two checked").click()
    compare = page.locator("#compare")
    compare.get_by_role("button", name="Zoom in").click()
    transforms = compare.locator("img").evaluate_all("(imgs) => imgs.map((i) => i.style.transform)")
    assert len(transforms) == 2 and transforms[0] == transforms[1] and "scale(1.5)" in transforms[0]
    compare.locator(".pane").first.hover()
    page.mouse.down()
    page.mouse.move(500, 300)
    page.mouse.up()
    transforms = compare.locator("img").evaluate_all("(imgs) => imgs.map((i) => i.style.transform)")
    assert transforms[0] == transforms[1]
    compare.get_by_role("button", name="Close").click()

    group.locator(f'.member[data-hash="{chosen}"]').get_by_role(
        "button", name="Make keeper"
    ).click()
    page.locator("#toast", has_text="keeper changed").wait_for()
    page.locator(f'.member.keeper[data-hash="{chosen}"]').first.wait_for()
    assert "keeper" in tags_of(api, chosen) and "duplicate" not in tags_of(api, chosen)
    assert "duplicate" in tags_of(api, suggested) and "keeper" not in tags_of(api, suggested)
    assert api.get(f"/assets/{suggested}").status_code == 200  # nothing is deleted

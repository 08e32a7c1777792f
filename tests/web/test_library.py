"""The library view: scan, facets, chips, the URL, errors, the asset view, saved searches."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlparse

import httpx
from playwright.sync_api import Browser, Page

from tests.server.conftest import LiveServer
from tests.web.conftest import NARROW, asset, expect_console, open_page, search


def card_names(page: Page) -> list[str]:
    return page.locator(".card:not(.placeholder) figcaption").all_text_contents()


def test_the_scanned_library_is_shown(page: Page, api: httpx.Client) -> None:
    total = api.post("/search", json={"limit": 0}).json()["data"]["total_count"]
    assert total > 15
    page.wait_for_function(f"document.querySelector('#status').textContent.startsWith('{total} ')")
    assert page.locator(".card:not(.placeholder)").count() == total
    assert page.locator("#stats").text_content() == f"{total} assets"


def test_a_facet_filters_shows_a_chip_and_lives_in_the_url(
    page: Page, api: httpx.Client, browser: Browser, scanned_server: LiveServer
) -> None:
    expected = sorted(a["file_path"].rsplit("/", 1)[1] for a in search(api, ai_source=["comfyui"]))
    assert len(expected) == 2
    facet = page.locator('.facet[data-kind="source"] button[data-value="comfyui"]')
    assert facet.locator(".count").text_content() == "2"
    facet.click()
    page.wait_for_function("document.querySelectorAll('.card:not(.placeholder)').length === 2")
    assert sorted(card_names(page)) == expected
    chip = page.locator(".chip", has_text="ai source: comfyui")
    assert chip.count() == 1
    query = parse_qs(urlparse(page.url).query)
    assert json.loads(query["q"][0]) == {"ai_source": ["comfyui"]}

    # The URL is the view: a second page opened on it shows the same results.
    other, console = open_page(browser, scanned_server.url)
    other.goto(page.url)
    other.wait_for_function("document.querySelectorAll('.card:not(.placeholder)').length === 2")
    assert sorted(card_names(other)) == expected
    other.context.close()
    assert console.problems == []

    chip.get_by_role("button").click()
    page.wait_for_function("document.querySelectorAll('.card:not(.placeholder)').length > 2")
    assert page.locator(".chip").count() == 0


def test_a_bad_filter_names_its_field_and_marks_the_results_stale(page: Page) -> None:
    expect_console(page, "status of 422")
    page.click("#more-filters")
    page.fill("input[name=filename_pattern]", "(unclosed")
    page.click("#filters button[type=submit]")
    error = page.locator("#filter-error")
    error.wait_for()
    assert "filename_pattern" in error.text_content()
    assert page.get_attribute("input[name=filename_pattern]", "aria-invalid") == "true"
    assert "stale" in page.get_attribute("#grid", "class")
    # The failed request answered 422; the browser logs that, the page itself did not fail.
    page.fill("input[name=filename_pattern]", "")
    page.click("#filters button[type=submit]")
    error.wait_for(state="hidden")
    assert "stale" not in page.get_attribute("#grid", "class")


def test_the_asset_view_shows_seed_model_and_copies_parameters(
    page: Page, api: httpx.Client
) -> None:
    (a1111,) = search(api, filename_pattern="automatic1111")
    params = asset(api, a1111["content_hash"])["metadata"]["generation_params"]
    page.fill("input[name=prompt_keywords]", "duck")
    page.press("input[name=prompt_keywords]", "Enter")
    page.wait_for_function("document.querySelectorAll('.card:not(.placeholder)').length === 1")
    page.dblclick(".card")
    meta = page.locator("#asset-meta")
    meta.wait_for()
    assert meta.locator('tr[data-key="Seed"] td').text_content() == str(params["seed"])
    assert meta.locator('tr[data-key="Model"] td').text_content() == params["model"]
    assert meta.locator('tr[data-key="Prompt"] td').text_content() == "photo of a duck"
    assert meta.locator('tr[data-key="Negative prompt"] td').text_content() == "monochrome"
    page.get_by_role("button", name="Copy parameters").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.splitlines()[:2] == ["photo of a duck", "Negative prompt: monochrome"]
    assert f"Seed: {params['seed']}" in copied and f"Model: {params['model']}" in copied
    assert "asset=" + a1111["content_hash"] in page.url
    page.keyboard.press("Escape")
    page.locator("#asset-panel").wait_for(state="hidden")


def words_of(saved: list[dict], name: str) -> list[list[str]]:
    return [s["request"]["filters"]["prompt_keywords"] for s in saved if s["name"] == name]


def test_saved_searches_save_load_update_delete(page: Page, api: httpx.Client) -> None:
    page.fill("input[name=prompt_keywords]", "duck")
    page.press("input[name=prompt_keywords]", "Enter")
    page.wait_for_function("document.querySelectorAll('.card:not(.placeholder)').length === 1")
    page.fill("#saved-name", "ducks")
    page.click("#saved-save")
    page.locator("#saved-list button", has_text="ducks").wait_for()
    saved = api.get("/saved-searches").json()["data"]
    assert [s["request"]["filters"]["prompt_keywords"] for s in saved if s["name"] == "ducks"] == [
        ["duck"]
    ]

    page.locator(".chip button").click()
    page.wait_for_function("document.querySelectorAll('.card:not(.placeholder)').length > 1")
    page.locator("#saved-list button", has_text="ducks").click()
    page.wait_for_function("document.querySelectorAll('.card:not(.placeholder)').length === 1")

    page.fill("input[name=prompt_keywords]", "duck, photo")
    page.press("input[name=prompt_keywords]", "Enter")
    page.get_by_role("button", name="update ducks").click()
    page.locator("#toast", has_text="updated ducks").wait_for()
    saved = api.get("/saved-searches").json()["data"]
    assert [s["request"]["filters"]["prompt_keywords"] for s in saved if s["name"] == "ducks"] == [
        ["duck", "photo"]
    ]

    page.get_by_role("button", name="delete ducks").click()
    page.locator("#saved-list button", has_text="ducks").wait_for(state="detached")
    assert [s for s in api.get("/saved-searches").json()["data"] if s["name"] == "ducks"] == []


def test_the_layout_at_420_pixels(browser: Browser, scanned_server: LiveServer) -> None:
    page, console = open_page(browser, scanned_server.url, NARROW)
    page.goto(scanned_server.url + "/")
    page.wait_for_selector(".card:not(.placeholder)")
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    boxes = [c.bounding_box() for c in page.locator(".card").all()]
    visible = [b for b in boxes if b and b["y"] < NARROW["height"]]
    assert visible and all(b["x"] >= 0 and b["x"] + b["width"] <= NARROW["width"] for b in visible)
    assert len({round(b["x"]) for b in visible}) == 2  # the grid reflows into two columns

    sidebar = page.locator("#sidebar")
    assert not sidebar.evaluate("(el) => el.getBoundingClientRect().top < window.innerHeight")
    page.get_by_role("button", name="Facets").click()
    page.wait_for_function(
        "(() => { const r = document.querySelector('#sidebar').getBoundingClientRect();"
        " return r.bottom <= window.innerHeight + 1 && r.top < window.innerHeight; })()"
    )
    box = sidebar.bounding_box()
    assert box and box["x"] >= 0 and box["width"] <= NARROW["width"]
    page.click("#sidebar-close")

    page.dblclick("#card-0")
    page.locator("#asset-meta").wait_for()
    panel = page.locator("#asset-panel").bounding_box()
    assert panel and panel["x"] == 0 and panel["width"] == NARROW["width"]  # a sheet
    page.context.close()
    assert console.problems == []


def test_dark_scheme_and_visible_keyboard_focus(
    browser: Browser, scanned_server: LiveServer
) -> None:
    page, console = open_page(browser, scanned_server.url, scheme="dark")
    page.goto(scanned_server.url + "/")
    page.wait_for_selector(".card:not(.placeholder)")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(22, 22, 24)"
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.context.close()
    assert console.problems == []

"""Everyday use of the workbench: browsing by folder, the keyboard alone, and no request
ever leaving the machine (the page and /docs work offline)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
from PIL import Image
from playwright.sync_api import Browser, Page, Request

from curata import Curata
from curata.roots import Confinement
from curata.server import create_app
from tests.server.conftest import LiveServer
from tests.web.conftest import asset, open_page


def cards(page: Page) -> int:
    return page.locator(".card:not(.placeholder)").count()


def test_filter_by_a_folder_in_the_tree(page: Page, api: httpx.Client, web_library: Path) -> None:
    root = str(web_library.resolve())
    top = page.locator("#folders > li.folder")
    top.first.wait_for()
    assert top.count() == 1
    total = api.post("/search", json={"limit": 0}).json()["data"]["total_count"]
    assert top.first.locator(".count").first.text_content() == str(total)
    top.first.get_by_role("button", name="show the folders in").click()
    folder = str(web_library.resolve() / "near-duplicates")
    want = api.post("/search", json={"filters": {"folder": folder}, "limit": 0}).json()["data"]
    child = page.locator(f'#folders li.folder[data-key="{folder}"] > .row > button.link')
    assert child.locator(".count").text_content() == str(want["total_count"])
    child.click()
    page.wait_for_function(
        f"document.querySelectorAll('.card:not(.placeholder)').length === {want['total_count']}"
    )
    assert child.get_attribute("aria-pressed") == "true"
    assert page.locator(".chip", has_text=f"folder: {folder}").count() == 1
    assert json.loads(parse_qs(urlparse(page.url).query)["q"][0]) == {"folder": folder}
    names = page.locator(".card:not(.placeholder)").evaluate_all(
        "(cs) => cs.map((c) => c.dataset.hash)"
    )
    assert all(
        any(loc["path"].startswith(folder + "/") for loc in asset(api, h)["locations"])
        for h in names
    )
    page.locator(f'#folders li.folder[data-key="{root}"] > .row > button.link').click()
    page.wait_for_function(
        f"document.querySelectorAll('.card:not(.placeholder)').length === {total}"
    )
    assert child.get_attribute("aria-pressed") == "false"


def test_curate_with_the_keyboard_alone(
    browser: Browser, scanned_server: LiveServer, api: httpx.Client, web_library: Path
) -> None:
    """From the page's first Tab to a rating, the asset view, a folder of the tree and
    back: no mouse; the focused element always shows its outline."""
    page, console = open_page(browser, scanned_server.url)
    page.goto(scanned_server.url + "/?sort=filename&order=asc")
    page.wait_for_selector(".card:not(.placeholder)")

    def focused() -> str:
        return page.evaluate("document.activeElement.id || document.activeElement.className")

    def outline() -> str:
        return page.evaluate("getComputedStyle(document.activeElement).outlineStyle")

    page.keyboard.press("Tab")
    assert focused() == "skip" and outline() == "solid"
    page.keyboard.press("Enter")
    assert focused() == "grid"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("4")
    page.wait_for_selector('#card-1[data-rating="4"]')
    hash_ = page.get_attribute("#card-1", "data-hash")
    assert asset(api, hash_)["quality_rating"] == 4
    page.keyboard.press("Enter")
    page.locator("#asset-meta").wait_for()
    page.keyboard.press("Escape")
    page.locator("#asset-meta").wait_for(state="hidden")
    assert focused() == "grid"
    page.keyboard.press("Control+z")
    page.wait_for_selector('#card-1[data-rating=""]')

    # The folder tree by Tab and Enter: the root's toggle, then its first subfolder.
    for _ in range(300):
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.classList.contains('toggle')"):
            break
    else:
        raise AssertionError("no folder toggle reached by the keyboard")
    assert outline() == "solid"
    page.keyboard.press("Enter")
    page.locator("#folders li.folder ul li.folder").first.wait_for()
    page.keyboard.press("Tab")  # the root folder's filter button
    page.keyboard.press("Tab")  # the first subfolder's toggle
    page.keyboard.press("Tab")  # its filter button
    key = page.evaluate("document.activeElement.closest('li.folder').dataset.key")
    assert key.startswith(str(web_library.resolve()) + "/")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "document.activeElement.getAttribute('aria-pressed') === 'true'"
        " && !document.querySelector('#grid').classList.contains('loading')"
    )
    want = api.post("/search", json={"filters": {"folder": key}, "limit": 0}).json()["data"]
    page.wait_for_function(
        f"document.querySelectorAll('.card:not(.placeholder)').length === {want['total_count']}"
    )
    page.context.close()
    assert console.problems == []


def test_no_request_leaves_the_machine(browser: Browser, scanned_server: LiveServer) -> None:
    """Every view, /docs and /redoc, with every request to another host refused: none is
    made, and Swagger UI and ReDoc still draw the API."""
    page, console = open_page(browser, scanned_server.url)
    host = urlparse(scanned_server.url).netloc
    outside: list[str] = []

    def check(request: Request) -> None:
        if urlparse(request.url).scheme not in ("data", "blob") and (
            urlparse(request.url).netloc != host
        ):
            outside.append(request.url)

    page.context.on("request", check)
    page.context.route(
        lambda url: urlparse(url).scheme in ("http", "https") and urlparse(url).netloc != host,
        lambda route: route.abort(),
    )
    page.goto(scanned_server.url + "/")
    page.wait_for_selector(".card:not(.placeholder)")
    page.dblclick("#card-0")
    page.locator("#asset-meta").wait_for()
    for view in ("selections", "duplicates"):
        page.goto(f"{scanned_server.url}/?view={view}")
        page.locator(f"#{view}-view").wait_for()
        page.wait_for_load_state("networkidle")
    page.goto(scanned_server.url + "/docs")
    page.locator(".swagger-ui .opblock-summary-path", has_text="/folders").first.wait_for()
    page.goto(scanned_server.url + "/redoc")
    page.get_by_text("Subfolders of a folder, with asset counts").first.wait_for(state="attached")
    page.context.close()
    assert outside == []
    assert console.problems == []
    # Swagger UI asks validator.swagger.io for a badge when the host is not a local one
    assert '"validatorUrl": null' in httpx.get(scanned_server.url + "/docs").text


def test_the_bulk_bar_controls_are_readable(page: Page) -> None:
    """Its buttons once took the bar's white text on their own white background."""
    page.click("#card-0")
    for key in ("Space", "ArrowRight", "Space"):
        page.keyboard.press(key)
    page.locator("#bulkbar").wait_for()
    colours = page.locator("#bulkbar button, #bulkbar select").evaluate_all(
        "(els) => els.map((e) => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor])"
    )
    assert len(colours) >= 5 and all(text != back for text, back in colours), colours


def test_a_file_written_into_a_watched_folder_appears(browser: Browser, tmp_path: Path) -> None:
    lib = (tmp_path / "watched").resolve()
    lib.mkdir()
    Image.new("RGB", (32, 32), (10, 120, 200)).save(lib / "first.png")
    with Curata(database=tmp_path / "c.db") as cur:
        confined = cur.confined(Confinement.of([lib]))
        app = create_app(confined, cache_dir=tmp_path / "cache", watch=[lib])
        with LiveServer(app) as live:
            page, console = open_page(browser, live.url)
            page.goto(live.url + "/?sort=filename&order=asc")
            page.locator(".card:not(.placeholder) figcaption", has_text="first.png").wait_for(
                timeout=60_000
            )
            Image.new("RGB", (32, 32), (220, 40, 90)).save(lib / "second.png")
            page.locator(".card:not(.placeholder) figcaption", has_text="second.png").wait_for(
                timeout=60_000
            )  # no reload: the page re-ran its search on the server's event
            assert cards(page) == 2
            page.context.close()
    assert console.problems == []


def test_the_registry_filters_have_controls(page: Page, api: httpx.Client) -> None:
    """Duration, generation ranges and present/missing files, from the filter panel."""
    page.click("#more-filters")
    page.fill('input[name="generation.steps.min"]', "20")
    page.select_option('select[name="missing"]', "false")
    page.click("#filters button[type=submit]")
    page.locator(".chip", has_text="steps: 20–").wait_for()
    assert page.locator(".chip", has_text="missing: false").count() == 1
    query = json.loads(parse_qs(urlparse(page.url).query)["q"][0])
    assert query == {"generation": {"steps": {"min": 20}}, "missing": False}
    want = api.post("/search", json={"filters": query, "limit": 0}).json()["data"]["total_count"]
    assert want > 0
    page.wait_for_function(
        f"document.querySelectorAll('.card:not(.placeholder)').length === {want}"
    )
    page.locator(".chip", has_text="steps: 20–").get_by_role("button").click()
    page.wait_for_function("document.querySelectorAll('.chip').length === 1")
    assert page.input_value('input[name="generation.steps.min"]') == ""

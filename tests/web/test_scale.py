"""The virtualized grid over 100,000 results: the DOM stays bounded, the right assets show
wherever one scrolls, and scrolling asks for results a page (several screens) at a time.

The catalog is synthetic (``benchmarks/http_api.py``'s builder): its paths name no files,
so the browser is answered a fixed JPEG for every thumbnail, and those requests are
counted apart from the search requests.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from benchmarks.http_api import build_catalog
from PIL import Image
from playwright.sync_api import Browser, Page, Route

from curata import Curata
from curata.server import create_app
from tests.server.conftest import LiveServer
from tests.web.conftest import WIDE, open_page

ASSETS = 100_000
MAX_CARDS = 300


@pytest.fixture(scope="module")
def big_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    db = tmp_path_factory.mktemp("big") / "catalog.db"
    build_catalog(db, ASSETS)
    with Curata(database=db) as cur:
        app = create_app(cur, cache_dir=tmp_path_factory.mktemp("big-cache"))
        with LiveServer(app) as live:
            yield live


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (90, 120, 160)).save(out, "JPEG")
    return out.getvalue()


class Traffic:
    def __init__(self, page: Page) -> None:
        self.searches = 0
        self.thumbnails = 0
        body = jpeg()

        def thumbnail(route: Route) -> None:
            self.thumbnails += 1
            route.fulfill(status=200, content_type="image/jpeg", body=body)

        page.route("**/assets/*/thumbnail*", thumbnail)
        page.on("request", self._request)

    def _request(self, request: object) -> None:
        if request.url.endswith("/search"):  # type: ignore[attr-defined]
            self.searches += 1


def filled(page: Page) -> None:
    page.wait_for_function(
        "(() => { const g = window.curata.grid; const [s, e] = g.visibleRange();"
        " for (let i = s; i < e; i++) if (!g.asset(i)) return false;"
        " return document.querySelectorAll('.card.placeholder').length === 0; })()"
    )


def scroll_to_index(page: Page, index: int) -> None:
    page.evaluate(
        "(i) => { const g = window.curata.grid;"
        " g.scroller.scrollTop = Math.floor(i / g.columns) * g.rowHeight; g.render(); }",
        index,
    )
    filled(page)


@pytest.fixture
def big_page(browser: Browser, big_server: LiveServer) -> Iterator[tuple[Page, Traffic]]:
    page, console = open_page(browser, big_server.url, WIDE)
    traffic = Traffic(page)
    page.goto(big_server.url + "/?sort=filename&order=asc")
    page.wait_for_selector(".card:not(.placeholder)", timeout=60_000)
    yield page, traffic
    page.context.close()
    assert console.problems == []


def names_at(api: httpx.Client, offset: int, count: int) -> list[str]:
    body = {"sort_by": "filename", "order": "asc", "offset": offset, "limit": count}
    results = api.post("/search", json={**body, "facets": False}).json()["data"]["results"]
    return [Path(a["file_path"]).name for a in results]


def test_the_dom_stays_bounded_and_shows_the_right_assets(
    big_page: tuple[Page, Traffic], big_server: LiveServer
) -> None:
    page, _ = big_page
    assert page.locator("#status").text_content().startswith("100,000 result")
    with httpx.Client(base_url=big_server.url, timeout=60) as api:
        for index in (0, 12_345, 50_000, 77_777, ASSETS - 1):
            scroll_to_index(page, index)
            assert page.locator(".card").count() <= MAX_CARDS
            card = page.locator(f"#card-{index}")
            assert card.locator("figcaption").text_content() == names_at(api, index, 1)[0]
    # The DOM holds only the rows on screen and a margin, not what was scrolled past.
    assert page.locator(".card").count() <= MAX_CARDS


def test_scrolling_asks_for_results_a_page_of_screens_at_a_time(
    big_page: tuple[Page, Traffic],
) -> None:
    page, traffic = big_page
    scroll_to_index(page, 50_000)
    before = traffic.searches
    screens = 40
    for _ in range(screens):
        page.evaluate(
            "window.curata.grid.scroller.scrollBy(0, window.curata.grid.scroller.clientHeight)"
        )
        filled(page)
        assert page.locator(".card").count() <= MAX_CARDS
    per_screen = (traffic.searches - before) / screens
    assert per_screen <= 1
    assert traffic.thumbnails > 0

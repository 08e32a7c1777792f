"""The workbench in a real browser: Debian's Chromium driven by Python playwright.

One server per module (uvicorn on loopback, over a catalog the module builds), one
browser per session, a fresh page per test. Every page records its console: a test that
leaves an error or a warning there fails.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from curata import Curata
from curata.roots import Confinement
from curata.server import create_app
from tests.server.conftest import LIBRARY_PARTS, LiveServer

CHROMIUM = Path("/usr/bin/chromium")
WIDE = {"width": 1400, "height": 900}
NARROW = {"width": 420, "height": 860}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed (apt-get install -y chromium; .ci/run does it)")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        yield chromium
        chromium.close()


class Console:
    """What a page wrote to its console, and the uncaught exceptions of its scripts."""

    def __init__(self, page: Page) -> None:
        self.problems: list[str] = []
        self.expected: list[str] = []
        page.on("console", self._message)
        page.on("pageerror", lambda exc: self.problems.append(f"uncaught: {exc}"))

    def _message(self, message: ConsoleMessage) -> None:
        text = message.text
        if message.type in ("error", "warning") and not any(e in text for e in self.expected):
            self.problems.append(f"{message.type}: {message.text}")


@pytest.fixture(scope="module")
def web_library(tmp_path_factory: pytest.TempPathFactory, fixtures: Path) -> Path:
    root = tmp_path_factory.mktemp("web-library")
    for part in LIBRARY_PARTS:
        shutil.copytree(fixtures / part, root / part)
    for path in root.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return root


@pytest.fixture(scope="module")
def exports_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("web-exports")


@pytest.fixture(scope="module")
def web_catalog(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Curata]:
    """An empty catalog; the module's server scans the library into it over HTTP."""
    with Curata(database=tmp_path_factory.mktemp("web-db") / "catalog.db") as cur:
        yield cur


@pytest.fixture(scope="module")
def web_server(
    web_catalog: Curata,
    web_library: Path,
    exports_root: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LiveServer]:
    confined = web_catalog.confined(Confinement.of([web_library], [exports_root]))
    app = create_app(confined, cache_dir=tmp_path_factory.mktemp("web-cache"))
    with LiveServer(app) as live:
        yield live


@pytest.fixture(scope="module")
def api(web_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=web_server.url, timeout=60) as client:
        yield client


@pytest.fixture(scope="module")
def scanned_server(web_server: LiveServer, api: httpx.Client, web_library: Path) -> LiveServer:
    """The library scanned through ``POST /scans`` (as a client of the server would)."""
    job = api.post("/scans", json={"paths": [str(web_library)], "project": "fixtures"})
    assert job.status_code == 202, job.text
    job_id = job.json()["data"]["id"]
    deadline = time.monotonic() + 300
    while api.get(f"/scans/{job_id}").json()["data"]["state"] == "running":
        assert time.monotonic() < deadline, "the scan did not finish"
        time.sleep(0.2)
    assert api.get(f"/scans/{job_id}").json()["data"]["state"] == "completed"
    return web_server


def open_page(
    browser: Browser, url: str, viewport: dict[str, int] = WIDE, scheme: str = "light"
) -> tuple[Page, Console]:
    context = browser.new_context(viewport=viewport, color_scheme=scheme)  # type: ignore[arg-type]
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
    page = context.new_page()
    console = Console(page)
    page.curata_console = console  # type: ignore[attr-defined]
    page.set_default_timeout(20_000)
    return page, console


@pytest.fixture
def page(browser: Browser, scanned_server: LiveServer) -> Iterator[Page]:
    """A fresh page on the library view, results shown; no console problems at the end."""
    pg, console = open_page(browser, scanned_server.url)
    pg.goto(scanned_server.url + "/")
    pg.wait_for_selector(".card:not(.placeholder)")
    yield pg
    pg.context.close()
    assert console.problems == []


def asset(api: httpx.Client, hash_: str) -> dict:
    response = api.get(f"/assets/{hash_}")
    assert response.status_code == 200, response.text
    return response.json()["data"]


def search(api: httpx.Client, **filters: object) -> list[dict]:
    body = {"filters": filters, "sort_by": "filename", "order": "asc", "limit": 100}
    response = api.post("/search", json=body)
    assert response.status_code == 200, response.text
    return response.json()["data"]["results"]


def expect_console(page: Page, text: str) -> None:
    """A console message the test provokes on purpose (the browser logs a 4xx answer)."""
    page.curata_console.expected.append(text)  # type: ignore[attr-defined]

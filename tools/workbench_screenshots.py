"""Screenshots of the workbench for docs/workbench.md, taken in Chromium on the sample
library (``examples/sample-library``).

A copy of the library is scanned into a temporary catalog, given a few ratings, tags and
a selection, and served on loopback; every view is then opened as a user would open it
and saved as ``docs/img/workbench-<view>.png``.

    PYTHONPATH=src .venv/bin/python tools/workbench_screenshots.py [--out docs/img]
"""

from __future__ import annotations

import argparse
import io
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from PIL import Image
from playwright.sync_api import Page, sync_playwright

from curata import Curata
from curata.roots import Confinement
from curata.server import create_app

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
WIDE = {"width": 1400, "height": 900}
NARROW = {"width": 420, "height": 860}


def prepare(cur: Curata, library: Path) -> dict[str, str]:
    """Scan the library and curate a little: ratings, tags, a selection with items.
    Returns content hashes by file name."""
    cur.scan([library], project="sample")
    found = cur.search_assets({"sort_by": "filename", "order": "asc", "limit": 100}).data
    by_name = {Path(a.file_path).name: a.content_hash for a in found.results}
    for name, rating in (("automatic1111.png", 5), ("comfyui_img2img.png", 4), ("novelai.png", 3)):
        cur.rate_assets({"assets": [by_name[name]], "rating": rating})
    cur.tag_assets({"assets": [by_name["automatic1111.png"]], "tags": ["hero", "style:portrait"]})
    cur.create_selection(
        {
            "project_id": "sample",
            "name": "Hero images",
            "purpose": "presentation",
            "description": "The strongest renders for the landing page",
        }
    )
    items = [
        {"asset_hash": by_name[n], "role": role, "selection_reason": why}
        for n, role, why in (
            ("automatic1111.png", "primary", "sharpest face, best light"),
            ("comfyui_img2img.png", "alternate", "same pose, warmer palette"),
            ("invokeai_metadata.png", "supporting", "background plate"),
        )
    ]
    ref = {"project_id": "sample", "selection_id": "hero-images"}
    cur.update_selection({**ref, "action": "add_items", "items": items})
    return by_name


def cards(page: Page) -> None:
    page.wait_for_selector(".card:not(.placeholder) img")
    page.wait_for_function(
        "[...document.querySelectorAll('.card img')].every((i) => i.complete && i.naturalWidth)"
    )


def shoot(url: str, out: Path, by_name: dict[str, str], library: Path) -> list[Path]:
    saved: list[Path] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])

        def open_page(viewport: dict[str, int], scheme: str = "light") -> Page:
            context = browser.new_context(viewport=viewport, color_scheme=scheme)  # type: ignore[arg-type]
            page = context.new_page()
            page.set_default_timeout(30_000)
            return page

        def save(page: Page, name: str) -> None:
            path = out / f"workbench-{name}.png"
            shot = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
            shot.quantize(colors=256).save(path, optimize=True)  # a third of the bytes
            saved.append(path)

        page = open_page(WIDE)
        page.goto(url + "/?sort=filename&order=asc")
        cards(page)
        save(page, "library")

        root = page.locator("#folders > li.folder").first
        root.get_by_role("button", name="show the folders in").click()
        photos = str(library / "photos")
        page.locator(f'#folders li.folder[data-key="{photos}"] > .row > button.link').click()
        page.locator(".chip", has_text="folder:").wait_for()
        cards(page)
        page.click("#card-0")
        for key in ("Space", "ArrowRight", "Space", "ArrowRight", "Space"):
            page.keyboard.press(key)
        save(page, "folders-and-multi-select")

        page.goto(url + f"/?sort=filename&order=asc&asset={by_name['automatic1111.png']}")
        page.locator("#asset-meta").wait_for()
        page.wait_for_function(
            "(() => { const i = document.querySelector('#asset-panel img');"
            " return i && i.complete && i.naturalWidth > 0; })()"
        )
        save(page, "asset")

        page.goto(url + "/?sort=filename&order=asc")
        cards(page)
        page.keyboard.press("?")
        page.locator("#help").wait_for()
        save(page, "shortcuts")

        page.goto(url + "/?view=selections&selection=sample/hero-images")
        page.locator("#selection-title", has_text="Hero images").wait_for()
        page.wait_for_load_state("networkidle")
        save(page, "selections")

        page.goto(url + "/?view=duplicates")
        page.locator(".dup-group .member").first.wait_for()
        page.wait_for_load_state("networkidle")
        save(page, "duplicates")
        group = page.locator(".dup-group").filter(has_text="ukbench00120").first
        group.locator(".cmp").nth(0).check()
        group.locator(".cmp").nth(1).check()
        group.get_by_role("button", name="Compare the two checked").click()
        page.locator("#compare").get_by_role("button", name="Zoom in").click()
        page.wait_for_function(
            "[...document.querySelectorAll('#compare img')]"
            ".every((i) => i.complete && i.naturalWidth)"
        )
        save(page, "compare")
        page.context.close()

        narrow = open_page(NARROW)
        narrow.goto(url + "/?sort=filename&order=asc")
        cards(narrow)
        save(narrow, "narrow")
        narrow.context.close()

        dark = open_page(WIDE, "dark")
        dark.goto(url + "/?sort=filename&order=asc")
        cards(dark)
        save(dark, "dark")
        dark.context.close()
        browser.close()
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "img")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="curata-shots-")).resolve()
    library = work / "sample-library"
    shutil.copytree(REPO / "examples" / "sample-library", library)
    (work / "exports").mkdir()
    with Curata(database=work / "catalog.db") as cur:
        by_name = prepare(cur, library)
        confined = cur.confined(Confinement.of([library], [work / "exports"]))
        app = create_app(confined, cache_dir=work / "cache")
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        try:
            for path in shoot(f"http://127.0.0.1:{port}", args.out, by_name, library):
                print(path.relative_to(REPO) if path.is_relative_to(REPO) else path)
        finally:
            server.should_exit = True
            thread.join(30)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

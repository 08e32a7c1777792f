"""The workbench in Chromium over a 100,000-asset catalog: first screen, a rating keypress,
and the requests scrolling makes.

The catalog is ``benchmarks/http_api.py``'s synthetic one (its paths name no files), so
every thumbnail request is answered in the browser with one small JPEG and counted; the
figures are the page's and the API's, not thumbnail making (that is the scan's
background work). Measured, in one run and on one server (uvicorn in a thread):

- first screen: from navigation to 48 cards filled with their asset and a loaded image;
- rating keypress: from the key event to the card showing the new rating (the request
  answered and the card updated), p50/p95 over ``--presses``; beside it, the bare
  ``POST /assets/rating`` round trip from the same page (the floor any page pays), and
  the ratio;
- scrolling from result 0 to result 50,000 one screen at a time: search requests and
  thumbnail requests per screen; beside it, a pager of 48 results a request (the
  former page's page size), which makes ``screen size / 48`` search requests a screen.

    .venv/bin/python benchmarks/workbench.py                # 100k assets, 60 presses
    .venv/bin/python benchmarks/workbench.py --assets 20000 --presses 20
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from PIL import Image
from playwright.sync_api import Route, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from curata import Curata
from curata.server import create_app
from http_api import build_catalog, percentile

CHROMIUM = "/usr/bin/chromium"
FILLED = (
    "(n) => { const g = window.curata.grid; const [s, e] = g.visibleRange();"
    " for (let i = s; i < Math.min(e, s + n); i++) if (!g.asset(i)) return false;"
    " const imgs = [...document.querySelectorAll('.card img')].slice(0, n);"
    " return imgs.length >= Math.min(n, g.total)"
    " && imgs.every((i) => i.complete && i.naturalWidth > 0); }"
)
PRESS = """async (rating) => {
  const g = window.curata.grid;
  const card = document.getElementById(`card-${g.focus}`);
  const done = new Promise((resolve) => {
    const seen = new MutationObserver(() => {
      if (card.dataset.rating === String(rating)) { seen.disconnect(); resolve(); }
    });
    seen.observe(card, { attributes: true, attributeFilter: ["data-rating"] });
  });
  const t0 = performance.now();
  const key = new KeyboardEvent("keydown", { key: String(rating), bubbles: true });
  document.getElementById("grid").dispatchEvent(key);
  await done;
  return performance.now() - t0;
}"""
BARE = """async ([hash, rating]) => {
  const t0 = performance.now();
  const r = await fetch("/assets/rating", { method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ assets: [hash], rating }) });
  await r.json();
  return performance.now() - t0;
}"""


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (90, 120, 160)).save(out, "JPEG")
    return out.getvalue()


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--presses", type=int, default=60)
    parser.add_argument("--to", type=int, default=50_000, help="scroll to this result")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="curata-workbench-"))
    started, cpu0 = time.perf_counter(), cpu()
    build_catalog(work / "catalog.db", args.assets)
    print(f"catalog of {args.assets:,} assets built in {time.perf_counter() - started:.1f} s")
    with Curata(database=work / "catalog.db") as cur:
        app = create_app(cur, cache_dir=work / "cache")
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        url = f"http://127.0.0.1:{port}"
        try:
            measure(url, args)
        finally:
            server.should_exit = True
            thread.join(30)
    print(
        f"total: wall {time.perf_counter() - started:.1f} s, CPU of this process "
        f"(server and driver; Chromium apart) {cpu() - cpu0:.1f} s, load {os.getloadavg()[0]:.2f}"
    )


def measure(url: str, args: argparse.Namespace) -> None:
    body = jpeg()
    counts = {"search": 0, "thumbnail": 0}

    def thumbnail(route: Route) -> None:
        counts["thumbnail"] += 1
        route.fulfill(status=200, content_type="image/jpeg", body=body)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.route("**/assets/*/thumbnail*", thumbnail)
        page.on(
            "request",
            lambda r: counts.__setitem__("search", counts["search"] + r.url.endswith("/search")),
        )

        firsts = []
        for _ in range(3):
            t0 = time.perf_counter()
            page.goto(url + "/?sort=filename&order=asc")
            page.wait_for_function(FILLED, arg=48, timeout=120_000, polling=10)
            firsts.append((time.perf_counter() - t0) * 1000)
        print(
            f"first screen of 48 thumbnails: {min(firsts):.0f} ms best of 3"
            f" ({', '.join(f'{t:.0f}' for t in firsts)})"
        )

        page.click("#card-0")
        hash_ = page.evaluate("window.curata.grid.asset(0).content_hash")
        ours, bare = [], []
        for i in range(args.presses):
            ours.append(page.evaluate(PRESS, 1 + i % 5))
            bare.append(page.evaluate(BARE, [hash_, 1 + (i + 1) % 5]))
        p95o, p95b = percentile(ours, 0.95), percentile(bare, 0.95)
        print(
            f"rating keypress -> card updated: p50 {percentile(ours, 0.5):.1f} ms,"
            f" p95 {p95o:.1f} ms"
            f" | bare POST /assets/rating: p50 {percentile(bare, 0.5):.1f} ms, p95 {p95b:.1f} ms"
            f" | ratio p95 {p95o / p95b:.2f}"
        )

        page.evaluate("window.curata.grid.scroller.scrollTop = 0")
        per_screen = page.evaluate(
            "(() => { const g = window.curata.grid;"
            " return g.columns * Math.floor(g.scroller.clientHeight / g.rowHeight); })()"
        )
        searches0, thumbs0 = counts["search"], counts["thumbnail"]
        screens, t0 = 0, time.perf_counter()
        while page.evaluate("window.curata.grid.visibleRange()[0]") < args.to:
            page.evaluate(
                "window.curata.grid.scroller.scrollBy(0, window.curata.grid.scroller.clientHeight)"
            )
            page.wait_for_function(FILLED, arg=per_screen, timeout=60_000, polling=5)
            screens += 1
        elapsed = time.perf_counter() - t0
        cards = page.locator(".card").count()
        searches, thumbs = counts["search"] - searches0, counts["thumbnail"] - thumbs0
        print(
            f"scroll to result {args.to:,}: {screens} screens of {per_screen} cards"
            f" in {elapsed:.1f} s; {searches / screens:.2f} search requests and"
            f" {thumbs / screens:.1f} thumbnail requests a screen;"
            f" {cards} cards in the DOM at the end"
        )
        print(
            f"  a pager of 48 a request: {per_screen / 48:.2f} search requests a screen"
            f" (ratio {per_screen / 48 / (searches / screens):.1f}x more than the grid)"
        )
        browser.close()


if __name__ == "__main__":
    main()

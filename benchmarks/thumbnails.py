"""The first screen of the web page: a search and 48 thumbnails over real HTTP.

A folder of N generated images (default 100,000; 96x64 JPEGs of random colour blocks
and noise, about 2-3 KB each, written by Pillow in 100 sub-folders; cached in
``benchmarks/.data/``) is cataloged the way the page's user does it: ``curata serve
--root FOLDER`` as its own process, ``POST /scans`` of the folder, and the thumbnails the
server then makes in the background (two sizes, worker processes) until ``GET /events``
says they are done. Scan and thumbnail times are printed (wall, server CPU).

Then the first screen, as a browser loads it without a cache: ``POST /search`` (48
results) and the 48 thumbnails (``size=256``) over at most 6 connections (httpx,
asyncio), timed from the search request to the last thumbnail byte; a fresh client
(new connections) per round. Side by side, in the same run:

- cold: a second ``curata serve`` over the same catalog with an empty thumbnail cache
  (each round a new page of 48, so every thumbnail is made on request);
- static: ``python -m http.server`` serving the same 48 cached JPEG files (the floor:
  48 small files over HTTP, nothing looked up).

Printed: wall time per round (first and median of ``--rounds``), client and server CPU
per round, the load average, and the ratios.

    .venv/bin/python benchmarks/thumbnails.py                # 100,000 images
    .venv/bin/python benchmarks/thumbnails.py --images 2000 --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from PIL import Image, ImageDraw

DATA = Path(__file__).with_name(".data")
SCREEN = 48
CONNECTIONS = 6
PER_FOLDER = 1000


def generate(folder: Path, count: int, seed: int = 11) -> None:
    """``count`` distinct small JPEGs below ``folder`` (skipped when already there)."""
    done = folder / ".complete"
    if done.exists():
        return
    shutil.rmtree(folder, ignore_errors=True)
    rng = random.Random(seed)
    for i in range(count):
        sub = folder / f"batch{i // PER_FOLDER:03d}"
        if i % PER_FOLDER == 0:
            sub.mkdir(parents=True)
        image = Image.new("RGB", (96, 64), tuple(rng.randrange(256) for _ in range(3)))
        draw = ImageDraw.Draw(image)
        for _ in range(4):
            x, y = rng.randrange(80), rng.randrange(48)
            colour = tuple(rng.randrange(256) for _ in range(3))
            draw.rectangle((x, y, x + rng.randrange(8, 40), y + rng.randrange(8, 30)), colour)
        image.putpixel((i % 96, (i // 96) % 64), (i % 256, (i >> 8) % 256, (i >> 16) % 256))
        image.save(sub / f"render_{i:06d}.jpg", "JPEG", quality=80)
    done.touch()


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process and its finished children (``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(fields[i]) for i in (11, 12, 13, 14)) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_up(url: str, proc: subprocess.Popen[bytes], path: str = "/stats") -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            httpx.get(url + path, timeout=5).raise_for_status()
            return
        except httpx.TransportError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not start") from None
            time.sleep(0.2)


def serve(db: Path, root: Path, cache: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "CURATA_HOME": str(cache.parent), "CURATA_TOKEN": ""}
    cmd = [sys.executable, "-m", "curata", "--database", str(db), "serve", "--port", str(port)]
    proc = subprocess.Popen(
        [*cmd, "--root", str(root), "--cache-dir", str(cache), "--log-level", "warning"],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    wait_up(url, proc)
    return proc, url


def scan_and_warm(url: str, root: Path, pid: int) -> dict[str, float]:
    """``POST /scans`` of ``root``, then wait for the background thumbnails (``/events``)."""
    t0, c0 = time.monotonic(), process_cpu(pid)
    timings: dict[str, float] = {}
    with (
        httpx.Client(base_url=url, timeout=None) as client,
        client.stream("GET", "/events") as events,
    ):
        job = client.post("/scans", json={"paths": [str(root)]}).json()["data"]
        name = None
        for line in events.iter_lines():
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: ") and name in ("scan", "thumbnails"):
                data = json.loads(line[6:])
                if name == "scan" and data["id"] == job["id"]:
                    timings["scan_s"] = time.monotonic() - t0
                    timings["scan_cpu_s"] = process_cpu(pid) - c0
                    summary = data["summary"]
                    timings["new"] = summary["new"] + summary["unchanged"]
                elif name == "thumbnails" and data["done"]:
                    timings["done_s"] = time.monotonic() - t0
                    timings["done_cpu_s"] = process_cpu(pid) - c0
                    timings["made"], timings["failed"] = data["made"], data["failed"]
                    timings["cached"] = data["cached"]
                if "scan_s" in timings and "done_s" in timings:
                    # Thumbnails start when the scan's files are recorded.
                    timings["thumbnails_s"] = max(timings["done_s"] - timings["scan_s"], 0.0)
                    timings["thumbnails_cpu_s"] = max(
                        timings["done_cpu_s"] - timings["scan_cpu_s"], 0.0
                    )
                    return timings
    raise RuntimeError("the event stream ended early")


async def first_screen(url: str, offset: int, static: list[str] | None = None) -> float:
    """Seconds from the search request to the last of its 48 thumbnails."""
    limits = httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=120) as client:
        t0 = time.perf_counter()
        if static is None:
            found = await client.post("/search", json={"limit": SCREEN, "offset": offset})
            found.raise_for_status()
            hashes = [a["content_hash"] for a in found.json()["data"]["results"]]
            paths = [f"/assets/{h}/thumbnail?size=256" for h in hashes]
        else:
            paths = static
        responses = await asyncio.gather(*(client.get(p) for p in paths))
        elapsed = time.perf_counter() - t0
    bad = [r.status_code for r in responses if r.status_code != 200 or not r.content]
    if bad or len(responses) != SCREEN:
        raise RuntimeError(f"first screen incomplete: {len(responses)} responses, errors {bad}")
    return elapsed


def rounds(url: str, pid: int, count: int, offsets: list[int], static: Any = None) -> dict:
    walls, client_cpu, server_cpu = [], 0.0, 0.0
    for i in range(count):
        t0, s0 = time.process_time(), process_cpu(pid)
        walls.append(asyncio.run(first_screen(url, offsets[i], static)))
        client_cpu += time.process_time() - t0
        server_cpu += process_cpu(pid) - s0
    return {
        "first": walls[0],
        "median": statistics.median(walls),
        "client_cpu": client_cpu / count,
        "server_cpu": server_cpu / count,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--fresh", action="store_true", help="catalog and thumbnails again")
    args = parser.parse_args()

    folder = DATA / f"thumbs-{args.images}"
    t0 = time.monotonic()
    generate(folder, args.images)
    print(f"{args.images:,} images in {folder} ({time.monotonic() - t0:.1f}s to make)")
    work = DATA / f"thumbs-{args.images}-catalog"
    if args.fresh:
        shutil.rmtree(work, ignore_errors=True)
    work.mkdir(exist_ok=True)
    db, warm_cache, cold_cache = work / "catalog.db", work / "cache", work / "cold-cache"

    proc, url = serve(db, folder, warm_cache)
    try:
        load = os.getloadavg()[0]
        setup = scan_and_warm(url, folder, proc.pid)
        print(
            f"scan: {setup['new']:,.0f} files in {setup['scan_s']:.1f}s "
            f"(server CPU {setup['scan_cpu_s']:.1f}s); thumbnails: {setup['made']:,.0f} made, "
            f"{setup['cached']:,.0f} cached, {setup['failed']:,.0f} failed in "
            f"{setup['thumbnails_s']:.1f}s (server and workers CPU "
            f"{setup['thumbnails_cpu_s']:.1f}s); load {load:.2f}"
        )
        load = os.getloadavg()[0]
        warm = rounds(url, proc.pid, args.rounds, [0] * args.rounds)
        hashes = [
            a["content_hash"]
            for a in httpx.post(url + "/search", json={"limit": SCREEN}).json()["data"]["results"]
        ]
    finally:
        proc.terminate()
        proc.wait(60)

    shutil.rmtree(cold_cache, ignore_errors=True)
    proc, url = serve(db, folder, cold_cache)
    try:
        cold = rounds(url, proc.pid, args.rounds, [SCREEN * (i + 1) for i in range(args.rounds)])
    finally:
        proc.terminate()
        proc.wait(60)

    port = free_port()
    static_proc = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory",
         str(warm_cache / "thumbnails")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        static_url = f"http://127.0.0.1:{port}"
        paths = [f"/{h[:2]}/{h}-256.jpg" for h in hashes]
        wait_up(static_url, static_proc, paths[0])
        static = rounds(static_url, static_proc.pid, args.rounds, [0] * args.rounds, paths)
    finally:
        static_proc.terminate()
        static_proc.wait(60)
    end_load = os.getloadavg()[0]

    print(f"\nfirst screen: POST /search + {SCREEN} thumbnails over {CONNECTIONS} connections, "
          f"{args.rounds} rounds; load {load:.2f} -> {end_load:.2f}")  # fmt: skip
    print("| cache | first round | median | client CPU/round | server CPU/round |")
    print("|---|---|---|---|---|")
    for name, r in (("warm (curata)", warm), ("cold (curata)", cold), ("static files", static)):
        print(
            f"| {name} | {r['first'] * 1000:.0f} ms | {r['median'] * 1000:.0f} ms "
            f"| {r['client_cpu'] * 1000:.0f} ms | {r['server_cpu'] * 1000:.0f} ms |"
        )
    print(
        f"\ncold / warm median: {cold['median'] / warm['median']:.1f}x; "
        f"warm / static median: {warm['median'] / static['median']:.1f}x; "
        f"target: warm first screen < 1 s: {'met' if warm['first'] < 1 else 'not met'}"
    )


if __name__ == "__main__":
    main()

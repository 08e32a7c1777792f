"""HTTP overhead: ``POST /search`` over loopback against ``Curata.search_assets`` in-process.

A 100,000-asset SQLite catalog is built through the bulk loader (about 10 tags per
asset with a Zipf-like spread over 2,000 tags, some ``key:value`` pairs, ratings,
sources, sizes, dimensions and dates). The query is of middle selectivity: one tag
held by about 5% of the assets and ``quality_rating >= 2``, sorted by rating, the full
response (count, the top 50 and the facets of the result set).

The same query runs, in the same run and on the same catalog file:

- in-process: ``Curata.search_assets`` called from 1, 8 and 32 threads;
- over HTTP: ``curata serve`` as its own process (uvicorn, one worker) on 127.0.0.1,
  driven by 1, 8 and 32 concurrent keep-alive clients (httpx, asyncio).

The two alternate in short rounds (in-process, then HTTP, for each client count, three
times), so that a change in the machine's load hits both alike.

Printed per concurrency: requests/s and p50/p99 latency of each, CPU time per request
(in-process; the server process and the client for HTTP: these do not depend on what
else the machine is doing), and the ratios (HTTP / in-process latency, in-process / HTTP
throughput).

    .venv/bin/python benchmarks/http_api.py                  # 100k assets, 3 rounds of 2 s
    .venv/bin/python benchmarks/http_api.py --assets 20000 --rounds 1
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from curata import Curata
from curata.catalog.bulk import NewAsset, insert_assets

CONCURRENCY = (1, 8, 32)
SOURCES = ("comfyui", "automatic1111", "invokeai", "midjourney", "fooocus", None)
FORMATS = ("png", "jpeg", "webp")
STYLES = ("cyberpunk", "noir", "watercolor", "anime", "photoreal", "baroque", "pixel")
BATCH = 10_000


def tag_distribution(count: int) -> tuple[list[str], list[float]]:
    """Tag names and Zipf-like weights: tag ``i`` is drawn with weight 1 / (i + 10)."""
    return [f"t{i:04d}" for i in range(count)], [1.0 / (i + 10) for i in range(count)]


def build_catalog(path: Path, n: int, seed: int = 7) -> str:
    """A catalog of ``n`` synthetic assets; returns the tag of middle selectivity."""
    rng = random.Random(seed)
    names, weights = tag_distribution(2000)
    counts: Counter[str] = Counter()
    now = time.time()
    with Curata(database=path) as cur, cur.catalog.write() as conn:
        for start in range(0, n, BATCH):
            batch = []
            for i in range(start, min(n, start + BATCH)):
                tags = set(rng.choices(names, weights, k=10))
                tags.add(f"style:{rng.choice(STYLES)}")
                tags.add(f"character_count:{rng.randint(1, 5)}")
                counts.update(tags)
                width, height = rng.choice(((1024, 1024), (832, 1216), (1920, 1080), (512, 768)))
                created = now - rng.uniform(0, 3 * 365 * 86400)
                batch.append(
                    NewAsset(
                        content_hash=f"{rng.getrandbits(256):064x}",
                        path=f"/library/{i // 1000:03d}/render_{i:07d}.png",
                        file_size=rng.randint(200_000, 8_000_000),
                        file_format=rng.choice(FORMATS),
                        width=width,
                        height=height,
                        ai_source=rng.choice(SOURCES),
                        quality_rating=rng.choice((None, 1, 2, 3, 3, 4, 4, 5)),
                        created_at=created,
                        modified_at=created,
                        discovered_at=now,
                        tags=sorted(tags),
                    )
                )
            insert_assets(conn, batch, now)
    target = n * 0.05
    return min((t for t in counts if t.startswith("t")), key=lambda t: abs(counts[t] - target))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summarize(latencies: list[float], elapsed: float) -> dict[str, float]:
    return {
        "rps": len(latencies) / elapsed,
        "p50": percentile(latencies, 0.50) * 1000,
        "p99": percentile(latencies, 0.99) * 1000,
        "n": len(latencies),
    }


def run_in_process(
    call: Callable[[], Any], clients: int, seconds: float
) -> tuple[list[float], float]:
    """``clients`` threads calling ``call`` back to back for ``seconds``."""
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        mine = []
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            call()
            mine.append(time.perf_counter() - t0)
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, time.perf_counter() - started


async def run_http(url: str, body: dict, clients: int, seconds: float) -> tuple[list[float], float]:
    """``clients`` concurrent keep-alive connections posting ``body`` for ``seconds``."""
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=120) as client:
        deadline = time.perf_counter() + seconds

        async def worker() -> None:
            while time.perf_counter() < deadline:
                t0 = time.perf_counter()
                response = await client.post("/search", json=body)
                response.raise_for_status()
                latencies.append(time.perf_counter() - t0)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        return latencies, time.perf_counter() - started


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def merge(parts: list[tuple[list[float], float]], cpu: dict[str, float]) -> dict[str, float]:
    latencies = [x for lat, _ in parts for x in lat]
    out = summarize(latencies, sum(elapsed for _, elapsed in parts))
    out.update({k: v / len(latencies) * 1000 for k, v in cpu.items()})
    return out


def measure(
    cur: Curata, url: str, server_pid: int, body: dict, rounds: int, seconds: float
) -> tuple[dict[int, dict[str, float]], dict[int, dict[str, float]]]:
    """Alternate in-process and HTTP rounds, so that both see the same machine load.

    CPU time per request is counted too (it does not depend on what else runs on the
    machine): this process's for in-process calls; the server's, and this process's as
    the HTTP client, for requests."""
    for _ in range(3):
        cur.search_assets(body)
    local: dict[int, list[tuple[list[float], float]]] = {c: [] for c in CONCURRENCY}
    remote: dict[int, list[tuple[list[float], float]]] = {c: [] for c in CONCURRENCY}
    cpu = {c: {"cpu": 0.0, "server_cpu": 0.0, "client_cpu": 0.0} for c in CONCURRENCY}
    for _ in range(rounds):
        for c in CONCURRENCY:
            t0 = time.process_time()
            local[c].append(run_in_process(lambda: cur.search_assets(body), c, seconds))
            cpu[c]["cpu"] += time.process_time() - t0
            t0, s0 = time.process_time(), process_cpu(server_pid)
            remote[c].append(asyncio.run(run_http(url, body, c, seconds)))
            cpu[c]["client_cpu"] += time.process_time() - t0
            cpu[c]["server_cpu"] += process_cpu(server_pid) - s0
    return (
        {c: merge(local[c], {"cpu": cpu[c]["cpu"]}) for c in CONCURRENCY},
        {
            c: merge(remote[c], {k: cpu[c][k] for k in ("server_cpu", "client_cpu")})
            for c in CONCURRENCY
        },
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(db: Path, home: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "CURATA_HOME": str(home), "CURATA_TOKEN": ""}
    cmd = [sys.executable, "-m", "curata", "--database", str(db), "serve"]
    proc = subprocess.Popen(
        [*cmd, "--port", str(port), "--log-level", "warning"],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            httpx.get(url + "/stats", timeout=5).raise_for_status()
            return proc, url
        except httpx.TransportError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("curata serve did not start") from None
            time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=2.0, help="per round and client count")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="curata-http-bench-") as tmp:
        db = Path(tmp) / "catalog.db"
        t0 = time.perf_counter()
        tag = build_catalog(db, args.assets)
        print(f"catalog: {args.assets:,} assets built in {time.perf_counter() - t0:.1f} s")
        body = {
            "filters": {"tags": [tag], "quality_rating": {"min": 2}},
            "sort_by": "quality_rating",
            "order": "desc",
            "limit": 50,
        }
        proc, url = start_server(db, Path(tmp) / "home")
        try:
            with Curata(database=db) as cur:
                data = cur.search_assets(body).data
                assert data is not None
                print(f"query: {body} -> {data.total_count:,} results, top {len(data.results)}")
                served = httpx.post(url + "/search", json=body, timeout=60).json()["data"]
                assert served["total_count"] == data.total_count
                local, remote = measure(cur, url, proc.pid, body, args.rounds, args.seconds)
        finally:
            proc.terminate()
            proc.wait(30)

    print()
    print("| clients | in-process req/s | p50 ms | p99 ms | CPU ms/req "
          "| HTTP req/s | p50 ms | p99 ms | server CPU ms/req | client CPU ms/req "
          "| p50 ratio | throughput ratio |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for c in CONCURRENCY:
        a, b = local[c], remote[c]
        print(
            f"| {c} | {a['rps']:.1f} | {a['p50']:.1f} | {a['p99']:.1f} | {a['cpu']:.2f} "
            f"| {b['rps']:.1f} | {b['p50']:.1f} | {b['p99']:.1f} "
            f"| {b['server_cpu']:.2f} | {b['client_cpu']:.2f} "
            f"| {b['p50'] / a['p50']:.2f} | {a['rps'] / b['rps']:.2f} |"
        )
    print(
        "\np50 ratio = HTTP p50 / in-process p50; throughput ratio = in-process / HTTP req/s;"
        "\nCPU ms/req: in-process calls; the server process and the HTTP client per request."
    )


if __name__ == "__main__":
    main()

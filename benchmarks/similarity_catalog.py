"""Keeping the Hamming index in step with a catalog: load, no-change check, small change.

Fills a fresh SQLite catalog with N assets (bulk insert, then their pHashes), then
times what ``find_similar`` pays before its query:

- first use: reading every (id, phash) and building the index;
- an unchanged catalog: the stamp check (``max(id)``, ``max(updated_at)``);
- 1,000 assets re-hashed: reading the changed rows, merging, rebuilding;
- a rating change on 1,000 assets (pHashes unchanged): read and compare, no rebuild;
- one ``find_similar`` call end to end (target by content hash, results hydrated;
  after a first call that loads the compiled kernels).

The peer is the naive approach: re-reading every hash on every query.

    .venv/bin/python benchmarks/similarity_catalog.py [--assets 1000000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
from sqlalchemy import bindparam, update

from curata import Curata
from curata.catalog import similarity as hash_store
from curata.catalog.bulk import NewAsset, insert_assets
from curata.catalog.schema import assets
from curata.similarity.store import index_for


def fill(cur: Curata, n: int, rng: np.random.Generator) -> np.ndarray:
    codes = rng.integers(-(2**63), 2**63 - 1, n, dtype=np.int64)
    now = time.time()
    ids: list[int] = []
    with cur.catalog.write() as conn:
        for start in range(0, n, 50_000):
            batch = [
                NewAsset(f"{i:064x}", f"/lib/{i}.png", 1000 + i, width=64, height=64)
                for i in range(start, min(n, start + 50_000))
            ]
            ids.extend(insert_assets(conn, batch, now))
        # Hashed over the past days, like a library scanned earlier (outside the sync slack).
        set_phash = update(assets).where(assets.c.id == bindparam("aid"))
        conn.execute(
            set_phash.values(phash=bindparam("code"), updated_at=bindparam("at")),
            [
                {"aid": i, "code": int(c), "at": now - 86400 - (len(ids) - k) * 0.1}
                for k, (i, c) in enumerate(zip(ids, codes.tolist(), strict=True))
            ],
        )
    return np.array(ids)


def timed(label: str, fn) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn()
    took = time.perf_counter() - start
    print(f"{label}: {took * 1e3:.1f} ms")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--assets", type=int, default=1_000_000)
    args = parser.parse_args()
    rng = np.random.default_rng(5)
    with tempfile.TemporaryDirectory() as tmp, Curata(database=Path(tmp) / "c.db") as cur:
        start = time.perf_counter()
        ids = fill(cur, args.assets, rng)
        print(f"{args.assets:,} assets written in {time.perf_counter() - start:.0f} s")
        store = index_for(cur.catalog)

        def sync() -> None:
            with cur.catalog.read() as conn, store.lock:
                store.sync(conn)

        def reload_all() -> None:
            with cur.catalog.read() as conn:
                hash_store.hash_rows(conn)

        timed("first use (read all hashes, build the index)", sync)
        ours = timed("unchanged catalog (stamp check)", sync)
        peer = timed("peer: re-read every hash", reload_all)
        print(f"  ratio {peer / ours:.0f}x")
        changed = rng.choice(ids, 1000, replace=False)
        with cur.catalog.write() as conn:
            conn.execute(
                update(assets)
                .where(assets.c.id == bindparam("aid"))
                .values(phash=bindparam("code"), updated_at=time.time()),
                [{"aid": int(i), "code": int(i)} for i in changed],
            )
        timed("1,000 assets re-hashed (read changes, merge, rebuild)", sync)
        hashes = [f"{int(i) - 1:064x}" for i in changed]
        cur.rate_assets({"assets": hashes[:1000], "rating": 4})
        rebuilds = store.reloads
        timed("1,000 ratings changed (read changes, no rebuild)", sync)
        assert store.reloads == rebuilds
        cur.find_similar(
            {"target": hashes[1], "threshold": 10}
        )  # first call: loads the JIT-compiled kernels
        timed(
            "find_similar end to end",
            lambda: cur.find_similar({"target": hashes[0], "threshold": 10}),
        )


if __name__ == "__main__":
    main()

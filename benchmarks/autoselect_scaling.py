"""Auto-selection scaling: one asset type of 8k-64k candidates, against the spec's sort.

The peer is the spec's algorithm as written: ``scoreAsset`` for every candidate, then
``sorted(key=functools.cmp_to_key(compareAssets))`` (from ``benchmarks/autoselect.py``).
curata runs ``select_best_assets`` (validation excluded on both sides: the candidates
are ``AssetCandidate`` models made once) and reads the winner's score and reason (the
winner is chosen in O(n), without ranking); "ranked" also reads the whole ranked list
(ranked in O(n log n), every ``Pick`` with its scores and reason), which is more than
the peer gives. The
"duplicate-heavy" set gives most candidates one of a few (width, height, file size)
triples, so most of them fall into duplicate clusters.

    .venv/bin/python benchmarks/autoselect_scaling.py [--sizes 8000 16000 32000 64000]
"""

from __future__ import annotations

import argparse
import functools
import gc
import os
import random
import time
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import TypeAdapter

from autoselect import _fanart, _local, _tmdb, peer_compare, peer_score_asset
from curata.autoselect import select_best_assets
from curata.models.autoselect import AssetCandidate

_CANDIDATES = TypeAdapter(list[AssetCandidate])
ORDER = ["fanart_tv", "tmdb", "local"]


def one_type(n: int, seed: int, duplicates: bool) -> dict[str, list[AssetCandidate]]:
    rng = random.Random(seed)
    raw: dict[str, list[dict[str, Any]]] = {"tmdb": [], "fanart_tv": [], "local": []}
    for i in range(n):
        roll = rng.random()
        if duplicates:
            item = _local(rng, 0, i, "poster")
            item["width"], item["height"] = rng.choice([(1000, 1500), (2000, 3000), (680, 1000)])
            item["file_size"] = rng.choice([100_000, 200_000, 300_000, 400_000])
            item["perceptual_hash"] = None
            raw["local"].append(item)
        elif roll < 0.5:
            raw["tmdb"].append(_tmdb(rng, 0, i, "poster"))
        elif roll < 0.9:
            raw["fanart_tv"].append(_fanart(rng, 0, i, "poster"))
        else:
            raw["local"].append(_local(rng, 0, i, "poster"))
    return {p: _CANDIDATES.validate_python(items) for p, items in raw.items()}


def ours(results: dict[str, list[AssetCandidate]], every_pick: bool) -> int:
    poster = select_best_assets(results, "movie", "en")["poster"]
    assert poster.winner is not None
    touched = len(poster.winner.reason) + (poster.winner.score > 0)
    if every_pick:
        touched += len(poster.ranked)
    return touched


def peer(results: dict[str, list[AssetCandidate]]) -> int:
    scored = [
        peer_score_asset(c, "poster", provider, ORDER, "en", True)
        for provider, items in results.items()
        for c in items
    ]
    ranked = sorted(scored, key=functools.cmp_to_key(peer_compare))
    return len(ranked[0].reason) + (ranked[0].score > 0)


def _timed(fn: Callable[[], Any], repeats: int) -> tuple[float, float]:
    """Best (wall, CPU) seconds of ``repeats`` runs."""
    best_wall = best_cpu = float("inf")
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return best_wall, best_cpu


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[8000, 16000, 32000, 64000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"load before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; best of {args.repeats}")
    print(f"{'set':>22s}{'winner wall':>12s}{'CPU':>7s}{'ranked CPU':>11s}"
          f"{'peer wall':>10s}{'CPU':>7s}{'ratio CPU':>10s}{'ratio wall':>11s}"
          f"{'ranked ratio CPU':>17s}")  # fmt: skip
    for duplicates in (False, True):
        for n in args.sizes if not duplicates else args.sizes[-2:]:
            results = one_type(n, args.seed, duplicates)
            gc.collect()
            gc.freeze()  # the input stays alive for the run: keep it out of GC passes
            ours(results, True)  # warm
            mine = _timed(lambda r=results: ours(r, False), args.repeats)
            picks = _timed(lambda r=results: ours(r, True), args.repeats)
            spec = _timed(lambda r=results: peer(r), args.repeats)
            label = f"{n} {'duplicate-heavy' if duplicates else 'posters'}"
            print(f"{label:>22s}{mine[0]:12.3f}{mine[1]:7.3f}{picks[1]:11.3f}{spec[0]:10.3f}"
                  f"{spec[1]:7.3f}{spec[1] / mine[1]:9.2f}x{spec[0] / mine[0]:10.2f}x"
                  f"{spec[1] / picks[1]:16.2f}x")  # fmt: skip
    print(f"load after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

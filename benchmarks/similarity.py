"""Hamming search: curata's index against FAISS ``IndexBinaryFlat``, in the same run.

Two code sets per size:

- ``uniform``: uniformly random 64-bit codes, with 1% of them copied and perturbed by
  1-10 bits (planted neighbours), so range queries have something to find.
- ``skewed``: modelled on real pHashes. Bits are biased (the top bit of a pHash is
  almost always set, low-frequency bits lean one way), 60% of the codes sit in tight
  clusters (2-40 members within 6 bits of a centre), and 3% are near-identical flat
  images: copies of four "flat" hashes with 0-2 bits flipped (heavy buckets).

For each set: index build time and memory; single-query latency (one call per query,
Python overhead included) and batched latency (one call for the whole batch), both
on one thread for curata and for FAISS (``omp_set_num_threads(1)``); the time to find
all pairs within t and group them into components (curata, 2 threads), then the
centred groups of those components (keeper + members within t, as ``find_duplicates``
groups them; a random permutation stands for the keeper rule's order), printed beside
the old union-find components as the peer. Half the
queries are set members with 0-8 bits flipped, half are random codes.

Exactness: every query's result is compared with the numpy brute force and with
FAISS (whose ``range_search`` radius is exclusive, so it gets t + 1). The all-pairs
result is checked against brute force for a sample of positions (all their pairs).

    .venv/bin/python benchmarks/similarity.py                   # 1M codes (default)
    .venv/bin/python benchmarks/similarity.py --sizes 1000000,10000000
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import time
from collections.abc import Callable
from pathlib import Path

import faiss
import numpy as np

from curata.similarity.bits import brute_range
from curata.similarity.groups import Groups, centre_groups
from curata.similarity.index import HammingIndex
from curata.similarity.join import join
from curata.similarity.plan import choose_plan


def flip_bits(rng: np.random.Generator, codes: np.ndarray, max_bits: int, min_bits: int = 0):  # type: ignore[no-untyped-def]
    """Each code with a random number (``min_bits..max_bits``) of distinct bits flipped."""
    out = codes.copy()
    counts = rng.integers(min_bits, max_bits + 1, len(codes))
    for k in range(1, max_bits + 1):
        rows = np.flatnonzero(counts >= k)
        # a random bit per row; repeats are re-drawn so exactly ``counts`` bits differ
        bits = rng.integers(0, 64, len(rows)).astype(np.uint64)
        taken = np.bitwise_count(out[rows] ^ codes[rows])
        out[rows] ^= np.uint64(1) << bits
        clash = np.bitwise_count(out[rows] ^ codes[rows]) < taken + 1
        while clash.any():
            idx = rows[clash]
            out[idx] ^= np.uint64(1) << bits[clash]
            bits[clash] = rng.integers(0, 64, clash.sum()).astype(np.uint64)
            out[idx] ^= np.uint64(1) << bits[clash]
            clash[clash] = np.bitwise_count(out[idx] ^ codes[idx]) < taken[clash] + 1
    return out


def uniform_set(rng: np.random.Generator, n: int) -> np.ndarray:
    codes = rng.integers(0, 2**64, n, dtype=np.uint64)
    planted = n // 100
    src = rng.integers(0, n - planted, planted)
    codes[n - planted :] = flip_bits(rng, codes[src], 10, 1)
    return codes


def biased_codes(rng: np.random.Generator, n: int, p: np.ndarray) -> np.ndarray:
    out = np.zeros(n, dtype=np.uint64)
    for bit in range(64):
        out |= (rng.random(n) < p[bit]).astype(np.uint64) << np.uint64(bit)
    return out


def skewed_set(rng: np.random.Generator, n: int) -> np.ndarray:
    p = np.clip(rng.normal(0.5, 0.15, 64), 0.05, 0.95)
    p[63] = 0.98
    flat = n * 3 // 100
    clustered = n * 60 // 100
    singles = n - flat - clustered
    parts = [biased_codes(rng, singles, p)]
    sizes = rng.integers(2, 41, clustered // 2)
    sizes = sizes[np.cumsum(sizes) <= clustered]
    centres = biased_codes(rng, len(sizes), p)
    members = np.repeat(centres, sizes)
    parts.append(flip_bits(rng, members, 6))
    flats = np.array(
        [
            0x8000_0000_0000_0000,
            0xC000_0000_0000_0000,
            0x8080_0000_0000_0000,
            0xFFFF_0000_0000_0000,
        ],
        dtype=np.uint64,
    )
    parts.append(flip_bits(rng, flats[rng.integers(0, 4, flat)], 2))
    codes = np.concatenate(parts)
    if len(codes) < n:
        codes = np.concatenate([codes, biased_codes(rng, n - len(codes), p)])
    return rng.permutation(codes)


def queries_for(rng: np.random.Generator, codes: np.ndarray, count: int) -> np.ndarray:
    near = flip_bits(rng, codes[rng.integers(0, len(codes), count // 2)], 8)
    return np.concatenate([near, rng.integers(0, 2**64, count - count // 2, dtype=np.uint64)])


def as_bytes(codes: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(codes).view(np.uint8).reshape(-1, 8)


class Clock:
    """Wall time and this process's CPU time (all threads) of the last ``run``.

    The CPU time shows what the work costs when other processes share the 2 cores
    (then the wall time grows, the CPU time much less)."""

    wall = cpu = 0.0

    def run(self, fn: Callable[[], object]) -> object:
        wall, cpu = time.perf_counter(), time.process_time()
        out = fn()
        self.wall, self.cpu = time.perf_counter() - wall, time.process_time() - cpu
        return out

    def per(self, count: int) -> str:
        return f"{self.wall / count * 1e3:.4f} ms (cpu {self.cpu / count * 1e3:.4f})"


def resident_mb(field: str) -> float:
    """This process's ``VmRSS`` (now) or ``VmHWM`` (peak) from /proc/self/status, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1e3
    raise RuntimeError(f"no {field} in /proc/self/status")


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    clock = Clock()
    out = clock.run(fn)
    return clock.wall, out


def faiss_range(index: faiss.IndexBinaryFlat, queries: np.ndarray, t: int) -> list[set[int]]:
    lims, _dist, ids = index.range_search(as_bytes(queries), t + 1)
    return [set(ids[lims[i] : lims[i + 1]].tolist()) for i in range(len(queries))]


def check_groups_sample(
    codes: np.ndarray, result: object, t: int, rng: np.random.Generator
) -> bool:
    """For 200 sample positions, from brute force: every code within ``t`` shares the
    sample's component, and a sample in a group of two or more has such a neighbour."""
    labels = result.labels  # type: ignore[attr-defined]
    sizes = np.bincount(labels, minlength=len(codes))
    for pos in rng.integers(0, len(codes), 200):
        near = brute_range(codes, int(codes[pos]), t)[0]
        if (labels[near] != labels[pos]).any():
            return False
        if sizes[labels[pos]] > 1 and len(near) < 2:
            return False
    return True


def check_centred(codes: np.ndarray, rank: np.ndarray, t: int, groups: Groups) -> bool:
    """Every member within ``t`` of its keeper, the keeper the best-ranked member, no
    position in two groups, and every group inside one component (checked for all)."""
    sizes = np.diff(groups.starts)
    owner = np.repeat(groups.keeper, sizes)
    near = bool((np.bitwise_count(codes[groups.members] ^ codes[owner]) <= t).all())
    best = np.minimum.reduceat(rank[groups.members], groups.starts[:-1]) if len(groups) else []
    once = len(np.unique(groups.members)) == len(groups.members)
    return near and once and bool(np.array_equal(best, rank[groups.keeper]))


def run_set(name: str, codes: np.ndarray, t: int, args: argparse.Namespace) -> None:
    n = len(codes)
    rng = np.random.default_rng(args.seed + 1)
    single_q = queries_for(rng, codes, args.queries)
    batch_q = queries_for(rng, codes, args.batch)
    print(f"\n## {name}, N = {n:,}, t = {t}; load average {os.getloadavg()[0]:.2f}")

    warm = HammingIndex(codes[:50_000], plan=choose_plan(n, t), brute_limit=0)
    warm.range_many(batch_q[:2], t)  # load the JIT-compiled kernels before timing anything
    join(codes[:1000], t, threads=args.threads)
    build_s, index = timed(lambda: HammingIndex(codes))
    assert isinstance(index, HammingIndex)
    index.range(int(single_q[0]), t)  # JIT warm-up (cached on disk after the first run)
    index.range_many(batch_q[:2], t)
    peer = faiss.IndexBinaryFlat(64)
    peer_build_s, _ = timed(lambda: peer.add(as_bytes(codes)))
    print(f"build: curata {build_s:.3f} s ({index.backend}), FAISS flat {peer_build_s:.3f} s")
    print(f"memory: curata {index.nbytes / 1e6:.1f} MB, FAISS flat {n * 8 / 1e6:.1f} MB")

    ours_clock, peer_clock = Clock(), Clock()
    ours = ours_clock.run(lambda: [index.range(int(q), t) for q in single_q])
    ours_s = ours_clock.wall
    peer_queries = single_q[: args.peer_queries]
    peer_sets = peer_clock.run(
        lambda: [faiss_range(peer, peer_queries[i : i + 1], t)[0] for i in range(len(peer_queries))]
    )
    peer_s = peer_clock.wall
    ours_ms = ours_s / len(single_q) * 1e3
    peer_ms = peer_s / len(peer_queries) * 1e3
    print(
        f"single query: curata {ours_clock.per(len(single_q))}, "
        f"FAISS flat {peer_clock.per(len(peer_queries))}, "
        f"ratio {peer_ms / ours_ms:.1f}x ({len(single_q)} / {len(peer_queries)} queries)"
    )
    hits = sum(len(h) for h in ours)  # type: ignore[union-attr]

    batch = ours_clock.run(lambda: index.range_many(batch_q, t))
    batch_s = ours_clock.wall
    peer_batch_q = batch_q[: args.peer_queries]
    peer_batch = peer_clock.run(lambda: faiss_range(peer, peer_batch_q, t))
    peer_batch_s = peer_clock.wall
    b_ms = batch_s / len(batch_q) * 1e3
    pb_ms = peer_batch_s / len(peer_batch_q) * 1e3
    print(
        f"batched: curata {ours_clock.per(len(batch_q))}/query, "
        f"FAISS flat {peer_clock.per(len(peer_batch_q))}/query, "
        f"ratio {pb_ms / b_ms:.1f}x ({len(batch_q)} / {len(peer_batch_q)} queries)"
    )

    same_brute = all(
        np.array_equal(h.positions, brute_range(codes, int(q), t)[0])
        for q, h in zip(single_q[: args.check], ours, strict=False)  # type: ignore[arg-type]
    )
    same_peer = all(
        set(h.positions.tolist()) == s
        for h, s in zip(ours, peer_sets, strict=False)  # type: ignore[arg-type]
    ) and all(
        set(h.positions.tolist()) == s
        for h, s in zip(batch, peer_batch, strict=False)  # type: ignore[arg-type]
    )
    print(
        f"identical to brute force: {same_brute} ({args.check} queries); "
        f"identical to FAISS: {same_peer}; mean hits/query {hits / len(single_q):.1f}"
    )

    sample = codes[: args.peer_queries]
    peer_pairs_s, _ = timed(lambda: faiss_range(peer, sample, t))
    peer_all_s = peer_pairs_s / len(sample) * n
    # The join and the grouping measured alone: the query index and FAISS are freed, and
    # the peak resident size is reset (Linux clear_refs) so that it is theirs.
    index = peer = None  # type: ignore[assignment]
    gc.collect()
    held = resident_mb("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")
    result = ours_clock.run(lambda: join(codes, t, threads=args.threads))
    join_s, join_cpu = ours_clock.wall, ours_clock.cpu
    group_s, groups = timed(lambda: result.groups())  # type: ignore[attr-defined]
    exact = check_groups_sample(codes, result, t, rng)
    rank = rng.permutation(n)  # stands for the keeper rule's order
    centred = ours_clock.run(lambda: centre_groups(codes, result.labels, rank, t))  # type: ignore[attr-defined]
    centre_s, centre_cpu = ours_clock.wall, ours_clock.cpu
    peak = resident_mb("VmHWM")
    bound = check_centred(codes, rank, t, centred)  # type: ignore[arg-type]
    old_s, new_s = join_s + group_s, join_s + centre_s
    print(
        f"centred groups: join + centre {new_s:.2f} s (centre {centre_s:.2f} s, "
        f"cpu {join_cpu + centre_cpu:.2f} s), {len(centred):,} groups "  # type: ignore[arg-type]
        f"[{np.diff(centred.starts).sum():,} members]; "  # type: ignore[attr-defined]
        f"old union-find join + components {old_s:.2f} s; new/old {new_s / old_s:.2f}x; "
        f"every member within {t} of its keeper, keeper the best: {bound}; "
        f"peak RSS of the process during join + centre {peak:.0f} MB (it held {held:.0f} MB "
        f"before: the codes and the results so far); whole run peak RSS "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3:.0f} MB; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    print(
        f"all pairs within {t} + grouping: curata {join_s + group_s:.2f} s "
        f"(join {join_s:.2f} s on {args.threads} threads, cpu {join_cpu:.2f} s; "
        f"groups {group_s:.2f} s); "
        f"{result.pair_count:,} pairs, {len(groups):,} groups; "  # type: ignore[attr-defined, arg-type]
        f"sample identical to brute force: {exact}; "
        f"FAISS flat would need ~{peer_all_s:.0f} s (N range queries, from {len(sample)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000000", help="comma-separated code counts")
    parser.add_argument("--sets", default="uniform,skewed")
    parser.add_argument("--threshold", type=int, default=10)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--peer-queries", type=int, default=100)
    parser.add_argument("--check", type=int, default=200)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    faiss.omp_set_num_threads(1)
    makers = {"uniform": uniform_set, "skewed": skewed_set}
    for size in (int(s) for s in args.sizes.split(",")):
        for name in args.sets.split(","):
            rng = np.random.default_rng(args.seed)
            codes = makers[name](rng, size)
            run_set(name, codes, args.threshold, args)
            del codes


if __name__ == "__main__":
    main()

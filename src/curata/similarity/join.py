"""All pairs within a threshold (a self-join) and their connected components.

Identical codes are collapsed first (``np.unique``): a heavy bucket of thousands of
copies of one hash becomes one code with a multiplicity, and copies are grouped
without comparing them pairwise. The distinct codes are then joined with the same
multi-index tables as queries use: in every probed table, each bucket's codes are
compared with those of the same bucket and of every bucket within the table's
pigeonhole radius (higher keys only, so each bucket pair is visited once). A pair
reachable from several tables is reported by the first one only. The chunking is
chosen by a cost model (bucket pairs visited + candidate pairs verified, calibrated
below): 4 chunks of 16 bits from about 100k to 10M codes; 3 chunks (22/21/21 bits, 5x
fewer candidates but 2**22-bucket tables) only beyond that.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from numba import njit

from curata.similarity.bits import check_threshold, popcount64
from curata.similarity.mih import Tables, _seen_before
from curata.similarity.plan import CHUNK_COUNTS, MAX_CHUNK_BITS, ChunkPlan, ball

_INITIAL = 1024
# Cost of visiting one bucket pair, relative to verifying one candidate pair. Measured
# (CPU time, t = 10, uniform codes): at 1M codes 3 chunks took 21.7 s against 3.5 s for
# 4 chunks; at 10M, 280 s against 205 s (wide tables are visited at cache-miss speed,
# and 4 chunks' fuller buckets verify faster). So 4 chunks up to ~10M codes.
ENUM_COST = 30.0


@njit(cache=True, nogil=True)
def _find(parent, x):  # type: ignore[no-untyped-def]
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


@njit(cache=True, nogil=True)
def _union(parent, x, y):  # type: ignore[no-untyped-def]
    """Merge the sets of ``x`` and ``y``; the smaller root becomes the root."""
    a = _find(parent, x)
    b = _find(parent, y)
    if a < b:
        parent[b] = a
    elif b < a:
        parent[a] = b


@njit(cache=True, nogil=True)
def _merge_forests(parent, other):  # type: ignore[no-untyped-def]
    """Fold another thread's forest into ``parent``."""
    for x in range(other.shape[0]):
        if other[x] != x:
            _union(parent, x, other[x])


@njit(cache=True, nogil=True)
def _flatten(parent):  # type: ignore[no-untyped-def]
    """Point every item straight at its root."""
    for x in range(parent.shape[0]):
        parent[x] = _find(parent, x)


@njit(cache=True, nogil=True)
def _gather(key0, base, mi0, mi1, masks, offsets, cj, oj, buf, bpos):  # type: ignore[no-untyped-def]
    """The codes (and positions) of every bucket ``key0 ^ mask`` with a higher key,
    copied into one contiguous run; grows the buffers when they are too small."""
    size = 0
    for mi in range(mi0, mi1):
        key = key0 ^ masks[mi]
        if key > key0:
            size += offsets[base + key + 1] - offsets[base + key]
    if size > buf.shape[0]:
        buf = np.empty(2 * size, dtype=buf.dtype)
        bpos = np.empty(2 * size, dtype=bpos.dtype)
    m = 0
    for mi in range(mi0, mi1):
        key = key0 ^ masks[mi]
        if key > key0:
            for b in range(offsets[base + key], offsets[base + key + 1]):
                buf[m] = cj[b]
                bpos[m] = oj[b]
                m += 1
    return buf, bpos, m


@njit(cache=True, nogil=True)
def _self_join(  # type: ignore[no-untyped-def]
    t,
    part,
    parts,
    j0,
    k0,
    pi,
    pj,
    pd,
    n,
    count,
    emit,
    parent,
    mult,
    filled,
    filled_start,
    codes,
    order,
    offsets,
    bases,
    shifts,
    widths,
    radii,
    masks,
    mask_start,
):
    """Pairs from every ``parts``-th non-empty bucket from ``part`` (one thread's share).

    For each table and each non-empty bucket ``key0`` (``filled``, ascending), the codes
    of every bucket ``key0 ^ mask`` with a higher key (for every probe mask: all key
    offsets within the table's radius, precomputed) are first copied into one
    contiguous run (:func:`_gather`); then each code of the bucket is compared with the
    later codes of its own bucket and with that whole run, in one long loop that LLVM
    vectorizes (counting hits first; rows with hits are walked again). Comparing with
    many short buckets one at a time cost twice as much (loop set-up and a cache miss
    per bucket, for each code).

    The output arrays never grow in here (growing inside the loop costs reference
    counting on every row): when they are full the kernel returns where it stopped,
    ``done=False``, and is called again from there with larger arrays; the bucket it
    was working on is redone from its start. Every pair found is merged into
    ``parent`` (this thread's union-find forest) and counted as ``mult[u] * mult[v]``
    position pairs; with ``emit`` False nothing is recorded per pair.
    """
    cap = pi.shape[0]
    buf = np.empty(4096, dtype=codes.dtype)
    bpos = np.empty(4096, dtype=order.dtype)
    for j in range(j0, shifts.shape[0]):
        base = bases[j]
        cj = codes[j]
        oj = order[j]
        first = k0 if j == j0 else filled_start[j] + part
        for ki in range(first, filled_start[j + 1], parts):
            key0 = np.int64(filled[ki])
            a0 = offsets[base + key0]
            a1 = offsets[base + key0 + 1]
            n_key = n
            count_key = count
            buf, bpos, m = _gather(
                key0, base, mask_start[j], mask_start[j + 1], masks, offsets, cj, oj, buf, bpos
            )
            for a in range(a0, a1):
                ca = cj[a]
                hits = 0
                for b in range(a + 1, a1):
                    hits += popcount64(ca ^ cj[b]) <= t
                for k in range(m):
                    hits += popcount64(ca ^ buf[k]) <= t
                if hits == 0:
                    continue
                if emit and n + hits > cap:
                    return j, ki, n_key, count_key, False
                u = oj[a]
                for k in range(a + 1 - a1, m):  # own bucket (negative k), then the run
                    cb = cj[a1 + k] if k < 0 else buf[k]
                    x = ca ^ cb
                    dx = popcount64(x)
                    if dx > t:
                        continue
                    hits -= 1
                    if not _seen_before(x, j, shifts, widths, radii):
                        v = oj[a1 + k] if k < 0 else bpos[k]
                        count += mult[u] * mult[v]
                        _union(parent, u, v)
                        if emit:
                            pi[n] = min(u, v)
                            pj[n] = max(u, v)
                            pd[n] = dx
                            n += 1
                    if hits == 0:
                        break
    return shifts.shape[0], 0, n, count, True


@dataclass
class _Part:
    """One thread's share: its forest, its pair count, and (if asked) its pairs."""

    parent: np.ndarray
    count: int
    pairs: tuple[np.ndarray, np.ndarray, np.ndarray]


def _join_part(
    t: int, part: int, parts: int, emit: bool, mult: np.ndarray, tables: Tables
) -> _Part:
    """One thread's share of the self-join, growing the output between kernel calls."""
    args = (tables.codes, tables.order, tables.offsets, tables.bases, *tables.plan.arrays(t))
    filled, filled_start = _filled_buckets(tables)
    parent = np.arange(len(mult), dtype=np.int64)
    out = [np.empty(_INITIAL if emit else 0, dtype=np.int64) for _ in range(3)]
    j, ki, n, count = 0, part, 0, 0
    while True:
        j, ki, n, count, done = _self_join(
            np.int64(t), part, parts, j, ki, *out, n, count, emit, parent, mult,
            filled, filled_start, *args,
        )  # fmt: skip
        if done:
            return _Part(parent, int(count), (out[0][:n], out[1][:n], out[2][:n]))
        bigger = [np.empty(2 * len(a), dtype=np.int64) for a in out]
        for new, old in zip(bigger, out, strict=True):
            new[:n] = old[:n]
        out = bigger


def _filled_buckets(tables: Tables) -> tuple[np.ndarray, np.ndarray]:
    """The non-empty bucket keys of every table, concatenated, and where each table's start."""
    keys = []
    for j, width in enumerate(tables.plan.widths):
        sizes = np.diff(tables.offsets[tables.bases[j] : tables.bases[j] + (1 << width) + 1])
        keys.append(np.flatnonzero(sizes).astype(np.int32))
    return np.concatenate(keys), np.cumsum([0, *(len(k) for k in keys)]).astype(np.int64)


def join_cost(plan: ChunkPlan, n: int, t: int) -> float:
    """Modelled self-join work: bucket pairs enumerated plus candidate pairs verified
    (uniformly spread codes)."""
    pairs = n * (n - 1) / 2
    cost = 0.0
    for width, radius in zip(plan.widths, plan.radii(t), strict=True):
        if radius >= 0:
            filled = (1 << width) * -np.expm1(-n / (1 << width))  # expected non-empty buckets
            cost += filled * ball(width, radius) * ENUM_COST
            cost += pairs * ball(width, radius) / (1 << width)
    return cost


def choose_join_plan(n: int, t: int) -> ChunkPlan:
    plans = [ChunkPlan.even(m) for m in CHUNK_COUNTS]
    plans = [p for p in plans if max(p.widths) <= MAX_CHUNK_BITS]
    return min(plans, key=lambda p: (join_cost(p, n, t), p.m))


def _join_unique(
    unique: np.ndarray,
    mult: np.ndarray,
    t: int,
    threads: int,
    emit: bool,
    plan: ChunkPlan | None = None,
) -> list[_Part]:
    t = check_threshold(t)
    tables = Tables.build(unique, plan or choose_join_plan(len(unique), t))
    if threads <= 1:
        return [_join_part(t, 0, 1, emit, mult, tables)]
    with ThreadPoolExecutor(threads) as pool:
        return list(
            pool.map(lambda p: _join_part(t, p, threads, emit, mult, tables), range(threads))
        )


@dataclass
class JoinResult:
    """Components of all positions, and how many pairs of positions lie within the threshold.

    ``labels`` gives, for each original position, the smallest position of its
    component (a position alone is its own label). With ``keep_pairs``, ``pair_u``,
    ``pair_v`` and ``pair_d`` list every pair of distinct codes within the threshold,
    as indexes into ``unique`` (distinct codes, ascending) with their distance.
    """

    unique: np.ndarray
    inverse: np.ndarray
    labels: np.ndarray
    pair_count: int
    pair_u: np.ndarray
    pair_v: np.ndarray
    pair_d: np.ndarray

    def groups(self, min_size: int = 2) -> list[np.ndarray]:
        """Components with at least ``min_size`` positions, largest first, then by label."""
        order = np.argsort(self.labels, kind="stable")
        labels = self.labels[order]
        cuts = np.flatnonzero(np.diff(labels)) + 1
        starts = np.concatenate(([0], cuts))
        sizes = np.diff(np.concatenate((starts, [len(labels)])))
        keep = np.flatnonzero(sizes >= min_size)
        keep = keep[np.lexsort((labels[starts[keep]], -sizes[keep]))]
        return [order[starts[k] : starts[k] + sizes[k]] for k in keep]


def unique_pairs(
    unique: np.ndarray, t: int, threads: int = 1, plan: ChunkPlan | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair ``u < v`` of distinct codes within ``t`` (each once), with its distance."""
    mult = np.ones(len(unique), dtype=np.int64)
    parts = _join_unique(unique, mult, t, threads, emit=True, plan=plan)
    return tuple(np.concatenate([p.pairs[k] for p in parts]) for k in range(3))  # type: ignore[return-value]


def join(
    codes: np.ndarray,
    t: int,
    threads: int = 1,
    keep_pairs: bool = False,
    plan: ChunkPlan | None = None,
) -> JoinResult:
    """All pairs within ``t`` (inclusive) and the connected components they make.

    ``plan`` fixes the chunking (default: :func:`choose_join_plan` for the number of
    distinct codes)."""
    unique, inverse = np.unique(codes, return_inverse=True)
    inverse = inverse.astype(np.int64).ravel()
    mult = np.bincount(inverse, minlength=len(unique)).astype(np.int64)
    parts = _join_unique(unique, mult, t, threads, emit=keep_pairs, plan=plan)
    roots = parts[0].parent
    for other in parts[1:]:
        _merge_forests(roots, other.parent)
    _flatten(roots)
    # A component's label: its smallest original position.
    first = np.full(len(unique), len(codes), dtype=np.int64)
    np.minimum.at(first, inverse, np.arange(len(codes), dtype=np.int64))
    label_of_root = np.full(len(unique), len(codes), dtype=np.int64)
    np.minimum.at(label_of_root, roots, first)
    labels = label_of_root[roots[inverse]]
    copies = int((mult * (mult - 1) // 2).sum())
    pairs = [np.concatenate([p.pairs[k] for p in parts]) for k in range(3)]
    return JoinResult(unique, inverse, labels, copies + sum(p.count for p in parts), *pairs)

"""Multi-index hashing tables and their numba kernels.

One table per chunk: the codes sorted by that chunk's value (a counting sort), their
original positions, and bucket offsets (``offsets[key] .. offsets[key + 1]``). Each
table keeps its own copy of the codes so that verifying a bucket reads contiguous
memory; the original order is not kept separately (``order`` maps back), so the
index costs ``12 * m`` bytes per code plus the offsets.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numba import njit

from curata.similarity.bits import popcount64
from curata.similarity.plan import ChunkPlan

_INITIAL = 64


@njit(cache=True, nogil=True)
def _chunk_mask(width: int) -> np.uint64:
    return np.uint64((1 << width) - 1) if width < 64 else np.uint64(0xFFFFFFFFFFFFFFFF)


@njit(cache=True, nogil=True)
def _counting_sort(codes, shift, width, offsets, order, sorted_codes):  # type: ignore[no-untyped-def]
    """Fill ``offsets`` (len 2**width + 1), ``order`` and ``sorted_codes`` for one chunk."""
    mask = _chunk_mask(width)
    sh = np.uint64(shift)
    offsets[:] = 0
    for i in range(codes.shape[0]):
        offsets[np.int64((codes[i] >> sh) & mask) + 1] += 1
    for k in range(1, offsets.shape[0]):
        offsets[k] += offsets[k - 1]
    fill = offsets[:-1].copy()
    for i in range(codes.shape[0]):
        c = codes[i]
        key = np.int64((c >> sh) & mask)
        p = fill[key]
        order[p] = i
        sorted_codes[p] = c
        fill[key] = p + 1


@njit(cache=True, nogil=True)
def _grow(arr, size):  # type: ignore[no-untyped-def]
    out = np.empty(max(size, 2 * arr.shape[0]), dtype=arr.dtype)
    out[: arr.shape[0]] = arr
    return out


@njit(cache=True, nogil=True)
def _seen_before(x, j, shifts, widths, radii):  # type: ignore[no-untyped-def]
    """True when an earlier table already reaches a code whose XOR with the query is ``x``."""
    for jj in range(j):
        r = radii[jj]
        if r >= 0 and popcount64((x >> np.uint64(shifts[jj])) & _chunk_mask(widths[jj])) <= r:
            return True
    return False


@njit(cache=True, nogil=True)
def _query(  # type: ignore[no-untyped-def]
    q, t, codes, order, offsets, bases, shifts, widths, radii, masks, mask_start, pos, dist, n
):
    """Append every code within ``t`` of ``q`` (each once) to ``pos``/``dist`` from ``n``.

    Table ``j`` is probed at ``key0 ^ m`` for every mask ``m`` in
    ``masks[mask_start[j]:mask_start[j + 1]]`` (all keys within the table's radius,
    precomputed: a flat loop, no combination bookkeeping per probe).
    """
    for j in range(shifts.shape[0]):
        base = bases[j]
        key0 = np.int64((q >> np.uint64(shifts[j])) & _chunk_mask(widths[j]))
        for mi in range(mask_start[j], mask_start[j + 1]):
            key = key0 ^ masks[mi]
            lo = offsets[base + key]
            hi = offsets[base + key + 1]
            if hi == lo:
                continue
            if n + hi - lo > pos.shape[0]:
                pos = _grow(pos, n + hi - lo)
                dist = _grow(dist, n + hi - lo)
            for s in range(lo, hi):
                x = codes[j, s] ^ q
                dx = popcount64(x)
                if dx <= t and not _seen_before(x, j, shifts, widths, radii):
                    pos[n] = order[j, s]
                    dist[n] = dx
                    n += 1
    return pos, dist, n


@njit(cache=True, nogil=True)
def _query_one(q, t, codes, order, offsets, bases, shifts, widths, radii, masks, mask_start):  # type: ignore[no-untyped-def]
    pos = np.empty(_INITIAL, dtype=np.int64)
    dist = np.empty(_INITIAL, dtype=np.int64)
    pos, dist, n = _query(
        q, t, codes, order, offsets, bases, shifts, widths, radii, masks, mask_start, pos, dist, 0
    )
    return pos[:n], dist[:n]


@njit(cache=True, nogil=True)
def _query_many(queries, t, codes, order, offsets, bases, shifts, widths, radii, masks, mask_start):  # type: ignore[no-untyped-def]
    indptr = np.zeros(queries.shape[0] + 1, dtype=np.int64)
    pos = np.empty(_INITIAL, dtype=np.int64)
    dist = np.empty(_INITIAL, dtype=np.int64)
    n = 0
    for i in range(queries.shape[0]):
        pos, dist, n = _query(
            queries[i], t, codes, order, offsets, bases,
            shifts, widths, radii, masks, mask_start, pos, dist, n,
        )  # fmt: skip
        indptr[i + 1] = n
    return indptr, pos[:n], dist[:n]


@njit(cache=True, nogil=True)
def scan_range(codes, q, t):  # type: ignore[no-untyped-def]
    """Linear scan: positions and distances of every code within ``t`` of ``q``."""
    n = 0
    for i in range(codes.shape[0]):
        if popcount64(codes[i] ^ q) <= t:
            n += 1
    pos = np.empty(n, dtype=np.int64)
    dist = np.empty(n, dtype=np.int64)
    k = 0
    for i in range(codes.shape[0]):
        d = popcount64(codes[i] ^ q)
        if d <= t:
            pos[k] = i
            dist[k] = d
            k += 1
    return pos, dist


@dataclass
class Tables:
    """The multi-index tables of one code set, laid out for the kernels."""

    plan: ChunkPlan
    codes: np.ndarray  # uint64[m, N]: codes sorted by each chunk
    order: np.ndarray  # int32[m, N]: original position of each sorted code
    offsets: np.ndarray  # int32/int64: every table's bucket offsets, concatenated
    bases: np.ndarray  # int64[m]: where each table's offsets start
    arg_cache: dict[int, tuple[np.ndarray, ...]] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, codes: np.ndarray, plan: ChunkPlan) -> Tables:
        n = codes.shape[0]
        idx_type = np.int32 if n < 2**31 - 1 else np.int64
        sizes = [(1 << w) + 1 for w in plan.widths]
        bases = np.cumsum([0, *sizes[:-1]]).astype(np.int64)
        offsets = np.empty(sum(sizes), dtype=idx_type)
        sorted_codes = np.empty((plan.m, n), dtype=np.uint64)
        order = np.empty((plan.m, n), dtype=idx_type)
        for j, (shift, width) in enumerate(zip(plan.shifts, plan.widths, strict=True)):
            _counting_sort(
                codes,
                shift,
                width,
                offsets[bases[j] : bases[j] + sizes[j]],
                order[j],
                sorted_codes[j],
            )
        return cls(plan, sorted_codes, order, offsets, bases)

    @property
    def size(self) -> int:
        return int(self.codes.shape[1])

    @property
    def nbytes(self) -> int:
        return int(self.codes.nbytes + self.order.nbytes + self.offsets.nbytes + self.bases.nbytes)

    def original_codes(self) -> np.ndarray:
        """The codes in their original order (rebuilt from the first table)."""
        out = np.empty(self.size, dtype=np.uint64)
        out[self.order[0]] = self.codes[0]
        return out

    def kernel_args(self, t: int) -> tuple[np.ndarray, ...]:
        """The kernels' arguments for threshold ``t`` (built once per threshold)."""
        if t not in self.arg_cache:
            tables = (self.codes, self.order, self.offsets, self.bases)
            self.arg_cache[t] = (*tables, *self.plan.arrays(t))
        return self.arg_cache[t]

    def range(self, query: int, t: int) -> tuple[np.ndarray, np.ndarray]:
        """Unordered positions and distances of every code within ``t`` of ``query``."""
        return _query_one(np.uint64(query), np.int64(t), *self.kernel_args(t))

    def range_many(self, queries: np.ndarray, t: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """CSR results for a batch of queries: ``indptr``, positions, distances."""
        return _query_many(queries, np.int64(t), *self.kernel_args(t))

    def scan(self, query: int, t: int) -> tuple[np.ndarray, np.ndarray]:
        """Linear scan over the first table (used when probing would cost more)."""
        pos, dist = scan_range(self.codes[0], np.uint64(query), np.int64(t))
        return self.order[0][pos].astype(np.int64), dist

"""Bit-level primitives: a popcount usable inside numba kernels, and the numpy brute force.

The brute-force functions are the reference every faster path is tested against: they
compare the query with every code (``np.bitwise_count`` of the XOR) and order results
by ``(distance, position)``, the one tie-break used everywhere in this package.
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import intrinsic

MAX_DISTANCE = 64
_MASK64 = (1 << 64) - 1

Codes = np.ndarray  # uint64[N]


@intrinsic
def popcount64(typingctx: object, x: types.Integer) -> tuple[object, object]:
    """The number of set bits of a uint64 (LLVM ``ctpop``: one POPCNT instruction)."""
    sig = types.int64(types.uint64)

    def codegen(
        context: object, builder: ir.IRBuilder, signature: object, args: list[object]
    ) -> object:
        fn = builder.module.declare_intrinsic("llvm.ctpop", [ir.IntType(64)])
        return builder.call(fn, args)  # i64 result: the count, read as signed

    return sig, codegen


def as_codes(values: object) -> np.ndarray:
    """Hashes (Python ints, signed or unsigned 64-bit arrays) as a contiguous uint64 array.

    Signed values are read as their two's-complement bits, as the catalog stores them.
    """
    if isinstance(values, np.ndarray):
        if values.dtype == np.int64:
            return np.ascontiguousarray(values.ravel().view(np.uint64))
        return np.ascontiguousarray(values.ravel().astype(np.uint64))
    return np.fromiter((int(v) & _MASK64 for v in values), dtype=np.uint64)  # type: ignore[attr-defined]


def check_threshold(t: int) -> int:
    if not 0 <= int(t) <= MAX_DISTANCE:
        raise ValueError(f"threshold must be between 0 and {MAX_DISTANCE}, got {t}")
    return int(t)


def distances(codes: np.ndarray, query: int) -> np.ndarray:
    """Hamming distance from ``query`` to every code (uint8)."""
    return np.bitwise_count(codes ^ np.uint64(query))


def sort_hits(positions: np.ndarray, dists: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hits ordered by distance, then by position."""
    order = np.lexsort((positions, dists))
    return positions[order], dists[order]


def brute_range(codes: np.ndarray, query: int, t: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions and distances of every code within ``t`` (inclusive), nearest first."""
    d = distances(codes, query)
    pos = np.flatnonzero(d <= t)
    return sort_hits(pos.astype(np.int64), d[pos].astype(np.int64))


def brute_knn(codes: np.ndarray, query: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` nearest codes (fewer if there are fewer codes), ties broken by position."""
    d = distances(codes, query).astype(np.int64)
    k = min(k, len(codes))
    if k <= 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    # Distances are at most 64: a stable sort by distance keeps positions ascending.
    if k < len(codes):
        kth = np.partition(d, k - 1)[k - 1]
        pos = np.flatnonzero(d <= kth)
    else:
        pos = np.arange(len(codes))
    pos, dist = sort_hits(pos, d[pos])
    return pos[:k], dist[:k]


def brute_pairs(codes: np.ndarray, t: int) -> set[tuple[int, int]]:
    """Every pair of positions ``i < j`` within ``t`` (quadratic; tests and tiny sets only)."""
    out: set[tuple[int, int]] = set()
    for i in range(len(codes) - 1):
        d = np.bitwise_count(codes[i + 1 :] ^ codes[i])
        out.update((i, i + 1 + int(j)) for j in np.flatnonzero(d <= t))
    return out

"""How multi-index hashing splits the 64 bits, and how far each chunk is probed.

Pigeonhole: split a code into ``m`` disjoint chunks. If two codes differ in at most
``t = r*m + a`` bits (``0 <= a < m``), then one of the first ``a + 1`` chunks differs
in at most ``r`` bits, or one of the other chunks differs in at most ``r - 1`` bits
(otherwise the differences would add up to at least ``(a+1)(r+1) + (m-a-1)r = t + 1``).
So probing the first ``a + 1`` tables within radius ``r`` and the rest within
``r - 1`` finds every code within ``t``: nothing is missed, and each candidate is
checked on its full 64 bits, so nothing false is returned.

A candidate reachable from several tables is reported only by the first table that
reaches it (the kernels test the earlier chunks' distances), so no result repeats.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from math import comb

import numpy as np

MAX_CHUNK_BITS = 22
CHUNK_COUNTS = (3, 4, 5, 6, 8)
# Relative costs used to pick the chunk count: probing one bucket key (an offset lookup
# in a table that may not be in cache) against verifying one candidate (XOR + POPCNT
# on a contiguous run of codes). Measured on the benchmark machine.
PROBE_COST = 25.0
CANDIDATE_COST = 1.0


@lru_cache(maxsize=4096)
def ball(bits: int, radius: int) -> int:
    """How many keys of ``bits`` bits lie within ``radius`` of a given key."""
    return sum(comb(bits, i) for i in range(max(-1, min(radius, bits)) + 1))


@dataclass(frozen=True)
class ChunkPlan:
    """``m`` chunks covering bits ``[shift, shift + width)``, low bits first."""

    widths: tuple[int, ...]

    @classmethod
    def even(cls, m: int) -> ChunkPlan:
        if not 1 <= m <= 64:
            raise ValueError(f"chunk count must be in 1..64, got {m}")
        base, extra = divmod(64, m)
        return cls(tuple(base + 1 if j < extra else base for j in range(m)))

    @property
    def m(self) -> int:
        return len(self.widths)

    @property
    def shifts(self) -> tuple[int, ...]:
        out, acc = [], 0
        for w in self.widths:
            out.append(acc)
            acc += w
        return tuple(out)

    def radii(self, t: int) -> tuple[int, ...]:
        """Probe radius per chunk for threshold ``t``; -1 means the table is not probed."""
        r, a = divmod(t, self.m)
        return tuple(r if j <= a else r - 1 for j in range(self.m))

    def probes(self, t: int) -> int:
        return sum(ball(w, r) for w, r in zip(self.widths, self.radii(t), strict=True) if r >= 0)

    def expected_candidates(self, n: int, t: int) -> float:
        """Candidates a query verifies when ``n`` codes are spread uniformly."""
        return sum(
            n * ball(w, r) / (1 << w)
            for w, r in zip(self.widths, self.radii(t), strict=True)
            if r >= 0
        )

    def query_cost(self, n: int, t: int) -> float:
        return self.probes(t) * PROBE_COST + self.expected_candidates(n, t) * CANDIDATE_COST

    def arrays(self, t: int) -> tuple[np.ndarray, ...]:
        """The kernels' view of the plan at threshold ``t``: ``shifts``, ``widths``,
        ``radii`` (int64 per chunk), and the probe masks: every key offset within each
        chunk's radius, nearest first, concatenated (``masks``), table ``j``'s being
        ``masks[mask_start[j]:mask_start[j + 1]]``."""
        radii = self.radii(t)
        per_chunk = [probe_masks(w, r) for w, r in zip(self.widths, radii, strict=True)]
        return (
            np.array(self.shifts, dtype=np.int64),
            np.array(self.widths, dtype=np.int64),
            np.array(radii, dtype=np.int64),
            np.concatenate([np.empty(0, np.int64), *per_chunk]),
            np.cumsum([0, *(len(m) for m in per_chunk)]).astype(np.int64),
        )


@lru_cache(maxsize=256)
def _masks(bits: int, radius: int) -> tuple[int, ...]:
    return tuple(
        sum(1 << b for b in flipped)
        for d in range(max(-1, min(radius, bits)) + 1)
        for flipped in combinations(range(bits), d)
    )


def probe_masks(bits: int, radius: int) -> np.ndarray:
    """Every ``bits``-bit XOR mask with at most ``radius`` bits set, fewest bits first."""
    return np.array(_masks(bits, radius), dtype=np.int64)


def choose_plan(n: int, t: int) -> ChunkPlan:
    """The even split with the lowest modelled query cost at ``n`` codes and threshold ``t``."""
    plans = [ChunkPlan.even(m) for m in CHUNK_COUNTS]
    plans = [p for p in plans if max(p.widths) <= MAX_CHUNK_BITS]
    return min(plans, key=lambda p: (p.query_cost(n, t), p.m))

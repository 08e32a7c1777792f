"""The Hamming index: exact range and k-nearest queries over 64-bit codes.

Codes are addressed by position (``0..N-1``); callers keep their own ids beside it.
Small sets are scanned linearly (a numba loop over the codes); from
:data:`BRUTE_LIMIT` codes on, multi-index hashing answers queries, and still scans
when a query's threshold is so wide that probing would cost more than scanning.
Every path returns exactly what the numpy brute force in :mod:`.bits` returns:
all codes within the threshold (inclusive), ordered by distance, then position.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from curata.similarity.bits import as_codes, check_threshold, sort_hits
from curata.similarity.mih import Tables, scan_range
from curata.similarity.plan import CANDIDATE_COST, PROBE_COST, ChunkPlan, choose_plan

BRUTE_LIMIT = 32_768
DEFAULT_THRESHOLD = 10
# Cost of scanning one code, in the units of plan.PROBE_COST / CANDIDATE_COST.
SCAN_COST = 0.3
# k-nearest: range queries at these radii before falling back to a full scan.
KNN_RADII = (4, 8, 12, 16)


@dataclass(frozen=True)
class Hits:
    """Query results: positions and their distances, nearest first (ties by position)."""

    positions: np.ndarray
    distances: np.ndarray

    def __len__(self) -> int:
        return len(self.positions)

    @classmethod
    def sorted(cls, positions: np.ndarray, distances: np.ndarray) -> Hits:
        return cls(*sort_hits(positions.astype(np.int64), distances.astype(np.int64)))

    def only(self, allowed: np.ndarray | None) -> Hits:
        """The hits whose position is allowed (a boolean mask over positions)."""
        if allowed is None:
            return self
        keep = allowed[self.positions]
        return Hits(self.positions[keep], self.distances[keep])

    def head(self, k: int) -> Hits:
        return Hits(self.positions[:k], self.distances[:k])


class HammingIndex:
    """An immutable index over ``codes`` (unsigned 64-bit hashes)."""

    def __init__(
        self,
        codes: object,
        *,
        plan: ChunkPlan | None = None,
        brute_limit: int = BRUTE_LIMIT,
        design_threshold: int = DEFAULT_THRESHOLD,
    ) -> None:
        arr = as_codes(codes)
        self.size = len(arr)
        self.tables: Tables | None = None
        self._codes: np.ndarray | None = None
        self._pays: dict[int, bool] = {}
        if self.size < brute_limit and plan is None:
            self._codes = arr
        else:
            self.tables = Tables.build(arr, plan or choose_plan(self.size, design_threshold))

    @property
    def backend(self) -> str:
        return "scan" if self.tables is None else f"mih-{self.tables.plan.m}"

    @property
    def nbytes(self) -> int:
        return self.tables.nbytes if self.tables is not None else int(self._codes.nbytes)  # type: ignore[union-attr]

    def __len__(self) -> int:
        return self.size

    def codes(self) -> np.ndarray:
        """The indexed codes in position order."""
        return self._codes if self._codes is not None else self.tables.original_codes()  # type: ignore[union-attr]

    def _probing_pays(self, t: int) -> bool:
        if t not in self._pays:
            plan = self.tables.plan  # type: ignore[union-attr]
            probing = plan.probes(t) * PROBE_COST
            probing += plan.expected_candidates(self.size, t) * CANDIDATE_COST
            self._pays[t] = probing < self.size * SCAN_COST
        return self._pays[t]

    def probed_tables(self, t: int) -> Tables | None:
        """The multi-index tables when probing them pays at threshold ``t`` (else None:
        queries scan), for kernels that query them directly."""
        return self.tables if self.tables is not None and self._probing_pays(t) else None

    def _raw_range(self, query: int, t: int) -> tuple[np.ndarray, np.ndarray]:
        q = np.uint64(query)
        if self.tables is None:
            return scan_range(self._codes, q, np.int64(t))
        if self._probing_pays(t):
            return self.tables.range(query, t)
        return self.tables.scan(query, t)

    def range(self, query: int, t: int, allowed: np.ndarray | None = None) -> Hits:
        """Every code within ``t`` (inclusive) of ``query``, restricted to ``allowed``."""
        t = check_threshold(t)
        return Hits.sorted(*self._raw_range(query, t)).only(allowed)

    def range_many(self, queries: object, t: int) -> list[Hits]:
        """One :class:`Hits` per query (a batch runs in one kernel call when probing)."""
        t = check_threshold(t)
        qs = as_codes(queries)
        if self.tables is None or not self._probing_pays(t):
            return [self.range(int(q), t) for q in qs]
        indptr, pos, dist = self.tables.range_many(qs, t)
        return [
            Hits.sorted(pos[indptr[i] : indptr[i + 1]], dist[indptr[i] : indptr[i + 1]])
            for i in range(len(qs))
        ]

    def knn(self, query: int, k: int, allowed: np.ndarray | None = None) -> Hits:
        """The ``k`` nearest allowed codes, ties broken by position."""
        if k <= 0:
            return Hits(np.empty(0, np.int64), np.empty(0, np.int64))
        for t in KNN_RADII:
            hits = self.range(query, t, allowed)
            if len(hits) >= k:
                return hits.head(k)
        return self.range(query, 64, allowed).head(k)

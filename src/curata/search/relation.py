"""Asset-to-term links held both ways, for filtering and for facets.

A :class:`Relation` keeps, per term (a tag, a prompt word, a metadata key, a file
name), the sorted ids of the assets that have it - the posting lists filters
intersect - and, per asset, its terms in compressed rows (CSR) that facet counting
walks. Changes patch the postings in place and keep the changed assets' terms beside
the CSR until there are enough of them to rebuild it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from curata.search import kernels

EMPTY = np.zeros(0, np.int32)


class Vocabulary:
    """Terms by dense id."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self.names: list[str] = []
        self.ids: dict[str, int] = {}
        for name in names:
            self.add(name)

    def add(self, name: str) -> int:
        found = self.ids.get(name)
        if found is None:
            found = self.ids[name] = len(self.names)
            self.names.append(name)
        return found

    def __len__(self) -> int:
        return len(self.names)


def distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values. A sort: numpy's hash-based ``unique`` is many times slower
    on these arrays."""
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


def union(arrays: Sequence[np.ndarray]) -> np.ndarray:
    """Sorted distinct ids of sorted id arrays."""
    parts = [a for a in arrays if len(a)]
    if not parts:
        return EMPTY
    if len(parts) == 1:
        return parts[0]
    return distinct(np.concatenate(parts)).astype(np.int32, copy=False)


def contains(sorted_ids: np.ndarray, probe: np.ndarray) -> np.ndarray:
    """Boolean array: which entries of ``probe`` occur in ``sorted_ids``."""
    if not len(sorted_ids) or not len(probe):
        return np.zeros(len(probe), bool)
    at = np.searchsorted(sorted_ids, probe)
    at[at == len(sorted_ids)] = 0
    found: np.ndarray = sorted_ids[at] == probe
    return found


class Relation:
    """Links between assets (ids below ``capacity``) and terms (dense ids)."""

    def __init__(self, capacity: int, postings: list[np.ndarray]) -> None:
        self.postings = postings
        self._sizes: np.ndarray | None = None
        self._rebuild(capacity)

    @classmethod
    def from_pairs(
        cls, capacity: int, assets: np.ndarray, terms: np.ndarray, n_terms: int
    ) -> Relation:
        """From ``(asset, term)`` pairs given in ascending asset order, without repeats."""
        bounds, by_term = kernels.group_by(
            terms.astype(np.int64), assets.astype(np.int32), max(n_terms, 0)
        )
        return cls(capacity, [by_term[bounds[t] : bounds[t + 1]] for t in range(n_terms)])

    def _rebuild(self, capacity: int) -> None:
        lengths = np.fromiter((len(p) for p in self.postings), np.int64, len(self.postings))
        assets = np.concatenate(self.postings) if self.postings else EMPTY
        terms = np.repeat(np.arange(len(self.postings), dtype=np.int32), lengths)
        self.indptr, self.terms = kernels.group_by(assets.astype(np.int64), terms, capacity)
        self.capacity = capacity
        self.changed = np.zeros(capacity, bool)
        self.extra: dict[int, np.ndarray] = {}

    def grow(self, capacity: int, n_terms: int) -> None:
        """Room for asset ids below ``capacity`` and term ids below ``n_terms``."""
        if capacity > self.capacity:
            pad = capacity - self.capacity
            self.indptr = np.concatenate([self.indptr, np.full(pad, self.indptr[-1])])
            self.changed = np.concatenate([self.changed, np.zeros(pad, bool)])
            self.capacity = capacity
        if n_terms > len(self.postings):
            self.postings.extend(EMPTY for _ in range(n_terms - len(self.postings)))
            self._sizes = None

    def terms_of(self, asset: int) -> np.ndarray:
        if self.changed[asset]:
            return self.extra[asset]
        own: np.ndarray = self.terms[self.indptr[asset] : self.indptr[asset + 1]]
        return own

    def posting(self, term: int) -> np.ndarray:
        return self.postings[term] if 0 <= term < len(self.postings) else EMPTY

    def any_of(self, terms: Iterable[int]) -> np.ndarray:
        """Sorted ids of the assets that have at least one of ``terms``: merged by a
        sort, or through a bitmap when the postings are long."""
        postings = [self.posting(t) for t in terms]
        if sum(len(p) for p in postings) * 16 < self.capacity or len(postings) < 2:
            return union(postings)
        mask = np.zeros(self.capacity, bool)
        for posting in postings:
            kernels.mark(mask, posting, True)
        return np.flatnonzero(mask).astype(np.int32)

    def sizes(self) -> np.ndarray:
        """How many assets have each term."""
        if self._sizes is None:
            self._sizes = np.fromiter((len(p) for p in self.postings), np.int64, len(self.postings))
        return self._sizes

    def count(self, rows: np.ndarray) -> np.ndarray:
        """Per term, how many of the assets ``rows`` have it."""
        counts = np.zeros(len(self.postings), np.int64)
        kernels.count_terms(rows, self.indptr, self.terms, self.changed, counts)
        if self.extra:
            for asset in rows[self.changed[rows]]:
                counts[self.extra[int(asset)]] += 1
        return counts

    def gather(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(positions, terms)``: every term of the assets ``rows``, each with the
        position in ``rows`` of the asset it belongs to."""
        positions, terms = kernels.gather_rows(rows, self.indptr, self.terms, self.changed)
        if self.extra:
            at = np.flatnonzero(self.changed[rows])
            extra = [self.extra[int(rows[i])] for i in at.tolist()]
            lengths = [len(e) for e in extra]
            positions = np.concatenate([positions, np.repeat(at, lengths)])
            terms = np.concatenate([terms, *extra]) if extra else terms
        return positions, terms

    def update(self, changes: Mapping[int, np.ndarray]) -> None:
        """Give each asset in ``changes`` exactly the listed (distinct) terms."""
        adds: dict[int, list[int]] = defaultdict(list)
        drops: dict[int, list[int]] = defaultdict(list)
        for asset, new in changes.items():
            old = self.terms_of(asset)
            for t in np.setdiff1d(new, old, assume_unique=True):
                adds[int(t)].append(asset)
            for t in np.setdiff1d(old, new, assume_unique=True):
                drops[int(t)].append(asset)
            self.extra[asset] = np.asarray(new, np.int32)
            self.changed[asset] = True
        for t, ids in adds.items():
            posting = self.postings[t]
            new = distinct(np.array(ids, np.int32))
            new = new[~contains(posting, new)]
            self.postings[t] = np.insert(posting, np.searchsorted(posting, new), new)
        for t, ids in drops.items():
            posting = self.postings[t]
            gone = np.array(ids, np.int32)
            self.postings[t] = np.delete(
                posting, np.searchsorted(posting, gone[contains(posting, gone)])
            )
        if adds or drops:
            self._sizes = None
        if len(self.extra) > max(50_000, self.capacity // 20):
            self._rebuild(self.capacity)

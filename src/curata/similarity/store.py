"""The catalog's pHashes in memory, indexed, and kept in step with the catalog.

One :class:`HashIndex` per catalog per process (:func:`index_for`). Before each use,
:meth:`HashIndex.sync` reads a two-value stamp (``max(assets.id)`` and
``max(assets.updated_at)``, both served by an index). Nothing changed: nothing is
read. Something changed: only the rows updated since the last stamp (minus a slack
for transactions that committed late, 10 s) or added after the last id are read, merged
into the id-sorted arrays, and the Hamming index is rebuilt from those arrays
(a counting sort per chunk: ~0.1 s at a million codes). Assets are never deleted
from a catalog, so the stamp catches every change.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import Connection

from curata.catalog import Catalog
from curata.catalog import similarity as hash_store
from curata.catalog.search import change_marks
from curata.similarity.bits import as_codes
from curata.similarity.index import HammingIndex

# Rows updated this many seconds before the last stamp are read again on a sync, so a
# transaction that committed after a later one is not missed (writers stamp rows with
# the time their batch started; a batch commits within seconds).
SLACK = 10.0


@dataclass
class HashIndex:
    """Asset ids (ascending) with their pHash codes, and a Hamming index over them."""

    ids: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    codes: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.uint64))
    index: HammingIndex = field(default_factory=lambda: HammingIndex(np.empty(0, np.uint64)))
    stamp: tuple[int, float] | None = None  # (max assets.id, max assets.updated_at)
    lock: threading.RLock = field(default_factory=threading.RLock)
    reloads: int = 0

    def sync(self, conn: Connection) -> None:
        """Bring the index up to date with the catalog (two index lookups when unchanged)."""
        stamp = change_marks(conn)
        if stamp == self.stamp:
            return
        if self.stamp is None:
            rows = hash_store.hash_rows(conn)
            self._replace(rows.ids, as_codes(rows.codes))
        else:
            max_id, updated_at = self.stamp
            self._merge(hash_store.hash_rows(conn, updated_at - SLACK, after_id=max_id))
        self.stamp = stamp

    def _replace(self, ids: np.ndarray, codes: np.ndarray) -> None:
        self.ids, self.codes = ids, codes
        self.index = HammingIndex(codes)
        self.reloads += 1

    def _merge(self, rows: hash_store.HashRows) -> None:
        if not len(rows.ids):
            return
        pos = np.searchsorted(self.ids, rows.ids)
        inside = pos < len(self.ids)
        known = np.zeros(len(rows.ids), dtype=bool)
        known[inside] = self.ids[pos[inside]] == rows.ids[inside]
        if known.all() and rows.present.all():  # only rewritten rows (ratings, tags, rescans)
            fresh = as_codes(rows.codes)
            if np.array_equal(self.codes[pos], fresh):
                return
            codes = self.codes.copy()
            codes[pos] = fresh
            self._replace(self.ids, codes)
            return
        keep = ~np.isin(self.ids, rows.ids, assume_unique=True)
        ids = np.concatenate([self.ids[keep], rows.ids[rows.present]])
        codes = np.concatenate([self.codes[keep], as_codes(rows.codes[rows.present])])
        order = np.argsort(ids, kind="stable")
        ids, codes = ids[order], codes[order]
        if np.array_equal(ids, self.ids) and np.array_equal(codes, self.codes):
            return
        self._replace(ids, codes)

    def positions_of(self, asset_ids: np.ndarray) -> np.ndarray:
        """Boolean mask over positions: which indexed assets are among ``asset_ids``."""
        return np.isin(self.ids, asset_ids)

    def position(self, asset_id: int) -> int | None:
        i = int(np.searchsorted(self.ids, asset_id))
        return i if i < len(self.ids) and self.ids[i] == asset_id else None


_INDEXES: weakref.WeakKeyDictionary[Catalog, HashIndex] = weakref.WeakKeyDictionary()
_REGISTRY_LOCK = threading.Lock()


def index_for(catalog: Catalog) -> HashIndex:
    """The hash index of ``catalog`` in this process (loaded on first sync)."""
    with _REGISTRY_LOCK:
        found = _INDEXES.get(catalog)
        if found is None:
            found = _INDEXES[catalog] = HashIndex()
        return found

"""Ordering results and cutting the requested page, without sorting more than needed.

Order: the sort field (ascending or descending; assets without a value last either
way), then the content hash ascending, so equal values always come out the same way.

Small result sets are partitioned around the last wanted position and only that
prefix is sorted. Large ones walk a cached order of the whole catalog for the field
and take the first results met, which costs about ``(offset + limit) * N / results``;
that order (a full sort) is made once large result sets keep asking for it.
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import Connection

from curata.models.search import SortField, SortOrder
from curata.search import kernels
from curata.search.index import SearchIndex

COLUMN_OF = {
    SortField.CREATED_DATE: "created_at",
    SortField.MODIFIED_DATE: "modified_at",
    SortField.DISCOVERED_DATE: "discovered_at",
    SortField.QUALITY_RATING: "quality_rating",
    SortField.FILE_SIZE: "file_size",
    SortField.WIDTH: "width",
    SortField.HEIGHT: "height",
}
WALK_SHARE = 8  # walk the cached catalog order when results exceed capacity / WALK_SHARE
BUILD_AFTER = 3  # large result sets asking for one order before it is made


def _name_ranks(index: SearchIndex, conn: Connection) -> np.ndarray:
    """Per asset, the rank of its primary file name in code-point order (NaN: none)."""
    cached = index.cache.get("name_ranks")
    if cached is None:
        names = index.term_index(conn, "names")
        vocab = np.array(names.vocab.names, dtype=str)
        rank = np.empty(len(vocab), float)
        rank[np.argsort(vocab, kind="stable")] = np.arange(len(vocab))
        first = names.first
        cached = np.full(index.capacity, np.nan)
        has = np.flatnonzero(first[: index.capacity] >= 0)
        cached[has] = rank[first[has]]
        index.cache["name_ranks"] = cached
    return cached


def sort_values(index: SearchIndex, conn: Connection, field: SortField) -> np.ndarray:
    """Per asset id, the value sorted on (NaN: none)."""
    if field is SortField.FILENAME:
        return _name_ranks(index, conn)
    return index.columns.floats[COLUMN_OF[field]]


def as_keys(values: np.ndarray, order: SortOrder) -> np.ndarray:
    """Keys whose ascending order is ``order`` over ``values``, missing values last."""
    keys = -values if order is SortOrder.DESC else values.copy()
    keys[np.isnan(keys)] = np.inf
    return keys


def _catalog_order(
    index: SearchIndex, values: np.ndarray, field: SortField, order: SortOrder
) -> np.ndarray | None:
    """The whole catalog in this order, cached; made (a full sort) only once a large
    result set has asked for it :data:`BUILD_AFTER` times since the field last changed."""
    version = (
        index.version
        if field is SortField.FILENAME
        else (index.columns.versions[COLUMN_OF[field]], len(index.present_ids()))
    )
    cache_key = ("order", field, order)
    cached = index.cache.get(cache_key)
    ranked: np.ndarray | None
    if cached is not None and cached[0] == version and cached[1] is not None:
        ranked = cached[1]
        return ranked
    asked = cached[2] + 1 if cached is not None and cached[0] == version else 1
    ranked = None
    if asked >= BUILD_AFTER:
        present = index.present_ids()
        keys = as_keys(values[present], order)
        ranked = present[np.lexsort((index.columns.hkey[present], keys))]
    index.cache[cache_key] = (version, ranked, asked)
    return ranked


def _top(rows: np.ndarray, keys: np.ndarray, hkey: np.ndarray, k: int) -> np.ndarray:
    """The first ``k`` of ``rows`` ordered by ``(keys, hkey)``."""
    if k < len(rows):
        kth = np.partition(keys, k - 1)[k - 1]
        less = np.flatnonzero(keys < kth)
        ties = np.flatnonzero(keys == kth)
        need = k - len(less)
        if need < len(ties):
            ties = ties[np.argpartition(hkey[ties], need - 1)[:need]]
        chosen = np.concatenate([less, ties])
        rows, keys, hkey = rows[chosen], keys[chosen], hkey[chosen]
    return rows[np.lexsort((hkey, keys))][:k]


def page(
    index: SearchIndex,
    conn: Connection,
    rows: np.ndarray,
    field: SortField,
    order: SortOrder,
    offset: int,
    limit: int,
) -> list[int]:
    """Ids of ``rows[offset:offset + limit]`` in the requested order."""
    k = offset + limit
    if not limit or offset >= len(rows):
        return []
    values = sort_values(index, conn, field)
    if len(rows) * WALK_SHARE > index.capacity and k < len(rows):
        ranked = _catalog_order(index, values, field, order)
        if ranked is not None:
            mask = np.zeros(index.capacity, bool)
            kernels.mark(mask, rows, True)
            page: list[int] = kernels.first_in_mask(ranked, mask, k)[offset:].tolist()
            return page
    top = _top(rows, as_keys(values[rows], order), index.columns.hkey[rows], k)
    found: list[int] = top[offset:].tolist()
    return found


def collapse_variants(
    index: SearchIndex, conn: Connection, rows: np.ndarray, field: SortField, order: SortOrder
) -> tuple[np.ndarray, dict[int, int]]:
    """``rows`` (sorted ids) with each variant group (assets of one variant key) folded
    into its first asset in the requested order, and the size of every kept asset's group
    by id (1 for an asset without a key)."""
    codes = index.columns.codes["variant"][rows]
    keyed = codes >= 0
    alone = rows[~keyed]
    sizes = dict.fromkeys(alone.tolist(), 1)
    if not keyed.any():
        return rows, sizes
    grouped = rows[keyed]
    ordered = np.asarray(page(index, conn, grouped, field, order, 0, len(grouped)), rows.dtype)
    _keys, first, counts = np.unique(
        index.columns.codes["variant"][ordered], return_index=True, return_counts=True
    )
    kept = ordered[first]
    sizes.update(zip(kept.tolist(), counts.tolist(), strict=True))
    return np.sort(np.concatenate([alone, kept])), sizes

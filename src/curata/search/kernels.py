"""Compiled loops the search index needs where numpy would allocate or sort.

Pure functions over arrays (numba, cached on disk after the first compile).
"""

from __future__ import annotations

import numba
import numpy as np

_JIT = {"cache": True, "nogil": True}


@numba.njit(**_JIT)
def count_terms(
    rows: np.ndarray, indptr: np.ndarray, terms: np.ndarray, skip: np.ndarray, counts: np.ndarray
) -> None:
    """``counts[t] += 1`` for each term ``t`` of each asset in ``rows`` (CSR by asset),
    leaving out assets flagged in ``skip``."""
    for i in range(rows.shape[0]):
        a = rows[i]
        if skip[a]:
            continue
        for j in range(indptr[a], indptr[a + 1]):
            counts[terms[j]] += 1


@numba.njit(**_JIT)
def group_by(keys: np.ndarray, values: np.ndarray, n_keys: int) -> tuple:
    """``(indptr, grouped)``: ``values`` grouped by ``keys`` (each below ``n_keys``) in
    compressed rows; a stable counting sort, so values keep their order within a key."""
    indptr = np.zeros(n_keys + 1, np.int64)
    for i in range(keys.shape[0]):
        indptr[keys[i] + 1] += 1
    for k in range(n_keys):
        indptr[k + 1] += indptr[k]
    fill = indptr[:-1].copy()
    out = np.empty(values.shape[0], np.int32)
    for i in range(keys.shape[0]):
        k = keys[i]
        out[fill[k]] = values[i]
        fill[k] += 1
    return indptr, out


@numba.njit(**_JIT)
def first_in_mask(order: np.ndarray, mask: np.ndarray, k: int) -> np.ndarray:
    """The first ``k`` entries of ``order`` whose asset is set in ``mask``."""
    out = np.empty(k, np.int32)
    n = 0
    for i in range(order.shape[0]):
        if n == k:
            break
        a = order[i]
        if mask[a]:
            out[n] = a
            n += 1
    return out[:n]


@numba.njit(**_JIT)
def mark(mask: np.ndarray, ids: np.ndarray, value: bool) -> None:
    for i in range(ids.shape[0]):
        mask[ids[i]] = value


@numba.njit(**_JIT)
def gather_rows(rows: np.ndarray, indptr: np.ndarray, terms: np.ndarray, skip: np.ndarray) -> tuple:
    """``(positions, terms)``: the terms of each asset in ``rows`` (CSR by asset), each
    with the position in ``rows`` of its asset; assets flagged in ``skip`` are left out."""
    total = 0
    for i in range(rows.shape[0]):
        a = rows[i]
        if not skip[a]:
            total += indptr[a + 1] - indptr[a]
    positions = np.empty(total, np.int64)
    out = np.empty(total, np.int32)
    k = 0
    for i in range(rows.shape[0]):
        a = rows[i]
        if skip[a]:
            continue
        for j in range(indptr[a], indptr[a + 1]):
            positions[k] = i
            out[k] = terms[j]
            k += 1
    return positions, out

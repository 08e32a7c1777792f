"""Compiled loops the search index needs where numpy would allocate or sort.

Pure functions over arrays (numba, cached on disk after the first compile).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np

_Kernel = TypeVar("_Kernel", bound=Callable[..., Any])


def _jit(fn: _Kernel) -> _Kernel:
    """``numba.njit`` (cached on disk, without the GIL); the kernel keeps its Python
    signature for the type checker (numba's dispatcher is untyped)."""
    return cast(_Kernel, numba.njit(cache=True, nogil=True)(fn))


@_jit
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


@_jit
def group_by(keys: np.ndarray, values: np.ndarray, n_keys: int) -> tuple[np.ndarray, np.ndarray]:
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


@_jit
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


@_jit
def mark(mask: np.ndarray, ids: np.ndarray, value: bool) -> None:
    for i in range(ids.shape[0]):
        mask[ids[i]] = value


@_jit
def gather_rows(
    rows: np.ndarray, indptr: np.ndarray, terms: np.ndarray, skip: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
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

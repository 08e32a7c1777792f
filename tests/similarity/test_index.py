"""The Hamming index returns exactly what the numpy brute force returns, on every path."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curata.similarity.bits import brute_knn, brute_range, distances
from curata.similarity.index import HammingIndex
from curata.similarity.plan import ChunkPlan
from tests.similarity.strategies import clustered_codes, query_near

PLANS = [None, *(ChunkPlan.even(m) for m in (3, 4, 5, 8))]


def _index(codes: np.ndarray, plan: ChunkPlan | None) -> HammingIndex:
    """``plan=None``: the linear scan; otherwise multi-index hashing with that plan."""
    return HammingIndex(codes, plan=plan, brute_limit=len(codes) + 1 if plan is None else 0)


def assert_same(hits: object, expected: tuple[np.ndarray, np.ndarray]) -> None:
    np.testing.assert_array_equal(hits.positions, expected[0])  # type: ignore[attr-defined]
    np.testing.assert_array_equal(hits.distances, expected[1])  # type: ignore[attr-defined]


@settings(max_examples=150, deadline=None)
@given(st.data(), clustered_codes(), st.sampled_from(PLANS), st.integers(0, 64))
def test_range_equals_brute_force(
    data: st.DataObject, codes: np.ndarray, plan: ChunkPlan | None, t: int
) -> None:
    index = _index(codes, plan)
    q = data.draw(query_near(codes))
    assert_same(index.range(q, t), brute_range(codes, q, t))


@settings(max_examples=60, deadline=None)
@given(st.data(), clustered_codes(), st.sampled_from(PLANS[1:]), st.integers(0, 24))
def test_batched_range_equals_single_queries(
    data: st.DataObject, codes: np.ndarray, plan: ChunkPlan, t: int
) -> None:
    index = _index(codes, plan)
    queries = data.draw(st.lists(query_near(codes), min_size=1, max_size=6))
    for q, hits in zip(queries, index.range_many(queries, t), strict=True):
        assert_same(hits, brute_range(codes, q, t))


@settings(max_examples=100, deadline=None)
@given(st.data(), clustered_codes(), st.sampled_from(PLANS), st.integers(1, 40))
def test_knn_equals_brute_force(
    data: st.DataObject, codes: np.ndarray, plan: ChunkPlan | None, k: int
) -> None:
    index = _index(codes, plan)
    q = data.draw(query_near(codes))
    assert_same(index.knn(q, k), brute_knn(codes, q, k))


@settings(max_examples=60, deadline=None)
@given(st.data(), clustered_codes(), st.sampled_from(PLANS), st.integers(0, 64))
def test_allowed_mask_restricts_results_exactly(
    data: st.DataObject, codes: np.ndarray, plan: ChunkPlan | None, t: int
) -> None:
    index = _index(codes, plan)
    allowed = np.array(data.draw(st.lists(st.booleans(), min_size=len(codes), max_size=len(codes))))
    q = data.draw(query_near(codes))
    pos, dist = brute_range(codes, q, t)
    keep = allowed[pos]
    assert_same(index.range(q, t, allowed), (pos[keep], dist[keep]))


def test_threshold_is_inclusive() -> None:
    base = 0x0123_4567_89AB_CDEF
    codes = np.array([base ^ ((1 << d) - 1) for d in range(0, 16)], dtype=np.uint64)
    index = HammingIndex(codes, plan=ChunkPlan.even(4), brute_limit=0)
    hits = index.range(base, 10)
    assert hits.distances.tolist() == list(range(11))
    assert hits.positions.tolist() == list(range(11))


def test_large_set_uses_multi_index_hashing_and_matches_brute_force() -> None:
    rng = np.random.default_rng(7)
    codes = rng.integers(0, 2**64, 200_000, dtype=np.uint64)
    planted = codes[:500] ^ np.uint64(0b1010_0000_0001)
    codes[-500:] = planted
    index = HammingIndex(codes)
    assert index.backend.startswith("mih")
    for q in [*codes[:20].tolist(), *rng.integers(0, 2**64, 20, dtype=np.uint64).tolist()]:
        for t in (0, 3, 10, 17):
            assert_same(index.range(q, t), brute_range(codes, q, t))
    np.testing.assert_array_equal(index.codes(), codes)


def test_signed_storage_values_are_accepted_as_their_unsigned_bits() -> None:
    signed = np.array([-1, -(2**63), 5], dtype=np.int64)
    index = HammingIndex(signed)
    assert index.range(2**64 - 1, 0).positions.tolist() == [0]
    assert index.range(2**63, 0).positions.tolist() == [1]


@pytest.mark.parametrize("t", [-1, 65])
def test_threshold_out_of_range_is_rejected(t: int) -> None:
    with pytest.raises(ValueError, match="threshold"):
        HammingIndex(np.zeros(3, dtype=np.uint64)).range(0, t)


def test_distances_match_python_bit_count() -> None:
    rng = np.random.default_rng(3)
    codes = rng.integers(0, 2**64, 100, dtype=np.uint64)
    q = int(rng.integers(0, 2**64, dtype=np.uint64))
    assert distances(codes, q).tolist() == [(int(c) ^ q).bit_count() for c in codes]

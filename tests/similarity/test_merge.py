"""Merging the hits of the 8 orientation queries: each asset once, at its best distance."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from curata.similarity.service import best_per_position

hit_lists = st.lists(
    st.dictionaries(st.integers(0, 30), st.integers(0, 64), max_size=12), min_size=1, max_size=8
)


@given(hit_lists)
def test_each_position_once_with_its_smallest_distance_and_first_orientation(
    per_orientation: list[dict[int, int]],
) -> None:
    hits = [
        (np.array(list(d), dtype=np.int64), np.array(list(d.values()), dtype=np.int64))
        for d in per_orientation
    ]
    pos, dist, rank = best_per_position(hits)
    expected: dict[int, tuple[int, int]] = {}
    for r, d in enumerate(per_orientation):
        for p, distance in d.items():
            if p not in expected or distance < expected[p][0]:
                expected[p] = (distance, r)
    want = sorted((d, p, r) for p, (d, r) in expected.items())
    assert list(zip(dist.tolist(), pos.tolist(), rank.tolist(), strict=True)) == want

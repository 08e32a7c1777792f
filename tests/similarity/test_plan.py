"""The pigeonhole plan: chunk layout, probe radii, and the guarantee they give."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curata.similarity.plan import ChunkPlan, ball, choose_plan


@pytest.mark.parametrize("m", [1, 3, 4, 5, 6, 7, 8, 16])
def test_even_chunks_cover_64_bits_without_overlap(m: int) -> None:
    plan = ChunkPlan.even(m)
    assert sum(plan.widths) == 64
    assert max(plan.widths) - min(plan.widths) <= 1
    covered = [b for s, w in zip(plan.shifts, plan.widths, strict=True) for b in range(s, s + w)]
    assert covered == list(range(64))


def test_ball_counts_keys_within_radius() -> None:
    for bits, radius in [(4, 0), (4, 1), (4, 2), (5, 5), (6, 3)]:
        brute = sum(1 for k in range(1 << bits) if k.bit_count() <= radius)
        assert ball(bits, radius) == brute
    assert ball(16, -1) == 0


@given(st.integers(3, 8), st.integers(0, 64), st.data())
def test_some_chunk_is_within_its_radius_whenever_the_codes_are_within_t(
    m: int, t: int, data: st.DataObject
) -> None:
    """Splitting t differing bits over the chunks always leaves one chunk within radius."""
    plan = ChunkPlan.even(m)
    radii = plan.radii(t)
    differing = data.draw(st.sets(st.integers(0, 63), max_size=t))
    per_chunk = [
        sum(1 for b in differing if s <= b < s + w)
        for s, w in zip(plan.shifts, plan.widths, strict=True)
    ]
    assert any(c <= r for c, r in zip(per_chunk, radii, strict=True))


def test_radii_are_tight_for_every_split_of_t_bits() -> None:
    """Lowering any radius breaks the guarantee for some distribution of the bits."""
    m, t = 4, 10
    radii = ChunkPlan.even(m).radii(t)
    for j in range(m):
        lowered = list(radii)
        lowered[j] -= 1
        splits = (c for c in itertools.product(range(t + 1), repeat=m) if sum(c) == t)
        assert any(all(c > r for c, r in zip(split, lowered, strict=True)) for split in splits)


@pytest.mark.parametrize("n", [1, 1_000, 1_000_000, 10_000_000, 100_000_000])
@pytest.mark.parametrize("t", [0, 5, 10, 20])
def test_chosen_plan_has_tables_that_fit_in_memory(n: int, t: int) -> None:
    plan = choose_plan(n, t)
    assert max(plan.widths) <= 22
    assert plan.query_cost(n, t) <= ChunkPlan.even(8).query_cost(n, t)

"""All pairs within a threshold and their components, against brute force."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from curata.similarity.bits import brute_pairs
from curata.similarity.join import choose_join_plan, join
from curata.similarity.plan import ChunkPlan
from tests.similarity.strategies import clustered_codes


def position_pairs(result: object, codes: np.ndarray) -> set[tuple[int, int]]:
    """Expand the join's pairs of distinct codes (plus copies) to pairs of positions."""
    members: dict[int, list[int]] = {}
    for pos, u in enumerate(result.inverse):  # type: ignore[attr-defined]
        members.setdefault(int(u), []).append(pos)
    out = set()
    for u, v in zip(result.pair_u, result.pair_v, strict=True):  # type: ignore[attr-defined]
        out.update((min(a, b), max(a, b)) for a in members[int(u)] for b in members[int(v)])
    for group in members.values():
        out.update((a, b) for i, a in enumerate(group) for b in group[i + 1 :])
    return out


def brute_labels(codes: np.ndarray, pairs: set[tuple[int, int]]) -> list[int]:
    """Component label (smallest member) of each position, by repeated relaxation."""
    labels = list(range(len(codes)))
    changed = True
    while changed:
        changed = False
        for a, b in pairs:
            low = min(labels[a], labels[b])
            if labels[a] != low or labels[b] != low:
                labels[a] = labels[b] = low
                changed = True
    return labels


PLANS = [None, *(ChunkPlan.even(m) for m in (3, 4, 5, 8))]


@settings(max_examples=150, deadline=None)
@given(
    clustered_codes(max_size=250),
    st.integers(0, 20),
    st.sampled_from([1, 2]),
    st.sampled_from(PLANS),
)
def test_join_finds_exactly_the_brute_force_pairs_and_components(
    codes: np.ndarray, t: int, threads: int, plan: ChunkPlan | None
) -> None:
    result = join(codes, t, threads=threads, keep_pairs=True, plan=plan)
    expected = brute_pairs(codes, t)
    got = position_pairs(result, codes)
    assert got == expected
    assert result.pair_count == len(expected)
    distinct = set(zip(result.pair_u.tolist(), result.pair_v.tolist(), strict=True))
    assert len(distinct) == len(result.pair_u)
    assert result.labels.tolist() == brute_labels(codes, expected)
    dist = np.bitwise_count(result.unique[result.pair_u] ^ result.unique[result.pair_v])
    np.testing.assert_array_equal(dist, result.pair_d)


def test_output_growth_keeps_every_pair() -> None:
    """Far more pairs than the kernel's first buffer: a tight cluster of 3000 codes."""
    rng = np.random.default_rng(11)
    base = np.uint64(0xDEAD_BEEF_0BAD_F00D)
    bits = rng.integers(0, 64, size=(3000, 3)).astype(np.uint64)
    codes = base ^ (np.uint64(1) << bits[:, 0]) ^ (np.uint64(1) << bits[:, 1])
    codes ^= np.uint64(1) << bits[:, 2]
    result = join(codes, 6, keep_pairs=True, plan=ChunkPlan.even(3))
    assert result.pair_count == len(brute_pairs(codes, 6)) == len(position_pairs(result, codes))
    assert len(result.groups()) == 1


@settings(max_examples=60, deadline=None)
@given(clustered_codes(max_size=250), st.integers(0, 20), st.sampled_from([1, 2]))
def test_grouping_without_pairs_gives_the_same_components_and_count(
    codes: np.ndarray, t: int, threads: int
) -> None:
    lean = join(codes, t, threads=threads)
    full = join(codes, t, keep_pairs=True)
    assert len(lean.pair_u) == 0
    assert lean.pair_count == full.pair_count
    np.testing.assert_array_equal(lean.labels, full.labels)


def test_groups_are_largest_first_and_cover_only_linked_positions() -> None:
    codes = np.array(
        [0b0, 0xFFFF_0000_0000_0000, 0b1, 0b11, 0xFFFF_0000_0000_0001, 0xF0F0_F0F0_F0F0_F0F0],
        dtype=np.uint64,
    )
    groups = join(codes, 1).groups()
    assert [g.tolist() for g in groups] == [[0, 2, 3], [1, 4]]


def test_chains_join_components_through_intermediate_codes() -> None:
    """0 - 3 bits - 6 bits: the ends are 6 apart but one component at t = 3."""
    codes = np.array([0, 0b111, 0b111111], dtype=np.uint64)
    assert join(codes, 3).labels.tolist() == [0, 0, 0]
    assert join(codes, 2).labels.tolist() == [0, 1, 2]


def test_copies_of_one_code_form_a_group_at_threshold_zero() -> None:
    codes = np.array([5, 9, 5, 5, 9 ^ (1 << 40)], dtype=np.uint64)
    groups = join(codes, 0).groups()
    assert [g.tolist() for g in groups] == [[0, 2, 3]]


def test_empty_and_single_code_sets() -> None:
    assert join(np.empty(0, dtype=np.uint64), 10).groups() == []
    single = join(np.array([42], dtype=np.uint64), 10)
    assert single.groups() == [] and single.pair_count == 0


def test_join_plan_uses_fewer_wider_chunks_only_for_very_large_sets() -> None:
    assert choose_join_plan(1_000_000, 10).m == 4
    assert choose_join_plan(10_000_000, 10).m == 4
    assert choose_join_plan(100_000_000, 10).m == 3

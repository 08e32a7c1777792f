"""Centred duplicate groups: a keeper and the members within t of it, never a chain."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from curata.similarity import groups as groups_mod
from curata.similarity.groups import centre_groups, low_detail, nearest_member
from curata.similarity.index import HammingIndex
from curata.similarity.join import join
from tests.similarity.strategies import clustered_codes


def grouped(codes: np.ndarray, rank: np.ndarray, t: int) -> groups_mod.Groups:
    return centre_groups(codes, join(codes, t).labels, rank, t)


def reference(codes: np.ndarray, rank: np.ndarray, t: int) -> dict[int, set[int]]:
    """The documented greedy, by brute force over all positions: best first, each
    unplaced position becomes a keeper of every unplaced one within t (same component)."""
    labels = join(codes, t).labels
    placed: dict[int, int] = {}
    out: dict[int, set[int]] = {}
    for p in sorted(range(len(codes)), key=lambda i: rank[i]):
        if p in placed:
            continue
        members = {
            q
            for q in range(len(codes))
            if q not in placed
            and labels[q] == labels[p]
            and int(codes[p] ^ codes[q]).bit_count() <= t
        }
        for q in members:
            placed[q] = p
        if len(members) > 1:
            out[p] = members
    return out


def check(codes: np.ndarray, rank: np.ndarray, t: int, groups: groups_mod.Groups) -> None:
    seen: set[int] = set()
    for g in range(len(groups)):
        members = groups.group(g)
        keeper = int(groups.keeper[g])
        assert members[0] == keeper and len(members) >= 2
        dist = np.bitwise_count(codes[members] ^ codes[keeper])
        assert dist.max() <= t  # the bound: nobody further than t from the keeper
        assert (np.diff(dist[1:]) >= 0).all()
        assert rank[keeper] == rank[members].min()  # the keeper is the best member
        assert not seen & set(members.tolist())
        seen |= set(members.tolist())
    sizes = np.diff(groups.starts)
    assert (np.diff(sizes) <= 0).all()  # largest first


@settings(max_examples=150, deadline=None)
@given(clustered_codes(max_size=200), st.integers(0, 16), st.integers(0, 2**32 - 1))
def test_no_member_is_further_than_t_from_its_keeper(codes: np.ndarray, t: int, seed: int) -> None:
    rank = np.random.default_rng(seed).permutation(len(codes))
    groups = grouped(codes, rank, t)
    check(codes, rank, t, groups)
    expected = reference(codes, rank, t)
    got = {int(groups.keeper[g]): set(groups.group(g).tolist()) for g in range(len(groups))}
    assert got == expected


def chain(length: int, step: int, seed: int) -> np.ndarray:
    """Codes each ``step`` bits from the previous one, drifting away from the first."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(64)
    code = int(rng.integers(0, 2**63))
    out = [code]
    for k in range(1, length):
        for bit in order[(k - 1) * step % 64 : (k - 1) * step % 64 + step]:
            code ^= 1 << int(bit)
        out.append(code)
    return np.array(out, dtype=np.uint64)


@settings(max_examples=80, deadline=None)
@given(st.integers(3, 40), st.integers(1, 6), st.integers(4, 12), st.integers(0, 2**32 - 1))
def test_adversarial_chains_are_cut(length: int, step: int, t: int, seed: int) -> None:
    codes = chain(length, step, seed)
    rng = np.random.default_rng(seed)
    for rank in (np.arange(length), np.arange(length)[::-1], rng.permutation(length)):
        groups = grouped(codes, rank, t)
        check(codes, rank, t, groups)
        assert all(
            np.bitwise_count(codes[groups.group(g)] ^ codes[groups.keeper[g]]).max() <= t
            for g in range(len(groups))
        )


def test_the_issues_chain_is_no_longer_one_group() -> None:
    """Union-find put A~B~C~D together: members 28 bits away at t=10."""
    codes = chain(8, 4, seed=3)  # 0, 4, 8, ..., 28 bits from the first
    assert int(codes[0] ^ codes[-1]).bit_count() == 28
    assert len(join(codes, 10).groups()) == 1  # the old grouping: one chained group
    groups = grouped(codes, np.arange(8), 10)
    assert [groups.group(g).tolist() for g in range(len(groups))] == [[0, 1, 2], [3, 4, 5], [6, 7]]


def test_big_components_use_the_index_and_agree(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(5)
    codes = np.concatenate([chain(60, 2, seed=s) for s in range(4)] + [chain(30, 1, seed=9)])
    rank = rng.permutation(len(codes))
    small = grouped(codes, rank, 8)
    monkeypatch.setattr(groups_mod, "BRUTE_LIMIT", 20)  # force the index path
    large = grouped(codes, rank, 8)
    check(codes, rank, 8, large)
    assert np.array_equal(small.members, large.members)
    assert np.array_equal(small.starts, large.starts)


def test_a_component_big_enough_to_probe_agrees_with_brute_force(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A random walk of 40,000 codes, 3 bits a step: one component of distinct codes,
    whose keepers find their members by probing multi-index tables (the numba kernel),
    as brute force does."""
    rng = np.random.default_rng(11)
    steps = np.zeros(40_000, dtype=np.uint64)
    for _ in range(3):
        steps ^= np.uint64(1) << rng.integers(0, 64, len(steps)).astype(np.uint64)
    codes = np.bitwise_xor.accumulate(steps)
    codes = codes[np.unique(codes, return_index=True)[1]]
    rank = rng.permutation(len(codes))
    assert len(join(codes, 10).groups()) == 1
    assert HammingIndex(codes).probed_tables(10) is not None  # the probing path is taken
    probed = grouped(codes, rank, 10)
    check(codes, rank, 10, probed)
    monkeypatch.setattr(groups_mod, "BRUTE_LIMIT", 10**9)  # every component by brute force
    brute = grouped(codes, rank, 10)
    assert np.array_equal(probed.members, brute.members)
    assert np.array_equal(probed.starts, brute.starts) and len(probed) > 1


def test_copies_of_one_hash_go_together_with_distance_zero() -> None:
    codes = np.array([5, 5, 5, 5 ^ 0b111, 0xFFFF_FFFF_0000_0000], dtype=np.uint64)
    groups = grouped(codes, np.array([3, 1, 2, 0, 4]), 4)
    assert len(groups) == 1
    assert groups.group(0).tolist() == [3, 0, 1, 2]
    assert nearest_member(codes[groups.group(0)]).tolist() == [3, 0, 0, 0]


def test_nearest_member_by_brute_force() -> None:
    rng = np.random.default_rng(1)
    codes = rng.integers(0, 2**64, 2500, dtype=np.uint64)
    got = nearest_member(codes)
    full = np.bitwise_count(codes[:, None] ^ codes[None, :]).astype(int)
    np.fill_diagonal(full, 65)
    assert np.array_equal(got, full.min(axis=1))


def test_low_detail_rule() -> None:
    codes = np.array(
        [
            0,
            0x8000000000000000,
            0xAA00000000000000,
            0x9FEE256238984D71,
            2**64 - 1,
            0x9FEE256238984D71,
        ],
        dtype=np.uint64,
    )
    tiny = np.array([False, False, False, False, False, True])
    assert low_detail(codes, tiny).tolist() == [True, True, True, False, True, True]

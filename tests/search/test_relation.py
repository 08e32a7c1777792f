"""Relations patched by updates behave exactly like ones built from scratch."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from curata.search.relation import Relation, contains, union

N_ASSETS = 12
N_TERMS = 6
LINKS = st.dictionaries(
    st.integers(0, N_ASSETS - 1), st.sets(st.integers(0, N_TERMS - 1)), max_size=N_ASSETS
)


def build(links: dict[int, set[int]]) -> Relation:
    pairs = sorted((a, t) for a, ts in links.items() for t in ts)
    assets = np.array([a for a, _ in pairs], np.int64)
    terms = np.array([t for _, t in pairs], np.int32)
    return Relation.from_pairs(N_ASSETS, assets, terms, N_TERMS)


def same(r: Relation, links: dict[int, set[int]]) -> None:
    for t in range(N_TERMS):
        expected = sorted(a for a, ts in links.items() if t in ts)
        assert r.posting(t).tolist() == expected
    assert r.sizes().tolist() == [sum(t in ts for ts in links.values()) for t in range(N_TERMS)]
    rows = np.arange(N_ASSETS, dtype=np.int32)
    counts = r.count(rows)
    assert counts.tolist() == r.sizes().tolist()
    some = rows[::2]
    assert r.count(some).tolist() == [
        sum(t in links.get(a, set()) for a in some.tolist()) for t in range(N_TERMS)
    ]
    for terms_wanted in ([0], [1, 2], list(range(N_TERMS))):
        expected = sorted(a for a, ts in links.items() if ts & set(terms_wanted))
        assert r.any_of(terms_wanted).tolist() == expected
    positions, terms = r.gather(some)
    got = sorted(zip(some[positions].tolist(), terms.tolist(), strict=True))
    assert got == sorted((a, t) for a in some.tolist() for t in links.get(a, set()))


@settings(max_examples=200, deadline=None)
@given(links=LINKS, changes=st.lists(LINKS, max_size=4))
def test_updates_equal_a_rebuild(
    links: dict[int, set[int]], changes: list[dict[int, set[int]]]
) -> None:
    r = build(links)
    same(r, links)
    current = {a: set(ts) for a, ts in links.items()}
    for change in changes:
        r.update({a: np.array(sorted(ts), np.int32) for a, ts in change.items()})
        current.update({a: set(ts) for a, ts in change.items()})
        same(r, current)


def test_growing_keeps_links_and_makes_room() -> None:
    r = build({1: {0, 2}, 3: {2}})
    r.grow(N_ASSETS + 5, N_TERMS + 2)
    r.update({N_ASSETS + 3: np.array([N_TERMS + 1], np.int32)})
    assert r.posting(N_TERMS + 1).tolist() == [N_ASSETS + 3]
    assert r.posting(2).tolist() == [1, 3]
    assert r.terms_of(N_ASSETS + 3).tolist() == [N_TERMS + 1]


def test_union_and_contains() -> None:
    a = np.array([1, 4, 9], np.int32)
    b = np.array([2, 4], np.int32)
    assert union([a, b]).tolist() == [1, 2, 4, 9]
    assert union([]).tolist() == []
    assert contains(a, np.array([0, 1, 4, 10], np.int32)).tolist() == [False, True, True, False]
    assert contains(np.zeros(0, np.int32), np.array([1], np.int32)).tolist() == [False]

"""The keeper rule: resolution, then rating, then file size, then age; never input order."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curata.similarity.keeper import Candidate, Copy, pick_copy, pick_keeper


def keeper_key(cands: list[Candidate]) -> str:
    return cands[pick_keeper(cands)[0]].key


SQUARE = {"width": 100, "height": 100}


@pytest.mark.parametrize(
    ("a", "b", "reason"),
    [
        (
            Candidate("a", 1000, 800),
            Candidate("b", 800, 600, rating=5, file_size=10**9),
            "higher resolution",
        ),
        (
            Candidate("a", **SQUARE, rating=3),
            Candidate("b", **SQUARE, rating=2, file_size=9),
            "higher rating",
        ),
        (
            Candidate("a", **SQUARE, rating=0),
            Candidate("b", **SQUARE, file_size=9),
            "higher rating",
        ),
        (
            Candidate("a", **SQUARE, file_size=9),
            Candidate("b", **SQUARE, file_size=8, created_at=1.0),
            "larger file",
        ),
        (
            Candidate("a", **SQUARE, file_size=9, created_at=5.0),
            Candidate("b", **SQUARE, file_size=9, created_at=6.0),
            "earliest",
        ),
        (Candidate("a", **SQUARE, created_at=5.0), Candidate("b", **SQUARE), "earliest"),
        (Candidate("a"), Candidate("b"), "smallest content hash (all else equal)"),
    ],
)
def test_each_criterion_decides_when_the_earlier_ones_tie(
    a: Candidate, b: Candidate, reason: str
) -> None:
    for pair in ([a, b], [b, a]):
        index, why = pick_keeper(pair)
        assert pair[index].key == "a" and why == reason


def test_unknown_dimensions_rank_below_known_ones() -> None:
    assert keeper_key([Candidate("a"), Candidate("b", 10, 10)]) == "b"


candidates = st.builds(
    Candidate,
    key=st.text("0123456789abcdef", min_size=4, max_size=4),
    width=st.none() | st.integers(1, 4),
    height=st.none() | st.integers(1, 4),
    rating=st.none() | st.integers(0, 5),
    file_size=st.integers(0, 3),
    created_at=st.none() | st.floats(0, 3),
)


@given(st.lists(candidates, min_size=1, max_size=6, unique_by=lambda c: c.key))
def test_choice_does_not_depend_on_input_order(cands: list[Candidate]) -> None:
    expected = keeper_key(cands)
    for perm in itertools.islice(itertools.permutations(cands), 24):
        assert keeper_key(list(perm)) == expected


@given(st.lists(candidates, min_size=1, max_size=6, unique_by=lambda c: c.key))
def test_keeper_is_at_least_as_good_as_every_member_on_the_first_criterion(
    cands: list[Candidate],
) -> None:
    best = cands[pick_keeper(cands)[0]]
    assert all(best.pixels >= c.pixels for c in cands)


def test_exact_copies_keep_the_earliest_modified_then_first_path() -> None:
    copies = [Copy("/b/x.jpg", 20.0), Copy("/a/x.jpg", 10.0), Copy("/c/x.jpg", 15.0)]
    assert pick_copy(copies) == (1, "same bytes; earliest modified")
    tie = [Copy("/b/x.jpg", 10.0), Copy("/a/x.jpg", 10.0)]
    assert pick_copy(tie) == (1, "same bytes and time; first path")


def test_empty_groups_are_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        pick_keeper([])
    with pytest.raises(ValueError, match="at least one"):
        pick_copy([])

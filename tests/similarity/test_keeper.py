"""The keeper rule: rating, metadata, original, resolution, size, age; never input order."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curata.similarity.keeper import (
    PHRASES,
    Candidate,
    Copy,
    check_order,
    derivatives,
    pick_copy,
    pick_keeper,
)


def keeper_key(cands: list[Candidate]) -> str:
    return cands[pick_keeper(cands)[0]].key


SQUARE = {"width": 100, "height": 100}


@pytest.mark.parametrize(
    ("a", "b", "reason"),
    [
        (
            Candidate("a", 800, 600, rating=5),
            Candidate("b", 1000, 800, rating=4, file_size=10**9, generation=True),
            "rating",
        ),
        (
            Candidate("a", **SQUARE, rating=0),
            Candidate("b", **SQUARE, file_size=9),
            "rating",
        ),
        (
            Candidate("a", 512, 512, generation=True, created_at=1.0),
            Candidate("b", 2048, 2048, file_size=10**7, created_at=0.5),
            "generation",
        ),
        (
            Candidate("a", 512, 512, file_size=10, created_at=1.0),
            Candidate("b", 2048, 2048, file_size=10**7, created_at=2.0),
            "original",
        ),
        (
            Candidate("a", 1000, 800, created_at=2.0, generation=True),
            Candidate("b", 800, 600, file_size=10**9, created_at=1.0, generation=True),
            "resolution",
        ),
        (
            Candidate("a", **SQUARE, file_size=9, generation=True, created_at=2.0),
            Candidate("b", **SQUARE, file_size=8, generation=True, created_at=1.0),
            "file_size",
        ),
        (
            Candidate("a", **SQUARE, file_size=9, created_at=5.0, generation=True),
            Candidate("b", **SQUARE, file_size=9, created_at=6.0, generation=True),
            "earliest",
        ),
        (Candidate("a"), Candidate("b"), "content_hash"),
    ],
)
def test_each_criterion_decides_when_the_earlier_ones_tie(
    a: Candidate, b: Candidate, reason: str
) -> None:
    for pair in ([a, b], [b, a]):
        index, why = pick_keeper(pair)
        assert pair[index].key == "a" and why == reason
        assert why in PHRASES


def test_the_original_with_its_prompt_beats_its_upscale() -> None:
    """The issue's case: an upscaled copy without metadata was suggested over the
    original carrying the prompt and seed (the old rule put resolution first)."""
    original = Candidate("orig", 512, 768, file_size=400_000, created_at=100.0, generation=True)
    upscale = Candidate("up", 2048, 3072, file_size=9_000_000, created_at=200.0)
    reencode = Candidate("jpg", 512, 768, file_size=90_000, created_at=300.0)
    for cands in itertools.permutations([original, upscale, reencode]):
        assert keeper_key(list(cands)) == "orig"
    # without metadata on either, the earlier and smaller one is the original
    assert pick_keeper([upscale, reencode, Candidate("first", 512, 768, created_at=1.0)]) == (
        2,
        "original",
    )


def test_derivative_is_later_and_at_least_as_large_without_metadata() -> None:
    cands = [
        Candidate("a", 10, 10, created_at=1.0),
        Candidate("b", 20, 20, created_at=2.0),  # later, larger: derivative
        Candidate("c", 5, 5, created_at=3.0),  # later but smaller: not a derivative
        Candidate("d", 20, 20, created_at=4.0, generation=True),  # has metadata
        Candidate("e", 10, 10, created_at=1.0),  # same time as a: neither derives
    ]
    assert derivatives(cands) == [False, True, False, False, False]


def test_the_order_is_configurable_and_checked() -> None:
    a = Candidate("a", 800, 600, rating=5)
    b = Candidate("b", 1000, 800, rating=4)
    assert pick_keeper([a, b], ("resolution", "rating")) == (1, "resolution")
    with pytest.raises(ValueError, match="unknown keeper criteria"):
        pick_keeper([a, b], ("sharpness",))
    with pytest.raises(ValueError, match="twice"):
        check_order(("rating", "rating"))


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
    generation=st.booleans(),
)


@given(st.lists(candidates, min_size=1, max_size=6, unique_by=lambda c: c.key))
def test_choice_does_not_depend_on_input_order(cands: list[Candidate]) -> None:
    expected = keeper_key(cands)
    for perm in itertools.islice(itertools.permutations(cands), 24):
        assert keeper_key(list(perm)) == expected


@given(st.lists(candidates, min_size=1, max_size=6, unique_by=lambda c: c.key))
def test_keeper_is_at_least_as_good_as_every_member_on_the_first_criteria(
    cands: list[Candidate],
) -> None:
    best = cands[pick_keeper(cands)[0]]
    top = max(c.rating if c.rating is not None else -1 for c in cands)
    assert (best.rating if best.rating is not None else -1) == top
    rated = [c for c in cands if (c.rating if c.rating is not None else -1) == top]
    assert best.generation == any(c.generation for c in rated)
    flags = derivatives(cands)
    tied = [i for i, c in enumerate(cands) if c in rated and c.generation == best.generation]
    assert not flags[cands.index(best)] or all(flags[i] for i in tied)


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

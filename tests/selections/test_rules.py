"""The pure rules: status transitions, costs and spend, recommendation scores, slugs."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curata.errors import InvalidRequest
from curata.models import Budget, SelectionStatus
from curata.selections.rules import (
    EXPORTABLE,
    TRANSITIONS,
    check_editable,
    check_exportable,
    check_transition,
    parse_cost,
    recommendation_score,
    spend,
    unique_slug,
)

S = SelectionStatus
ALLOWED = {
    (S.DRAFT, S.ACTIVE),
    (S.DRAFT, S.ARCHIVED),
    (S.ACTIVE, S.DRAFT),
    (S.ACTIVE, S.ARCHIVED),
    (S.EXPORTED, S.ACTIVE),
    (S.EXPORTED, S.ARCHIVED),
    (S.ARCHIVED, S.ACTIVE),
}


@pytest.mark.parametrize(("current", "target"), list(itertools.product(S, S)))
def test_every_transition(current: S, target: S) -> None:
    if (current, target) in ALLOWED:
        check_transition(current, target)
        assert target in TRANSITIONS[current]
    else:
        with pytest.raises(InvalidRequest) as exc:
            check_transition(current, target)
        assert exc.value.field == "status"


def test_exported_only_by_exporting_and_archived_is_read_only() -> None:
    assert all(S.EXPORTED not in targets for targets in TRANSITIONS.values())
    for status in S:
        if status is S.ARCHIVED:
            with pytest.raises(InvalidRequest):
                check_editable(status)
            with pytest.raises(InvalidRequest):
                check_exportable(status)
        else:
            check_editable(status)
            check_exportable(status)
            assert status in EXPORTABLE


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (0.04, 0.04),
        (3, 3.0),
        ("$0.10", 0.10),
        ("0,25 EUR", 0.25),
        ("1.5 credits", 1.5),
        (True, None),
        (None, None),
        (-1, None),
        ("free", None),
        ("1 to 2", None),
        (float("nan"), None),
        ({"usd": 1}, None),
    ],
)
def test_parse_cost(raw: object, expected: float | None) -> None:
    assert parse_cost(raw) == expected


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False), st.integers(0, 10**8))
def test_parse_cost_reads_numbers_and_money_text(value: float, cents: int) -> None:
    assert parse_cost(value) == value
    assert parse_cost(f"${cents / 100:.2f}") == pytest.approx(cents / 100)
    assert parse_cost(f"{cents / 100:.2f} USD".replace(".", ",")) == pytest.approx(cents / 100)


def test_spend_counts_known_costs_against_the_budget() -> None:
    out = spend([0.04, "$0.10", None, "n/a"], Budget(amount=1, currency="eur"))
    assert out.amount == pytest.approx(0.14)
    assert (out.assets, out.assets_with_cost, out.currency) == (4, 2, "EUR")
    assert out.remaining == pytest.approx(0.86)
    assert spend([], None).remaining is None


@given(
    st.integers(0, 64),
    st.integers(1, 500).flatmap(lambda n: st.tuples(st.just(n), st.integers(1, n))),
)
def test_recommendation_score_formula_and_bounds(distance: int, sizes: tuple[int, int]) -> None:
    size, count = sizes
    score = recommendation_score(distance, count, size)
    assert score == pytest.approx(0.7 * (1 - distance / 64) + 0.3 * count / size, abs=1e-6)
    assert 0 <= score <= 1
    if distance < 64:
        assert recommendation_score(distance + 1, count, size) < score
    if count < size:
        assert recommendation_score(distance, count + 1, size) > score


def test_recommendation_score_rejects_impossible_inputs() -> None:
    for args in ((65, 1, 1), (-1, 1, 1), (0, 2, 1), (0, 0, 0)):
        with pytest.raises(ValueError):
            recommendation_score(*args)
    assert recommendation_score(0, 1, 1) == 1.0


def test_unique_slug() -> None:
    assert unique_slug("a", set()) == "a"
    assert unique_slug("a", {"a", "a-2"}) == "a-3"

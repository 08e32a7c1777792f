"""The pure rules: status transitions, costs and spend, recommendation scores, slugs."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curata.errors import Conflict, InvalidRequest
from curata.models import Budget, SelectionStatus
from curata.selections.rules import (
    EXPORTABLE,
    TRANSITIONS,
    check_editable,
    check_exportable,
    check_transition,
    parse_money,
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
        if status is S.ARCHIVED:  # a state conflict (409): active again, it may be changed
            with pytest.raises(Conflict):
                check_editable(status)
            with pytest.raises(Conflict):
                check_exportable(status)
        else:
            check_editable(status)
            check_exportable(status)
            assert status in EXPORTABLE


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (0.04, (0.04, "USD")),
        (3, (3.0, "USD")),
        ("0.04", (0.04, "USD")),
        ("$0.10", (0.10, "USD")),
        ("$ 0.10", (0.10, "USD")),
        ("0,25 EUR", (0.25, "EUR")),
        ("0.25eur", (0.25, "EUR")),
        ("EUR 2", (2.0, "EUR")),
        ("€1,5", (1.5, "EUR")),
        ("0.04 USD", (0.04, "USD")),
        ("£2", (2.0, "GBP")),
        ("1e-2 USD", (0.01, "USD")),
        ({"amount": "0,5", "currency": "chf"}, (0.5, "CHF")),
        ({"amount": 2, "currency": "CHF"}, (2.0, "CHF")),
        ("1.5 credits", None),
        ("1,000.50 USD", None),
        ("1_000", None),
        ("\u0663 USD", None),
        ("-1 USD", None),
        (True, None),
        (None, None),
        (-1, None),
        ("free", None),
        ("1 to 2", None),
        (float("nan"), None),
        ({"usd": 1}, None),
        ({"amount": 1, "currency": "dollars"}, None),
    ],
)
def test_parse_money(raw: object, expected: tuple[float, str] | None) -> None:
    got = parse_money(raw, "USD")
    if expected is None:
        assert got is None
    else:
        assert got is not None and got[1] == expected[1]
        assert got[0] == pytest.approx(expected[0])


def test_plain_numbers_are_in_the_given_currency() -> None:
    assert parse_money(0.5, "EUR") == (0.5, "EUR")
    assert parse_money("0.5", "GBP") == (0.5, "GBP")
    assert parse_money("$0.5", "GBP") == (0.5, "USD")


codes = st.sampled_from(["USD", "EUR", "GBP", "JPY", "CHF"])
written = st.sampled_from(["{c} {n}", "{n} {c}", "{n}{c}", "{cl}{n}", "{n} {cl}"])


@given(st.lists(st.tuples(st.integers(0, 10**6), codes, written), max_size=30), codes)
def test_spend_sums_per_currency_never_mixed(
    costs: list[tuple[int, str, str]], budget_currency: str
) -> None:
    """However the costs are written, each currency's total is the sum of that
    currency's costs alone, and the remaining budget takes off only its own currency."""
    raw = [
        form.format(c=code, cl=code.lower(), n=f"{cents / 100:.2f}".replace(".", ","))
        if i % 2
        else form.format(c=code, cl=code.lower(), n=f"{cents / 100:.2f}")
        for i, (cents, code, form) in enumerate(costs)
    ]
    out = spend(raw, Budget(amount=100, currency=budget_currency), "USD")
    expected: dict[str, int] = {}
    for cents, code, _ in costs:
        expected[code] = expected.get(code, 0) + cents
    assert {t.currency: round(t.amount * 100) for t in out.totals} == expected
    assert [t.currency for t in out.totals] == sorted(expected)
    assert out.currency == budget_currency
    assert out.amount == pytest.approx(expected.get(budget_currency, 0) / 100)
    assert out.remaining == pytest.approx(100 - expected.get(budget_currency, 0) / 100)
    assert out.assets == out.assets_with_cost == len(costs)


def test_spend_counts_known_costs_against_the_budget() -> None:
    out = spend([0.04, "$0.10", None, "n/a", "0,25 EUR"], Budget(amount=1, currency="usd"), "USD")
    assert out.amount == pytest.approx(0.14)
    assert (out.assets, out.assets_with_cost, out.currency) == (5, 3, "USD")
    assert out.remaining == pytest.approx(0.86)
    assert [(t.currency, t.amount, t.assets) for t in out.totals] == [
        ("EUR", 0.25, 1),
        ("USD", 0.14, 2),
    ]
    none = spend([0.04], None, "EUR")
    assert none.remaining is None and none.currency == "EUR" and none.amount == 0.04


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

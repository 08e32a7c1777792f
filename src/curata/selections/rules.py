"""Pure rules of selections: status transitions, constraints, costs and spend (money per
currency), recommendation scores."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from curata.errors import Conflict, InvalidRequest
from curata.models.projects import Budget, CurrencyTotal, Spend
from curata.models.selections import SelectionStatus
from curata.numbers import parse_number

S = SelectionStatus

# Which status may follow which via ``set_status``. ``exported`` is reached only by a
# successful export (from draft, active or exported); an archived selection is read-only
# until it is made active again.
TRANSITIONS: dict[SelectionStatus, frozenset[SelectionStatus]] = {
    S.DRAFT: frozenset({S.ACTIVE, S.ARCHIVED}),
    S.ACTIVE: frozenset({S.DRAFT, S.ARCHIVED}),
    S.EXPORTED: frozenset({S.ACTIVE, S.ARCHIVED}),
    S.ARCHIVED: frozenset({S.ACTIVE}),
}
EXPORTABLE = frozenset({S.DRAFT, S.ACTIVE, S.EXPORTED})


def check_transition(current: SelectionStatus, target: SelectionStatus) -> None:
    """Raise ``InvalidRequest`` (field ``status``) unless ``current -> target`` is allowed."""
    if target in TRANSITIONS[current]:
        return
    if target is S.EXPORTED:
        reason = "a selection becomes exported only by exporting it (export_selection)"
    elif target is current:
        reason = f"the selection is already {current.value}"
    else:
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[current]))
        reason = f"cannot go from {current.value} to {target.value} (allowed: {allowed})"
    raise InvalidRequest(reason, field="status")


def check_editable(status: SelectionStatus) -> None:
    """An archived selection accepts only ``set_status`` (to make it active again)."""
    if status is S.ARCHIVED:
        raise Conflict(
            "the selection is archived; set its status to active before changing it",
            field="action",
        )


def check_exportable(status: SelectionStatus) -> None:
    if status not in EXPORTABLE:
        raise Conflict(
            f"an {status.value} selection cannot be exported; set its status to active first",
            field="selection_id",
        )


SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
_SYMBOL = "|".join(re.escape(c) for c in SYMBOLS)
_AMOUNT = r"\+?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?"
_MONEY = [
    re.compile(rf"(?P<cur>{_SYMBOL})\s*(?P<num>{_AMOUNT})"),
    re.compile(rf"(?P<num>{_AMOUNT})\s*(?P<cur>{_SYMBOL})"),
    re.compile(rf"(?P<cur>[A-Za-z]{{3}})\s*(?P<num>{_AMOUNT})"),
    re.compile(rf"(?P<num>{_AMOUNT})\s*(?P<cur>[A-Za-z]{{3}})"),
    re.compile(rf"(?P<num>{_AMOUNT})"),
]


def parse_money(value: Any, currency: str) -> tuple[float, str] | None:
    """A generation cost from metadata as ``(amount, currency)``; None when unreadable.

    - a number (not a boolean): an amount in ``currency`` (the project's);
    - text: an amount with an optional currency before or after it, spaces allowed
      between: a symbol (``$`` USD, ``€`` EUR, ``£`` GBP, ``¥`` JPY) or a three-letter
      ISO 4217 code in any case (``0.04 USD``, ``usd 0.04``, ``0,25 EUR``); without
      one, ``currency``. The amount is ASCII digits with one decimal point or comma
      (``0,25`` is 0.25; no thousands separators) and an optional exponent;
    - an object ``{"amount": ..., "currency": "EUR"}``.

    Negative or non-finite amounts and anything else (``"1.5 credits"``, ``"free"``)
    are unknown costs.
    """
    if isinstance(value, dict) and set(value) == {"amount", "currency"}:
        code = value["currency"]
        if not (isinstance(code, str) and re.fullmatch(r"[A-Za-z]{3}", code)):
            return None
        return parse_money(value["amount"], code.upper())
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    if isinstance(value, str):
        text = value.strip()
        match = next((m for m in (p.fullmatch(text) for p in _MONEY) if m), None)
        if match is None:
            return None
        code = match.groupdict().get("cur") or currency
        currency = SYMBOLS.get(code, code.upper())
        number = parse_number(match["num"].replace(",", "."))
    else:
        number = float(value)
    if number is None or not math.isfinite(number) or number < 0:
        return None
    return number, currency


def spend(raw_costs: Iterable[Any], budget: Budget | None, currency: str) -> Spend:
    """Sum the known costs of a set of assets (one raw cost per asset) per currency;
    plain numbers are in ``currency`` (the project's). The spend is reported in the
    budget's currency, else in ``currency``."""
    assets = 0
    sums: dict[str, float] = {}
    counts: dict[str, int] = {}
    for raw in raw_costs:
        assets += 1
        money = parse_money(raw, currency)
        if money is not None:
            amount, code = money
            sums[code] = sums.get(code, 0.0) + amount
            counts[code] = counts.get(code, 0) + 1
    shown = budget.currency if budget else currency
    amount = round(sums.get(shown, 0.0), 6)
    return Spend(
        amount=amount,
        currency=shown,
        totals=[
            CurrencyTotal(currency=c, amount=round(sums[c], 6), assets=counts[c])
            for c in sorted(sums)
        ],
        assets=assets,
        assets_with_cost=sum(counts.values()),
        budget=budget,
        remaining=None if budget is None else round(budget.amount - amount, 6),
    )


AssetFacts = tuple[str, int | None]  # media type, quality rating


def check_constraints(
    constraints: Mapping[str, Any], count: int, new: Sequence[AssetFacts]
) -> tuple[str, int | None, str] | None:
    """The first constraint a selection of ``count`` items breaks by taking the assets
    ``new``: ``(constraint, index in new or None, reason)``; None when all hold."""
    limit = constraints.get("max_items")
    if limit is not None and count + len(new) > limit:
        return "max_items", None, f"at most {limit} items; this would make {count + len(new)}"
    media_types = constraints.get("media_types")
    minimum = constraints.get("min_rating")
    for index, (media_type, rating) in enumerate(new):
        if media_types is not None and media_type not in media_types:
            allowed = ", ".join(media_types)
            return "media_types", index, f"only {allowed}; this asset is {media_type}"
        if minimum is not None and (rating is None or rating < minimum):
            shown = "unrated" if rating is None else f"rated {rating}"
            return "min_rating", index, f"only assets rated {minimum} or more; this one is {shown}"
    return None


MAX_DISTANCE = 64


def recommendation_score(min_distance: int, similar_count: int, selection_size: int) -> float:
    """``0.7 * (1 - min_distance / 64) + 0.3 * (similar_count / selection_size)``.

    ``min_distance``: the candidate's smallest Hamming distance to any item;
    ``similar_count``: items within the threshold; ``selection_size``: all items.
    """
    if not 0 <= min_distance <= MAX_DISTANCE:
        raise ValueError(f"min_distance must be 0-64, not {min_distance}")
    if selection_size <= 0 or not 0 <= similar_count <= selection_size:
        raise ValueError(f"similar_count {similar_count} out of 0..{selection_size}")
    closeness = 1 - min_distance / MAX_DISTANCE
    return round(0.7 * closeness + 0.3 * (similar_count / selection_size), 6)


def unique_slug(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``, ... whichever is not in ``taken``."""
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"

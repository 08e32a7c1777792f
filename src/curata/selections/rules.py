"""Pure rules of selections: status transitions, costs and spend, recommendation scores."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from curata.errors import InvalidRequest
from curata.models.projects import Budget, Spend
from curata.models.selections import SelectionStatus

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
        raise InvalidRequest(
            "the selection is archived; set its status to active before changing it",
            field="action",
        )


def check_exportable(status: SelectionStatus) -> None:
    if status not in EXPORTABLE:
        raise InvalidRequest(
            f"an {status.value} selection cannot be exported; set its status to active first",
            field="selection_id",
        )


_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?")


def parse_cost(value: Any) -> float | None:
    """A generation cost from metadata: a number, or text such as ``"$0.04"`` or
    ``"0,04 EUR"``. Negative, non-finite, boolean or unreadable values are unknown."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        found = _NUMBER.findall(value)
        if len(found) != 1:
            return None
        number = float(found[0].replace(",", "."))
    else:
        return None
    return number if math.isfinite(number) and number >= 0 else None


def spend(raw_costs: Iterable[Any], budget: Budget | None) -> Spend:
    """Sum the known costs of a set of assets (one raw cost per asset)."""
    assets = with_cost = 0
    total = 0.0
    for raw in raw_costs:
        assets += 1
        cost = parse_cost(raw)
        if cost is not None:
            with_cost += 1
            total += cost
    total = round(total, 6)
    return Spend(
        amount=total,
        currency=budget.currency if budget else None,
        assets=assets,
        assets_with_cost=with_cost,
        remaining=None if budget is None else round(budget.amount - total, 6),
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

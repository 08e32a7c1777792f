"""The suggested keeper of a duplicate group (pure; curata never deletes anything).

Near-duplicates (different files): the higher resolution (width x height) wins; then
the higher quality rating (unrated counts below 0); then the larger file; then the
earliest creation time (unknown counts as latest); then the smaller content hash, so
the choice never depends on input order.

Exact copies (one file at several paths): the bytes are the same, so only age tells
them apart: the earliest modification time, then the path.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Candidate:
    """What the rule compares for one near-duplicate."""

    key: str  # content hash: the final, unique tie-break
    width: int | None = None
    height: int | None = None
    rating: int | None = None
    file_size: int = 0
    created_at: float | None = None

    @property
    def pixels(self) -> int:
        return (self.width or 0) * (self.height or 0)


_CRITERIA = (
    ("higher resolution", lambda c: -c.pixels),
    ("higher rating", lambda c: -(c.rating if c.rating is not None else -1)),
    ("larger file", lambda c: -c.file_size),
    ("earliest", lambda c: c.created_at if c.created_at is not None else math.inf),
    ("smallest content hash (all else equal)", lambda c: c.key),
)


def _rank(c: Candidate) -> tuple[object, ...]:
    return tuple(fn(c) for _name, fn in _CRITERIA)


def pick_keeper(candidates: Sequence[Candidate]) -> tuple[int, str]:
    """Index of the suggested keeper and the criterion that decided it."""
    if not candidates:
        raise ValueError("a duplicate group has at least one member")
    order = sorted(range(len(candidates)), key=lambda i: _rank(candidates[i]))
    best = order[0]
    if len(order) == 1:
        return best, "only member"
    ranks = (_rank(candidates[best]), _rank(candidates[order[1]]))
    for position, (name, _fn) in enumerate(_CRITERIA):
        if ranks[0][position] != ranks[1][position]:
            return best, name
    return best, _CRITERIA[-1][0]


@dataclass(frozen=True)
class Copy:
    """One location of an exactly duplicated file."""

    path: str
    mtime: float


def pick_copy(copies: Sequence[Copy]) -> tuple[int, str]:
    """Index of the location to keep among exact copies, and why."""
    if not copies:
        raise ValueError("an exact-copy group has at least one location")
    order = sorted(range(len(copies)), key=lambda i: (copies[i].mtime, copies[i].path))
    best = order[0]
    if len(order) > 1 and copies[order[1]].mtime == copies[best].mtime:
        return best, "same bytes and time; first path"
    return best, "same bytes; earliest modified"

"""The keeper of a duplicate cluster: one rule, for duplicates and auto-selection alike.

The default order (:data:`DEFAULT_ORDER`) is what a creator would pick:

1. ``rating``: the higher quality rating (unrated counts below 0);
2. ``generation``: the copy that carries generation metadata (a prompt, a model, the
   tool that made it) over one that does not;
3. ``original``: the original over a derivative of it. A candidate is a *derivative*
   when it carries no generation metadata and another candidate of the cluster was
   created strictly earlier with at most as many pixels: it is an upscale or a
   re-encode of that one (larger or equal, but later, and without metadata);
4. ``resolution``: more pixels (width x height; unknown counts as 0);
5. ``file_size``: the larger file;
6. ``earliest``: the earlier creation time (unknown counts as latest);
7. the smaller content hash, always last, so the choice never depends on input order.

The first five can be reordered (``order``); the keeper is the first candidate when
the cluster is sorted by the criteria in that order, and the criterion that decided is
the first on which the keeper beats the runner-up.

Exact copies (one file at several paths) are the same bytes, so only age tells them
apart: the earliest modification time, then the path (:func:`pick_copy`).
curata never deletes anything: the keeper is a suggestion.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from curata.models.similarity import DEFAULT_KEEPER_ORDER

DEFAULT_ORDER = tuple(c.value for c in DEFAULT_KEEPER_ORDER)
CRITERIA = frozenset(DEFAULT_ORDER)
PHRASES = {
    "rating": "higher rating",
    "generation": "carries generation metadata",
    "original": "the original (the others are later, larger or equal copies without metadata)",
    "resolution": "higher resolution",
    "file_size": "larger file",
    "earliest": "earliest",
    "content_hash": "smallest content hash (all else equal)",
}


@dataclass(frozen=True)
class Candidate:
    """What the rule compares for one member of a cluster."""

    key: str  # content hash (or another unique name): the final tie-break
    width: int | None = None
    height: int | None = None
    rating: int | None = None
    file_size: int = 0
    created_at: float | None = None
    generation: bool = False  # carries generation metadata

    @property
    def pixels(self) -> int:
        return (self.width or 0) * (self.height or 0)

    @property
    def created(self) -> float:
        return self.created_at if self.created_at is not None else math.inf


def derivatives(candidates: Sequence[Candidate]) -> list[bool]:
    """Which candidates are derivatives of another one (see the module docstring)."""
    by_time = sorted(range(len(candidates)), key=lambda i: candidates[i].created)
    out = [False] * len(candidates)
    fewest = math.inf  # fewest pixels among candidates created strictly earlier
    pending: list[int] = []
    for i in by_time:
        if pending and candidates[pending[0]].created < candidates[i].created:
            fewest = min(fewest, *(candidates[j].pixels for j in pending))
            pending = []
        c = candidates[i]
        out[i] = not c.generation and fewest <= c.pixels
        pending.append(i)
    return out


_Key = Callable[[Candidate, bool], object]
_KEYS: dict[str, _Key] = {
    "rating": lambda c, _d: -(c.rating if c.rating is not None else -1),
    "generation": lambda c, _d: not c.generation,
    "original": lambda _c, d: d,
    "resolution": lambda c, _d: -c.pixels,
    "file_size": lambda c, _d: -c.file_size,
    "earliest": lambda c, _d: c.created,
    "content_hash": lambda c, _d: c.key,
}


def check_order(order: Sequence[str]) -> tuple[str, ...]:
    """``order`` as a tuple; unknown or repeated criteria are a ``ValueError``."""
    unknown = [name for name in order if name not in CRITERIA]
    if unknown:
        raise ValueError(f"unknown keeper criteria {unknown}; valid: {', '.join(DEFAULT_ORDER)}")
    if len(set(order)) != len(order):
        raise ValueError("a keeper criterion is listed twice")
    return tuple(order)


@dataclass(frozen=True)
class Ranking:
    """A cluster sorted by the rule: ``order[0]`` is the keeper."""

    order: list[int]
    keys: list[tuple[object, ...]]
    criteria: tuple[str, ...]

    def decided(self, winner: int, other: int) -> str:
        """The criterion on which ``winner`` beats ``other``."""
        for name, a, b in zip(self.criteria, self.keys[winner], self.keys[other], strict=True):
            if a != b:
                return name
        return "content_hash"


def rank(candidates: Sequence[Candidate], order: Sequence[str] = DEFAULT_ORDER) -> Ranking:
    """The candidates best first, by the criteria in ``order`` then the content hash."""
    criteria = (*check_order(order), "content_hash")
    flags = derivatives(candidates)
    keys = [
        tuple(_KEYS[name](c, d) for name in criteria)
        for c, d in zip(candidates, flags, strict=True)
    ]
    return Ranking(sorted(range(len(candidates)), key=keys.__getitem__), keys, criteria)


def pick_keeper(
    candidates: Sequence[Candidate], order: Sequence[str] = DEFAULT_ORDER
) -> tuple[int, str]:
    """Index of the keeper and the criterion that decided (a name of :data:`PHRASES`)."""
    if not candidates:
        raise ValueError("a duplicate group has at least one member")
    ranking = rank(candidates, order)
    best = ranking.order[0]
    if len(candidates) == 1:
        return best, "only member"
    return best, ranking.decided(best, ranking.order[1])


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

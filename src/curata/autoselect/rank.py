"""Ranking candidates by successive filtering (pure, O(n log n)).

DESIGN.md: the spec's pairwise comparator is not transitive (votes 10/14/20), so the
winner of a set is chosen by filtering it:

1. keep the best ``level`` (the tier; with a textless preference, textless first);
2. drop the candidates whose votes are significantly below the leader's (the most
   votes): ``2 * leader > 3 * votes`` (difference > 50% of the smaller); 0 = no votes,
   never dropped;
3. drop those whose resolution is significantly below the best left:
   ``10 * best > 11 * pixels`` (difference > 10%); 0 = unknown, never dropped;
4. keep the best provider priority (lower index);
5. take the smallest URL, then provider name (the stable key).

:func:`choose` is that, written out. The ranked list repeats the choice on what is
left (``ranked[k]`` is the winner of the candidates not ranked before it);
:func:`rank` computes it for every level in O(n log n): candidates enter the vote
window in one pass down the votes (the leader only falls, so the window only
widens), and the pick among those within 10% of the best resolution is a range
minimum over the candidates sorted by pixels (a segment tree keyed by the rank of
the stable key).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from heapq import heappop, heappush
from operator import attrgetter
from typing import NamedTuple

from curata.autoselect.rules import resolution_significantly_below, votes_significantly_below
from curata.models.autoselect import DecidedBy


class Entry(NamedTuple):
    """A candidate as the ranking sees it (immutable)."""

    # the caller's handle (position in its list); the field shadows tuple.index, which
    # the ranking never calls
    index: int  # type: ignore[assignment]
    level: int  # 2 * tier, + 1 for art with text when textless is preferred
    votes: int  # 0 = no votes
    pixels: int  # width * height, 0 = unknown
    priority: int  # provider's index in the order (lower is better)
    url: str
    provider: str

    @property
    def tier(self) -> int:
        return self.level >> 1


_KEY = attrgetter("priority", "url", "provider")


def _choose_in_level(pool: list[Entry]) -> Entry:
    """Steps 2-5 of the filtering, on a non-empty pool of one level."""
    if len(pool) > 1:
        leader = max([e.votes for e in pool])
        if leader:  # not votes_significantly_below, written out
            bar = 2 * leader
            pool = [e for e in pool if not e.votes or 3 * e.votes >= bar]
        top = max([e.pixels for e in pool])
        if top:  # not resolution_significantly_below, written out
            bar = 10 * top
            pool = [e for e in pool if not e.pixels or 11 * e.pixels >= bar]
    return pool[0] if len(pool) == 1 else min(pool, key=_KEY)


def choose(entries: Iterable[Entry]) -> Entry:
    """The winner of a non-empty set by successive filtering."""
    pool = entries if isinstance(entries, list) else list(entries)
    best = min([e.level for e in pool])
    return _choose_in_level([e for e in pool if e.level == best])


def choose_two(entries: list[Entry]) -> tuple[Entry, Entry | None]:
    """The winner of a non-empty list and the winner of the rest (None if alone): the
    first two of :func:`rank`, in O(n)."""
    best = min([e.level for e in entries])
    pool = [e for e in entries if e.level == best]
    first = _choose_in_level(pool)
    if len(pool) > 1:  # the runner-up is of the same level
        return first, _choose_in_level([e for e in pool if e is not first])
    rest = [e for e in entries if e is not first]
    return first, choose(rest) if rest else None


def rank(entries: Iterable[Entry]) -> list[Entry]:
    """Every entry, best first: the repeated :func:`choose` of what is left."""
    levels: dict[int, list[Entry]] = {}
    for e in entries:
        levels.setdefault(e.level, []).append(e)
    out: list[Entry] = []
    for level in sorted(levels):
        out += _rank_level(levels[level])
    return out


SMALL = 8
"""Up to this many in a level, the repeated :func:`choose` itself is the fastest."""


def _rank_level(items: list[Entry]) -> list[Entry]:
    """The repeated choice inside one level (the level filter keeps all of them)."""
    n = len(items)
    if n <= SMALL:
        left, out_small = list(items), []
        while left:
            out_small.append(choose(left))
            left.remove(out_small[-1])
        return out_small
    # Ids are ranks by the final tie-breakers: the smaller id wins among the eligible.
    by_key = sorted(items, key=_KEY)
    votes = [e.votes for e in by_key]
    pixels = [e.pixels for e in by_key]
    # One leaf per distinct known size (ascending), holding a heap of its active ids;
    # the segment tree above the leaves gives the smallest active id of a range.
    sizes = sorted(set(pixels) - {0})
    leaf_of = {px: leaf for leaf, px in enumerate(sizes)}
    limit = [11 * px for px in sizes]  # not resolution_significantly_below: 11 px >= 10 best
    size = 1 << max(len(sizes) - 1, 0).bit_length()
    inf = n
    tree = [inf] * (2 * size)
    leaves: list[list[int]] = [[] for _ in sizes]
    tallest: list[int] = []  # max-heap of non-empty leaves (negated, lazy)
    unsized: list[int] = []  # min-heap of active ids without a size (always eligible)

    def enter(i: int) -> None:
        px = pixels[i]
        if not px:
            heappush(unsized, i)
            return
        leaf = leaf_of[px]
        heap = leaves[leaf]
        if not heap:
            heappush(tallest, -leaf)
        heappush(heap, i)
        node = leaf + size
        while node and tree[node] > i:
            tree[node] = i
            node >>= 1

    voted = sorted((i for i in range(n) if votes[i]), key=votes.__getitem__, reverse=True)
    for i in range(n):
        if not votes[i]:
            enter(i)
    picked = [False] * n
    top = entered = 0
    end = 2 * size
    out: list[Entry] = []
    append = out.append
    for _ in range(n):
        while top < len(voted) and picked[voted[top]]:
            top += 1
        if top < len(voted):  # widen the vote window: not votes_significantly_below
            bar = 2 * votes[voted[top]]
            while entered < len(voted) and 3 * votes[voted[entered]] >= bar:
                enter(voted[entered])
                entered += 1
        while tallest and not leaves[-tallest[0]]:
            heappop(tallest)
        pick = unsized[0] if unsized else inf
        if tallest:  # the smallest id among those within 10% of the tallest
            node = bisect_left(limit, 10 * sizes[-tallest[0]]) + size
            top_node = end
            while node < top_node:
                if node & 1:
                    if tree[node] < pick:
                        pick = tree[node]
                    node += 1
                node >>= 1
                top_node >>= 1
        picked[pick] = True
        append(by_key[pick])
        px = pixels[pick]
        if not px:
            heappop(unsized)
            continue
        leaf = leaf_of[px]
        heap = leaves[leaf]
        heappop(heap)
        low = heap[0] if heap else inf
        node = leaf + size
        tree[node] = low
        while node > 1:
            sibling = tree[node ^ 1]
            if sibling < low:
                low = sibling
            node >>= 1
            if tree[node] == low:
                break
            tree[node] = low
    return out


def decided_by(ahead: Entry, after: Entry | None, alone: bool) -> DecidedBy:
    """The rule that puts ``ahead`` before ``after`` (the next in the ranked list)."""
    if after is None:
        return DecidedBy.ONLY if alone else DecidedBy.LAST
    if ahead.tier != after.tier:
        return DecidedBy.TIER
    if ahead.level != after.level:
        return DecidedBy.TEXTLESS
    if votes_significantly_below(after.votes, ahead.votes):
        return DecidedBy.VOTES
    if resolution_significantly_below(after.pixels, ahead.pixels):
        return DecidedBy.RESOLUTION
    if ahead.priority != after.priority:
        return DecidedBy.PROVIDER
    return DecidedBy.KEY


def deciding_rules(ranked: Sequence[Entry]) -> list[DecidedBy]:
    """:func:`decided_by` of each entry of a ranked list against the next."""
    last = len(ranked) - 1
    return [
        decided_by(e, ranked[i + 1] if i < last else None, last == 0) for i, e in enumerate(ranked)
    ]

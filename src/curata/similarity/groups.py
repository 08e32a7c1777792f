"""Duplicate groups with a centre (pure): a keeper and the members within t of it.

Connected components of "within t" chain: A~B~C~D puts A and D together however far
apart they are. Here a group is a *keeper* and the members whose pHash is within t
of the keeper's, so no member is more than t from its keeper and no two members are
more than 2t apart (triangle inequality). This is a greedy centre clustering (leader
clustering): a star, not a clique, because a clique cover (every pair within t) is
NP-hard to find and would split obvious duplicates that are within t of the best copy
but 11 bits from each other.

How the centres are chosen: the components of "within t" are found first
(:func:`curata.similarity.join.join`: labels only, no pairs kept); inside each component the
candidates are taken best first by the keeper rule (``rank``: lower is better); the
best one not yet placed becomes a keeper and takes every unplaced candidate within t
of it. So a keeper is always the best member of its group, and a candidate joins the
best keeper that wants it. A candidate left alone (all its neighbours were taken by
better keepers) is in no group. Work is done per distinct code (copies of one hash
go together), by brute force inside a component of up to :data:`BRUTE_LIMIT` distinct
codes and with a Hamming index above that.

Low-detail images (:func:`low_detail`) are left out before any of this.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from curata.similarity.bits import check_threshold, popcount64
from curata.similarity.index import HammingIndex
from curata.similarity.mih import _chunk_mask, _grow, _seen_before

BRUTE_LIMIT = 4096
# The low-detail rule (see low_detail).
MIN_SPREAD, MAX_SPREAD = 16, 48
MIN_EDGE = 8


def low_detail(codes: np.ndarray, tiny: np.ndarray) -> np.ndarray:
    """Which images carry too little information for their pHash to mean anything.

    A pHash bit says whether one of the 64 low-frequency DCT coefficients of the
    reduced image is above their median, so a detailed image has 32 bits set (the
    median splits 64 distinct values in half). A flat, near-uniform or smooth image
    has almost all those coefficients equal (zero), few of them exceed the median and
    the hash is nearly 0: solid colours, 1x1 crops and black frames all hash to
    ``8000000000000000`` or close. The rule: fewer than 16 or more than 48 bits set
    (:data:`MIN_SPREAD`, :data:`MAX_SPREAD`), or ``tiny``: an image narrower or lower
    than :data:`MIN_EDGE` pixels (fewer pixels than the hash has cells). Such images
    are never near-duplicates of each other, only exact or same-pixels copies.
    """
    spread = np.bitwise_count(np.asarray(codes, dtype=np.uint64))
    return (spread < MIN_SPREAD) | (spread > MAX_SPREAD) | tiny


@njit(cache=True, nogil=True)
def _centre_small(codes, starts, t, centre):  # type: ignore[no-untyped-def]
    """Greedy centres inside each segment ``starts[k]:starts[k+1]`` of ``codes`` (best
    first); ``centre[i]`` becomes the index of the keeper code that took ``i``."""
    for k in range(starts.shape[0] - 1):
        a, b = starts[k], starts[k + 1]
        for i in range(a, b):
            centre[i] = -1
        for i in range(a, b):
            if centre[i] != -1:
                continue
            centre[i] = i
            ci = codes[i]
            for j in range(i + 1, b):
                if centre[j] == -1 and popcount64(ci ^ codes[j]) <= t:
                    centre[j] = i


@njit(cache=True, nogil=True)
def _take_out(p, code, tcodes, order, bases, shifts, widths, live, where):  # type: ignore[no-untyped-def]
    """Move position ``p`` past the live end of its bucket in every table."""
    for j in range(shifts.shape[0]):
        slot = bases[j] + np.int64((code >> np.uint64(shifts[j])) & _chunk_mask(widths[j]))
        s = where[j, p]
        last = live[slot] - 1
        other = order[j, last]
        tcodes[j, s], tcodes[j, last] = tcodes[j, last], tcodes[j, s]
        order[j, s] = other
        order[j, last] = p
        where[j, other] = s
        where[j, p] = last
        live[slot] = last


@njit(cache=True, nogil=True)
def _centre_probed(  # type: ignore[no-untyped-def]
    codes, t, centre, tcodes, order, offsets, bases, shifts, widths, radii, masks, mask_start
):
    """The same greedy for one big component (``codes`` best first), each keeper's
    neighbours found by probing the component's multi-index tables.

    A placed code is taken out of every table (swapped past the live end of its bucket),
    so a keeper's probe reads only codes still free: in a dense component most of each
    neighbourhood is already placed. The tables are this kernel's to take apart."""
    live = np.empty(offsets.shape[0], dtype=np.int64)  # live end of every bucket
    for x in range(offsets.shape[0] - 1):
        live[x] = offsets[x + 1]
    where = np.empty(tcodes.shape, dtype=np.int64)  # where each position is in each table
    for j in range(tcodes.shape[0]):
        for s in range(tcodes.shape[1]):
            where[j, order[j, s]] = s
    found = np.empty(64, dtype=np.int64)
    for i in range(codes.shape[0]):
        centre[i] = -1
    for i in range(codes.shape[0]):
        if centre[i] != -1:
            continue
        q = codes[i]
        n = 0
        for j in range(shifts.shape[0]):
            base = bases[j]
            key0 = np.int64((q >> np.uint64(shifts[j])) & _chunk_mask(widths[j]))
            for mi in range(mask_start[j], mask_start[j + 1]):
                key = key0 ^ masks[mi]
                for s in range(offsets[base + key], live[base + key]):
                    x = tcodes[j, s] ^ q
                    if popcount64(x) <= t and not _seen_before(x, j, shifts, widths, radii):
                        if n == found.shape[0]:
                            found = _grow(found, n + 1)
                        found[n] = order[j, s]
                        n += 1
        for k in range(n):  # i itself among them (distance 0)
            p = found[k]
            centre[p] = i
            _take_out(p, codes[p], tcodes, order, bases, shifts, widths, live, where)


def _centre_large(codes: np.ndarray, t: int, centre: np.ndarray) -> None:
    """The greedy for one big component: with an index of its own when probing pays,
    else by brute force as for small ones."""
    tables = HammingIndex(codes).probed_tables(t)
    if tables is None:
        _centre_small(codes, np.array([0, len(codes)], np.int64), np.int64(t), centre)
    else:
        _centre_probed(codes, np.int64(t), centre, *tables.kernel_args(t))


@dataclass
class Groups:
    """Groups of positions: ``keeper[g]`` and ``members[starts[g]:starts[g+1]]`` (the
    keeper first, then by distance to it, then position), largest group first."""

    keeper: np.ndarray
    starts: np.ndarray
    members: np.ndarray

    def __len__(self) -> int:
        return len(self.keeper)

    def group(self, g: int) -> np.ndarray:
        return self.members[self.starts[g] : self.starts[g + 1]]


def centre_groups(codes: np.ndarray, labels: np.ndarray, rank: np.ndarray, t: int) -> Groups:
    """Centred groups inside the components ``labels`` (as :class:`JoinResult` gives them);
    ``rank`` orders the positions best first (lower is better, unique)."""
    t = check_threshold(t)
    codes = np.asarray(codes, dtype=np.uint64)
    sizes = np.bincount(labels, minlength=len(codes))
    pos = np.flatnonzero(sizes[labels] > 1)
    empty = np.empty(0, dtype=np.int64)
    if not len(pos):
        return Groups(empty, np.zeros(1, dtype=np.int64), empty)
    pos = pos[np.lexsort((rank[pos], labels[pos]))]
    # One entry per distinct code: its best position (codes never span components).
    unique, first, code_of = np.unique(codes[pos], return_index=True, return_inverse=True)
    reps = np.sort(first)  # indexes into pos, still by (component, rank)
    slot = np.empty(len(unique), dtype=np.int64)
    slot[code_of[reps]] = np.arange(len(reps))
    rep_codes = codes[pos[reps]]
    rep_labels = labels[pos[reps]]
    starts = np.flatnonzero(np.r_[True, rep_labels[1:] != rep_labels[:-1], True])
    centre = np.empty(len(reps), dtype=np.int64)
    seg = np.diff(starts)
    small = seg <= BRUTE_LIMIT
    bounds = np.stack([starts[:-1], starts[1:]], axis=1)
    if small.all():
        _centre_small(rep_codes, starts.astype(np.int64), np.int64(t), centre)
    else:
        for a, b in bounds[small]:
            _centre_small(rep_codes, np.array([a, b], np.int64), np.int64(t), centre)
        for a, b in bounds[~small]:
            part = np.empty(b - a, dtype=np.int64)
            _centre_large(rep_codes[a:b], t, part)
            centre[a:b] = part + a
    group_rep = centre[slot[code_of]]  # per entry of pos: the keeper's rep index
    keeper_pos = pos[reps[group_rep]]
    counts = np.bincount(group_rep, minlength=len(reps))
    real = counts[group_rep] > 1
    pos, keeper_pos, group_rep = pos[real], keeper_pos[real], group_rep[real]
    dist = np.bitwise_count(codes[pos] ^ codes[keeper_pos]).astype(np.int64)
    not_keeper = pos != keeper_pos
    size = counts[group_rep]
    order = np.lexsort((pos, dist, not_keeper, keeper_pos, -size))
    members = pos[order]
    owner = keeper_pos[order]
    cut = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    return Groups(owner[cut], np.r_[cut, len(members)].astype(np.int64), members)


def nearest_member(codes: np.ndarray) -> np.ndarray:
    """For each code of a group, the distance to the nearest other member (0 for copies)."""
    codes = np.asarray(codes, dtype=np.uint64)
    if len(codes) < 2:
        return np.zeros(len(codes), dtype=np.int64)
    unique, inverse, counts = np.unique(codes, return_inverse=True, return_counts=True)
    best = np.full(len(unique), 65, dtype=np.int64)
    for start in range(0, len(unique), 1024):
        block = np.bitwise_count(unique[start : start + 1024, None] ^ unique[None, :]).astype(
            np.int64
        )
        np.fill_diagonal(block[:, start:], 65)
        best[start : start + 1024] = block.min(axis=1)
    best[counts > 1] = 0
    return best[inverse.ravel()]

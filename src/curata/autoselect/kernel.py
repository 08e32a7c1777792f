"""The selection kernel: tiers, filters and ranking by successive filtering (numba).

One call handles every asset type of a ``select_best_assets`` call. Candidates come
as rows of an ``int64`` matrix (columns below); per asset type ("group") the kernel
marks what cannot be selected, computes each candidate's tier and level, and ranks
the rest by repeating the choice:

1. keep the best level (tier; for textless types, textless before art with text);
2. drop candidates whose votes are significantly below the leader's (most votes):
   ``leader - v > v / 2``, i.e. ``2 * leader > 3 * v``;
3. drop those whose resolution is significantly below the best:
   ``best - r > r / 10``, i.e. ``10 * best > 11 * r``;
4. keep the best provider priority (lower is better);
5. take the smallest stable key (rank of (url, provider)).

A candidate without votes (0) or without a size (0) is never "significantly below"
anyone: the spec's comparator skips those comparisons. Each step is a function of
the set, so neither the winner nor the ranking depends on input order, unlike a sort
with the spec's pairwise comparator, which is not transitive (votes 10, 14, 20).

The same function runs as plain Python when numba's JIT is disabled
(``NUMBA_DISABLE_JIT=1``), which the test-suite can use to cross-check.
"""

from __future__ import annotations

import numpy as np
from numba import njit

# Columns of the candidate matrix.
C_GROUP, C_LANG, C_HD, C_VOTES, C_WIDTH, C_HEIGHT, C_PROVIDER = range(7)
N_COLUMNS = 7

# Language codes in C_LANG: the spec's classes, then fallback languages 3, 4, ...
L_EXACT, L_NEUTRAL, L_OTHER, L_FALLBACK = 0, 1, 2, 3  # select._L_FALLBACK mirrors the 3

# Candidate status (input: set by the caller; output: also the kernel's own skips).
OK, EXISTING, DUPLICATE, BELOW_MINIMUM, DISABLED, LOCKED = range(6)

# Group flags.
F_TEXTLESS, F_LOCKED = 1, 2

# The step that decided a choice.
ALONE, BY_VOTES, BY_RESOLUTION, BY_PRIORITY, BY_KEY = range(5)


@njit(cache=True, nogil=True)
def _choose(rem, k, level, votes, pixels, prio, keyrank, pool):  # pragma: no cover - jit
    """Index (into ``rem``) of the winner among ``rem[:k]`` and the deciding step."""
    if k == 1:
        return 0, ALONE
    best = level[rem[0]]
    for j in range(1, k):
        if level[rem[j]] < best:
            best = level[rem[j]]
    m = 0
    for j in range(k):
        if level[rem[j]] == best:
            pool[m] = j
            m += 1
    if m == 1:
        return pool[0], ALONE
    leader = 0
    for j in range(m):
        if votes[rem[pool[j]]] > leader:
            leader = votes[rem[pool[j]]]
    if leader > 0:
        kept = 0
        for j in range(m):
            v = votes[rem[pool[j]]]
            if v == 0 or 2 * leader <= 3 * v:
                pool[kept] = pool[j]
                kept += 1
        m = kept
        if m == 1:
            return pool[0], BY_VOTES
    top = 0
    for j in range(m):
        if pixels[rem[pool[j]]] > top:
            top = pixels[rem[pool[j]]]
    if top > 0:
        kept = 0
        for j in range(m):
            r = pixels[rem[pool[j]]]
            if r == 0 or 10 * top <= 11 * r:
                pool[kept] = pool[j]
                kept += 1
        m = kept
        if m == 1:
            return pool[0], BY_RESOLUTION
    first = prio[rem[pool[0]]]
    for j in range(1, m):
        if prio[rem[pool[j]]] < first:
            first = prio[rem[pool[j]]]
    kept = 0
    for j in range(m):
        if prio[rem[pool[j]]] == first:
            pool[kept] = pool[j]
            kept += 1
    m = kept
    if m == 1:
        return pool[0], BY_PRIORITY
    winner = pool[0]
    for j in range(1, m):
        if keyrank[rem[pool[j]]] < keyrank[rem[winner]]:
            winner = pool[j]
    return winner, BY_KEY


@njit(cache=True, nogil=True)
def rank_groups(
    data, status, keyrank, group_prio, flags, min_width, min_height, full
):  # pragma: no cover - jit
    """Rank every group of a call.

    ``data``: (n, N_COLUMNS) int64; ``status``: (n,) int64, updated in place with
    DISABLED / LOCKED / BELOW_MINIMUM; ``keyrank``: (n,) stable key order;
    ``group_prio``: (groups, providers) priority, negative = disabled; ``flags``,
    ``min_width``, ``min_height``: per group. ``full``: rank everything (else only
    the winner of each group).

    Returns ``tier``, ``level`` (per candidate), ``order`` and ``steps`` (ranked
    candidate indices and the deciding step, group after group), ``start`` and
    ``count`` (per group, into ``order``) and ``fallback`` (per group: the fallback
    language code that counted as preferred, or -1).
    """
    n = data.shape[0]
    n_groups = flags.shape[0]
    tier = np.empty(n, np.int64)
    level = np.empty(n, np.int64)
    votes = np.empty(n, np.int64)
    pixels = np.empty(n, np.int64)
    prio = np.empty(n, np.int64)
    has_preferred = np.zeros(n_groups, np.bool_)
    best_fallback = np.full(n_groups, 1 << 40, np.int64)
    for i in range(n):
        g = data[i, C_GROUP]
        votes[i] = data[i, C_VOTES]
        pixels[i] = data[i, C_WIDTH] * data[i, C_HEIGHT]
        prio[i] = group_prio[g, data[i, C_PROVIDER]]
        if status[i] != OK:
            continue
        if flags[g] & F_LOCKED:
            status[i] = LOCKED
            continue
        if prio[i] < 0:
            status[i] = DISABLED
            continue
        w = data[i, C_WIDTH]
        h = data[i, C_HEIGHT]
        if (w > 0 and w < min_width[g]) or (h > 0 and h < min_height[g]):
            status[i] = BELOW_MINIMUM
            continue
        code = data[i, C_LANG]
        if code < L_OTHER:
            has_preferred[g] = True
        elif code >= L_FALLBACK and code < best_fallback[g]:
            best_fallback[g] = code
    fallback = np.full(n_groups, -1, np.int64)
    for g in range(n_groups):
        if not has_preferred[g] and best_fallback[g] < (1 << 40):
            fallback[g] = best_fallback[g]
    count = np.zeros(n_groups, np.int64)
    for i in range(n):
        g = data[i, C_GROUP]
        code = data[i, C_LANG]
        preferred = code < L_OTHER or code == fallback[g]
        hd = data[i, C_HD] != 0
        t = (1 if hd else 2) if preferred else (3 if hd else 4)
        tier[i] = t
        textful = 1 if (flags[g] & F_TEXTLESS) and code != L_NEUTRAL else 0
        level[i] = 2 * t + textful
        if status[i] == OK:
            count[g] += 1
    start = np.zeros(n_groups, np.int64)
    total = 0
    for g in range(n_groups):
        start[g] = total
        total += count[g]
    members = np.empty(total, np.int64)
    fill = start.copy()
    for i in range(n):
        if status[i] == OK:
            g = data[i, C_GROUP]
            members[fill[g]] = i
            fill[g] += 1
    order = np.empty(total, np.int64)
    steps = np.empty(total, np.int64)
    pool = np.empty(max(total, 1), np.int64)
    for g in range(n_groups):
        k = count[g]
        if k == 0:
            continue
        s = start[g]
        rem = members[s : s + k].copy()
        rounds = k if full else 1
        for r in range(rounds):
            j, step = _choose(rem, k - r, level, votes, pixels, prio, keyrank, pool)
            order[s + r] = rem[j]
            steps[s + r] = step
            rem[j] = rem[k - r - 1]
        if not full:
            count[g] = 1
    return tier, level, order, steps, start, count, fallback


def empty_matrix(n: int) -> np.ndarray:
    return np.zeros((n, N_COLUMNS), np.int64)

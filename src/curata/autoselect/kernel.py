"""The selection kernel: tiers, skips and ranking by successive filtering (numba).

One call handles every asset type ("group") of a ``select_best_assets`` call. The
candidates are rows of an ``int64`` matrix (:mod:`curata.autoselect.rows`); per group
the kernel marks what cannot be selected, computes each candidate's tier and level,
and ranks the rest by repeating the choice:

1. keep the best level (tier; for textless types, textless before art with text);
2. drop candidates whose votes are significantly below the leader's (most votes):
   ``leader - v > v / 2``, i.e. ``2 * leader > 3 * v``;
3. drop those whose resolution is significantly below the best:
   ``best - r > r / 10``, i.e. ``10 * best > 11 * r``;
4. keep the best provider priority (lower is better);
5. take the smallest stable key.

A candidate without votes (0) or without a size (0) is never "significantly below"
anyone: the spec's comparator skips those comparisons. Each step is a function of the
set, so neither the winner nor the ranking depends on input order, unlike a sort with
the spec's pairwise comparator, which is not transitive (votes 10, 14, 20).

The kernel also flags, per group, candidates that may be exact duplicates (same URL
key and provider, same size and file size, same pHash) and ties on the stable key, so
that the caller can settle those (rare) cases with the full data and run it again.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from curata.autoselect.rows import (
    C_FLAGS,
    C_FSIZE,
    C_GROUP,
    C_HD,
    C_HEIGHT,
    C_KEY,
    C_LANG,
    C_PHASH,
    C_VOTES,
    C_WIDTH,
    F_HAS_PHASH,
    F_HAS_SIZE,
)

# Language codes (per language id, for one call): the spec's classes, then fallbacks.
L_EXACT, L_NEUTRAL, L_OTHER, L_FALLBACK = 0, 1, 2, 3

# Candidate status (input: set by the caller; output: also the kernel's own skips).
OK, EXISTING, DUPLICATE, BELOW_MINIMUM, DISABLED, LOCKED = range(6)

# Group table columns and flags.
G_FLAGS, G_MIN_WIDTH, G_MIN_HEIGHT = range(3)
F_TEXTLESS, F_LOCKED = 1, 2

# The step that decided a choice.
ALONE, BY_VOTES, BY_RESOLUTION, BY_PRIORITY, BY_KEY = range(5)


def layout(n: int, groups: int) -> dict[str, slice]:
    """Where each result lives in the kernel's single output array."""
    parts = {}
    at = 0
    for name, size in (
        ("order", n),
        ("steps", n),
        ("tier", n),
        ("provider", n),
        ("start", groups),
        ("count", groups),
        ("fallback", groups),
        ("maybe_duplicates", groups),
        ("key_tie", 1),
    ):
        parts[name] = slice(at, at + size)
        at += size
    return parts


@njit(cache=True, nogil=True, inline="always")
def _keep_close(rem, pool, m, values, a, b):  # pragma: no cover - jit
    """Keep in ``pool[:m]`` the candidates not significantly below the best value:
    ``a * best <= b * v`` (or v unknown, 0). Returns the new ``m``; unchanged if no value."""
    best = 0
    for j in range(m):
        if values[rem[pool[j]]] > best:
            best = values[rem[pool[j]]]
    if best == 0:
        return m
    kept = 0
    for j in range(m):
        v = values[rem[pool[j]]]
        if v == 0 or a * best <= b * v:
            pool[kept] = pool[j]
            kept += 1
    return kept


@njit(cache=True, nogil=True, inline="always")
def _choose(rem, k, level, votes, pixels, prio, key, pool):  # pragma: no cover - jit
    """(index into ``rem`` of the winner among ``rem[:k]``, deciding step, key tie)."""
    if k == 1:
        return 0, ALONE, False
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
        return pool[0], ALONE, False
    m = _keep_close(rem, pool, m, votes, 2, 3)  # drop votes with leader - v > v / 2
    if m == 1:
        return pool[0], BY_VOTES, False
    m = _keep_close(rem, pool, m, pixels, 10, 11)  # drop sizes with best - r > r / 10
    if m == 1:
        return pool[0], BY_RESOLUTION, False
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
        return pool[0], BY_PRIORITY, False
    winner = pool[0]
    tie = False
    for j in range(1, m):
        a = key[rem[pool[j]]]
        b = key[rem[winner]]
        if a < b:
            winner = pool[j]
            tie = False
        elif a == b:
            tie = True
    return winner, BY_KEY, tie


@njit(cache=True, nogil=True, inline="always")
def _same(rows, providers, i, j):  # pragma: no cover - jit
    """True when rows i and j may be duplicates by one of the spec's exact rules."""
    if rows[i, C_KEY] == rows[j, C_KEY] and providers[i] == providers[j]:
        return True
    fi = rows[i, C_FLAGS]
    fj = rows[j, C_FLAGS]
    if (
        (fi & F_HAS_SIZE)
        and (fj & F_HAS_SIZE)
        and rows[i, C_WIDTH] > 0
        and rows[i, C_HEIGHT] > 0
        and rows[i, C_WIDTH] == rows[j, C_WIDTH]
        and rows[i, C_HEIGHT] == rows[j, C_HEIGHT]
        and rows[i, C_FSIZE] == rows[j, C_FSIZE]
    ):
        return True
    return bool((fi & F_HAS_PHASH) and (fj & F_HAS_PHASH) and rows[i, C_PHASH] == rows[j, C_PHASH])


@njit(cache=True, nogil=True)
def rank_groups(
    rows, counts, status, lang_code, group_prio, groups, keyrank, full
):  # pragma: no cover - jit
    """Rank every group of a call; return one int64 array laid out as :func:`layout` says.

    ``rows``: (n, N_COLUMNS); ``counts``: candidates per provider, in row order;
    ``status``: (n,), updated in place with DISABLED / LOCKED / BELOW_MINIMUM;
    ``lang_code``: code per language id; ``group_prio``: (groups, providers) priority,
    negative = disabled; ``groups``: (groups, 3) flags and minimum size; ``keyrank``:
    (n,) stable key order, or empty to use the rows' URL keys; ``full``: rank
    everything (else only each group's winner).
    """
    n = rows.shape[0]
    n_groups = groups.shape[0]
    out = np.zeros(4 * n + 4 * n_groups + 1, np.int64)
    order = out[0:n]
    steps = out[n : 2 * n]
    tier = out[2 * n : 3 * n]
    provider = out[3 * n : 4 * n]
    base = 4 * n
    start = out[base : base + n_groups]
    count = out[base + n_groups : base + 2 * n_groups]
    fallback = out[base + 2 * n_groups : base + 3 * n_groups]
    maybe_dup = out[base + 3 * n_groups : base + 4 * n_groups]
    key = np.empty(n, np.int64)
    votes = np.empty(n, np.int64)
    flags = np.empty(n, np.int64)
    for i in range(n):
        key[i] = rows[i, C_KEY] if keyrank.shape[0] == 0 else keyrank[i]
        votes[i] = rows[i, C_VOTES]
        flags[i] = rows[i, C_FLAGS]

    i = 0
    for p in range(counts.shape[0]):
        for _ in range(counts[p]):
            provider[i] = p
            i += 1
    level = np.empty(n, np.int64)
    pixels = np.empty(n, np.int64)
    prio = np.empty(n, np.int64)
    has_preferred = np.zeros(n_groups, np.bool_)
    best_fallback = np.full(n_groups, 1 << 40, np.int64)
    for i in range(n):
        g = rows[i, C_GROUP]
        pixels[i] = rows[i, C_WIDTH] * rows[i, C_HEIGHT]
        prio[i] = group_prio[g, provider[i]]
        if status[i] != OK:
            continue
        if groups[g, G_FLAGS] & F_LOCKED:
            status[i] = LOCKED
            continue
        if prio[i] < 0:
            status[i] = DISABLED
            continue
        w = rows[i, C_WIDTH]
        h = rows[i, C_HEIGHT]
        if (w > 0 and w < groups[g, G_MIN_WIDTH]) or (h > 0 and h < groups[g, G_MIN_HEIGHT]):
            status[i] = BELOW_MINIMUM
            continue
        code = lang_code[rows[i, C_LANG]]
        if code < L_OTHER:
            has_preferred[g] = True
        elif code >= L_FALLBACK and code < best_fallback[g]:
            best_fallback[g] = code
    for g in range(n_groups):
        fallback[g] = -1
        if not has_preferred[g] and best_fallback[g] < (1 << 40):
            fallback[g] = best_fallback[g]
    for i in range(n):
        g = rows[i, C_GROUP]
        code = lang_code[rows[i, C_LANG]]
        preferred = code < L_OTHER or code == fallback[g]
        hd = rows[i, C_HD] != 0
        t = (1 if hd else 2) if preferred else (3 if hd else 4)
        tier[i] = t
        textful = 1 if (groups[g, G_FLAGS] & F_TEXTLESS) and code != L_NEUTRAL else 0
        level[i] = 2 * t + textful
        if status[i] == OK:
            count[g] += 1
    total = 0
    for g in range(n_groups):
        start[g] = total
        total += count[g]
    members = np.empty(total, np.int64)
    fill = start.copy()
    for i in range(n):
        if status[i] == OK:
            g = rows[i, C_GROUP]
            members[fill[g]] = i
            fill[g] += 1
    pool = np.empty(max(total, 1), np.int64)
    for g in range(n_groups):
        k = count[g]
        if k == 0:
            continue
        s = start[g]
        rem = members[s : s + k].copy()
        for a in range(k):
            ia = rem[a]
            for b in range(a + 1, k):
                ib = rem[b]
                if rows[ia, C_KEY] == rows[ib, C_KEY] or (
                    flags[ia] != 0 and flags[ib] != 0 and _same(rows, provider, ia, ib)
                ):
                    maybe_dup[g] = 1
        rounds = k if full else 1
        for r in range(rounds):
            j, step, tie = _choose(rem, k - r, level, votes, pixels, prio, key, pool)
            if tie:
                out[base + 4 * n_groups] = 1
            order[s + r] = rem[j]
            steps[s + r] = step
            rem[j] = rem[k - r - 1]
        if not full:
            count[g] = 1
    return out

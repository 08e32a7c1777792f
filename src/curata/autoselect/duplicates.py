"""Duplicate detection (pure): against the art the user has, and among the candidates.

Two pieces of art are duplicates (the spec's three rules) when they have the same
provider and URL; or the same width, height and file size (all three known); or the
same perceptual hash - or, when the caller sets a Hamming threshold, hashes at most
that many bits apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# A candidate as the duplicate rules see it.
# provider (None: an existing asset's unknown one), url, width, height (0 = unknown),
# file size, pHash.
Art = tuple["str | None", "str | None", int, int, "int | None", "str | None"]


def hamming(a: str, b: str) -> int:
    """Bits that differ between two 64-bit hashes given as 16 hex digits."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


def _near(a: str, b: str, threshold: int) -> bool:
    return a == b or (threshold > 0 and hamming(a, b) <= threshold)


def duplicate_clusters(items: Sequence[Art], threshold: int) -> list[list[int]]:
    """Groups (indices into ``items``, two or more each) linked by any duplicate rule.

    Union-find over the rules' keys (each item joins the first holder of a key), then
    the pairs of pHashes within ``threshold`` bits; O(n) without a threshold."""
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:  # the smaller root stays: parent[i] <= i always
        a, b = root(i), root(j)
        if a < b:
            parent[b] = a
        elif b < a:
            parent[a] = b

    # The keys' shapes keep the rules apart: (provider, url), (w, h, size), the pHash.
    first: dict[Any, int] = {}
    hashed: list[int] = []
    for i, (provider, url, width, height, size, phash) in enumerate(items):
        j = first.setdefault((provider, url), i)
        if j != i:
            union(i, j)
        if size and width and height:
            j = first.setdefault((width, height, size), i)
            if j != i:
                union(i, j)
        if phash:
            hashed.append(i)
            j = first.setdefault(phash, i)
            if j != i:
                union(i, j)
    if threshold > 0:
        for n, i in enumerate(hashed):
            for j in hashed[n + 1 :]:
                if hamming(items[i][5], items[j][5]) <= threshold:  # type: ignore[arg-type]
                    union(i, j)
    groups: dict[int, list[int]] = {}
    for i in range(len(items)):  # in order, parent[i]'s parent is already its root
        top = parent[i] = parent[parent[i]]
        groups.setdefault(top, []).append(i)
    return [g for g in groups.values() if len(g) > 1]

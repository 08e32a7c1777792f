"""Duplicate detection (pure): against the art the user has, and among the candidates.

Two pieces of art are duplicates (the spec's three rules) when they have the same
provider and URL; or the same width, height and file size (all three known); or the
same perceptual hash - or, when the caller sets a Hamming threshold, hashes at most
that many bits apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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


class ExistingIndex:
    """The user's existing art, indexed for the three duplicate rules."""

    def __init__(self, existing: Iterable[Any], threshold: int = 0) -> None:
        self.threshold = threshold
        self.by_url: dict[tuple[str, str], str] = {}
        self.urls_any_provider: dict[str, str] = {}
        self.all_urls: set[str] = set()
        self.by_size: dict[tuple[int, int, int], str] = {}
        self.hashes: list[tuple[str, str]] = []
        for item in existing:
            label = item.url or item.perceptual_hash or "existing asset"
            if item.url:
                self.all_urls.add(item.url)
                if item.provider:
                    self.by_url[(item.provider, item.url)] = label
                else:
                    self.urls_any_provider[item.url] = label
            if item.width and item.height and item.file_size:
                self.by_size[(item.width, item.height, item.file_size)] = label
            if item.perceptual_hash:
                self.hashes.append((item.perceptual_hash, label))

    def __bool__(self) -> bool:
        return bool(self.all_urls or self.by_size or self.hashes)

    def match(self, art: Art) -> str | None:
        """Why ``art`` duplicates existing art, or None."""
        provider, url, width, height, size, phash = art
        label = self.by_url.get((provider, url)) or self.urls_any_provider.get(url)
        if label:
            return f"already present (same provider and URL: {label})"
        if width and height and size:
            label = self.by_size.get((width, height, size))
            if label:
                return f"already present (same size and file size as {label})"
        if phash:
            for other, label in self.hashes:
                if _near(phash, other, self.threshold):
                    return f"already present (same perceptual hash as {label})"
        return None


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

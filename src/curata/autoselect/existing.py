"""Duplicates of the art the user already has, and between two candidates (pure).

The spec's three rules, each reported by name:

- same provider and URL (an existing asset without a provider: same URL);
- same width, height and file size (all three known);
- same perceptual hash, or - with a Hamming threshold - hashes within that many bits
  (reported with the distance).

An existing asset with an ``asset_type`` matches only candidates of that type.
"""

from __future__ import annotations

from collections.abc import Iterable

from curata.autoselect.duplicates import Art, hamming
from curata.models.autoselect import AssetCandidate, ExistingAsset


def same_rule(art: Art, other: Art, threshold: int) -> str | None:
    """The duplicate rule ``art`` (an existing asset's provider may be None) and a
    candidate's ``other`` match, named; None if none."""
    provider, url, width, height, file_size, phash = art
    if url and url == other[1]:
        if provider is None:
            return "same URL"
        if provider == other[0]:
            return "same provider and URL"
    if width and height and file_size is not None and (width, height, file_size) == other[2:5]:
        return "same size and file size"
    other_phash = other[5]
    if phash and other_phash:
        if phash == other_phash:
            return "same perceptual hash"
        distance = hamming(phash, other_phash)
        if distance <= threshold:
            bits = "bit" if distance == 1 else "bits"
            return f"perceptual hash {distance} {bits} away (threshold {threshold})"
    return None


def art_of(provider: str | None, item: AssetCandidate | ExistingAsset) -> Art:
    """The duplicate rules' view of a candidate or existing asset (no size is 0)."""
    return (
        provider,
        item.url,
        item.width or 0,
        item.height or 0,
        item.file_size,
        item.perceptual_hash,
    )


class ExistingArt:
    """The user's existing art, matched against candidates by the three rules."""

    def __init__(self, existing: Iterable[ExistingAsset], threshold: int = 0) -> None:
        self.items = list(existing)
        self.threshold = threshold
        self.urls = {e.url for e in self.items if e.url}
        self.sizes = {
            (e.width, e.height, e.file_size) for e in self.items if e.file_size is not None
        }
        self.hashed = any(e.perceptual_hash for e in self.items)
        self.arts = [art_of(e.provider, e) for e in self.items]

    def match(self, candidate: AssetCandidate, provider: str) -> str | None:
        """Why ``candidate`` (offered by ``provider``) is already present, or None.

        Only a candidate whose URL is in ``urls``, whose size triple is in ``sizes`` or
        that has a pHash while ``hashed`` can match (callers may test that first)."""
        if not (
            candidate.url in self.urls
            or (candidate.width, candidate.height, candidate.file_size) in self.sizes
            or (self.hashed and candidate.perceptual_hash)
        ):
            return None
        art = art_of(provider, candidate)
        for e, existing in zip(self.items, self.arts, strict=True):
            if e.asset_type is not None and e.asset_type != candidate.asset_type:
                continue
            rule = same_rule(existing, art, self.threshold)
            if rule:
                label = e.url or e.perceptual_hash or "existing asset"
                return f"already present ({rule}: {label})"
        return None

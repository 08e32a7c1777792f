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

from curata.autoselect.duplicates import hamming
from curata.models.autoselect import AssetCandidate, ExistingAsset


def same_rule(
    provider: str | None,
    url: str | None,
    width: int | None,
    height: int | None,
    file_size: int | None,
    phash: str | None,
    candidate: AssetCandidate,
    candidate_provider: str,
    threshold: int,
) -> str | None:
    """The duplicate rule a piece of art and a candidate match, named; None if none."""
    if url and url == candidate.url:
        if provider is None:
            return "same URL"
        if provider == candidate_provider:
            return "same provider and URL"
    if (
        width
        and height
        and file_size is not None
        and (width, height, file_size) == (candidate.width, candidate.height, candidate.file_size)
    ):
        return "same size and file size"
    if phash and candidate.perceptual_hash:
        if phash == candidate.perceptual_hash:
            return "same perceptual hash"
        distance = hamming(phash, candidate.perceptual_hash)
        if distance <= threshold:
            bits = "bit" if distance == 1 else "bits"
            return f"perceptual hash {distance} {bits} away (threshold {threshold})"
    return None


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
        for e in self.items:
            if e.asset_type is not None and e.asset_type != candidate.asset_type:
                continue
            rule = same_rule(
                e.provider, e.url, e.width, e.height, e.file_size, e.perceptual_hash,
                candidate, provider, self.threshold,
            )  # fmt: skip
            if rule:
                label = e.url or e.perceptual_hash or "existing asset"
                return f"already present ({rule}: {label})"
        return None

"""What an art source is: the :class:`ArtProvider` protocol and the item it looks up.

A provider is one small class (beets' art sources are the model): its name, the media
types it serves, its HTTP defaults, the asset types it offers (for the balanced
order), whether it can look an item up from the ids given, and a generator of
candidates for it. The table of providers is :mod:`curata.autoselect.providers`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from curata.autoselect.providers.http import ProviderClient, ProviderConfig
from curata.models.autoselect import ArtMediaType, AssetCandidate, AssetType


@dataclass(frozen=True)
class Item:
    """One item to find art for: its media type, the ids it is known by (``tmdb``,
    ``tvdb``, ``imdb``, ``musicbrainz`` (artist), ``musicbrainz_release_group``,
    ``theaudiodb``, or any a plugin reads) and the languages wanted, best first."""

    media_type: ArtMediaType
    ids: Mapping[str, str] = field(default_factory=dict)
    languages: tuple[str, ...] = ()


class ArtProvider(Protocol):
    """An art source. ``candidates`` raises ``NotFound`` when it does not know the item."""

    name: str
    media_types: frozenset[ArtMediaType]
    defaults: ProviderConfig

    @property
    def offers(self) -> Mapping[ArtMediaType, frozenset[AssetType]]:
        """Asset types it can offer per media type (its place in the balanced order)."""
        ...

    opt_in: bool
    """Asked only when the request names it (it needs a key most users lack)."""

    def client(self, config: ProviderConfig) -> ProviderClient: ...

    def finds(self, item: Item) -> bool:
        """Whether the ids of ``item`` are enough to look it up."""
        ...

    def candidates(self, client: ProviderClient, item: Item) -> Iterator[AssetCandidate]: ...


def asset_types(names: str) -> frozenset[AssetType]:
    """``"poster fanart"`` -> the asset types."""
    return frozenset(AssetType(n) for n in names.split())

"""Provider priority: balanced defaults per media type and custom orders (pure).

The balanced order is the spec's (movies: fanart_tv > tmdb > local; TV: fanart_tv >
tvdb > tmdb > local; music: theaudiodb > musicbrainz > local), with providers that
do not offer an asset type left out of that type's order. A custom order is set per
media type and asset type (``*`` for every type of the media type) and may disable
providers; where nothing is customized, or the strategy is balanced, the balanced
order applies. A provider missing from an order ranks after every listed one;
a disabled provider's candidates are skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from curata.models.autoselect import ArtMediaType, AssetType, Strategy

ANY_TYPE = "*"

BALANCED: Mapping[ArtMediaType, tuple[str, ...]] = MappingProxyType(
    {
        ArtMediaType.MOVIE: ("fanart_tv", "tmdb", "local"),
        ArtMediaType.TV: ("fanart_tv", "tvdb", "tmdb", "local"),
        ArtMediaType.MUSIC: ("theaudiodb", "musicbrainz", "local"),
    }
)


def _offers(media_type: ArtMediaType, provider: str) -> frozenset[AssetType] | None:
    """The asset types a provider of the table offers for the media type (None: not a
    provider of the table, e.g. ``local``, which offers every type)."""
    from curata.autoselect.providers import providers

    found = providers().get(provider)
    return None if found is None else found.offers.get(media_type, frozenset())


def balanced_order(media_type: ArtMediaType, asset_type: str) -> tuple[str, ...]:
    """The balanced order for one asset type: the media type's order minus providers
    that do not offer the type (``*`` keeps them all)."""
    order = BALANCED[ArtMediaType(media_type)]
    if asset_type == ANY_TYPE:
        return order
    return tuple(
        p
        for p in order
        if (offers := _offers(ArtMediaType(media_type), p)) is None or asset_type in offers
    )


@dataclass(frozen=True, slots=True)
class ResolvedOrder:
    """The order that applies to one media type and asset type.

    ``priority`` maps provider -> index (0 is best); an unlisted provider ranks after
    every listed one (``len(providers)``).
    """

    providers: tuple[str, ...]
    disabled: frozenset[str] = frozenset()
    source: str = "balanced"
    priority: Mapping[str, int] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        index = MappingProxyType({p: i for i, p in enumerate(self.providers)})
        object.__setattr__(self, "priority", index)


@dataclass(frozen=True)
class ProviderPriorities:
    """The strategy and the custom orders, resolved per (media type, asset type)."""

    strategy: Strategy = Strategy.BALANCED
    custom: Mapping[tuple[str, str], tuple[tuple[str, ...], frozenset[str]]] = field(
        default_factory=dict
    )
    _resolved: dict[tuple[str, str], ResolvedOrder] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    @classmethod
    def from_rows(
        cls, strategy: Strategy | str, rows: Iterable[tuple[str, str, list[str], list[str]]]
    ) -> ProviderPriorities:
        custom = {
            (str(media), str(asset)): (tuple(providers), frozenset(disabled))
            for media, asset, providers, disabled in rows
        }
        return cls(Strategy(strategy), custom)

    def resolve(self, media_type: ArtMediaType | str, asset_type: str) -> ResolvedOrder:
        """Custom (exact type, then ``*``) when the strategy is custom; else balanced."""
        key = (media_type, asset_type)
        found = self._resolved.get(key)
        if found is None:
            found = self._resolved[key] = self._resolve(media_type, asset_type)
        return found

    def _resolve(self, media_type: ArtMediaType | str, asset_type: str) -> ResolvedOrder:
        media = ArtMediaType(media_type)
        if self.strategy is Strategy.CUSTOM:
            for key in ((media.value, str(asset_type)), (media.value, ANY_TYPE)):
                found = self.custom.get(key)
                if found is not None:
                    return ResolvedOrder(found[0], found[1], "custom")
        return ResolvedOrder(balanced_order(media, str(asset_type)))


BALANCED_PRIORITIES = ProviderPriorities()

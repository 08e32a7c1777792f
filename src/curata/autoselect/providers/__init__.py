"""Artwork providers: one table of art sources, built in or added by plugins.

Each built-in module (``tmdb``, ``fanarttv``, ``tvdb``, ``theaudiodb``,
``coverartarchive``) holds a pure adapter from the provider's documented response to
``AssetCandidate`` models and one :class:`~.base.ArtProvider` class. A third-party
package adds a provider with an entry point in the group ``curata.art_providers``
naming an ``ArtProvider`` class (or instance)::

    [project.entry-points."curata.art_providers"]
    myart = "myart_pkg:MyArtProvider"

``fetch`` asks every provider of the table that serves the media type and can find
the item, and ranks all their candidates together.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import entry_points
from types import MappingProxyType
from typing import Any

from curata.autoselect.providers.base import ArtProvider, Item
from curata.errors import ProviderError

ENTRY_POINT_GROUP = "curata.art_providers"

__all__ = ["ENTRY_POINT_GROUP", "ArtProvider", "Item", "provider", "providers"]


def _builtin() -> list[ArtProvider]:
    from curata.autoselect.providers.coverartarchive import CoverArtArchive
    from curata.autoselect.providers.fanarttv import FanartTV
    from curata.autoselect.providers.theaudiodb import TheAudioDB
    from curata.autoselect.providers.tmdb import TMDB
    from curata.autoselect.providers.tvdb import TheTVDB

    return [TMDB(), FanartTV(), TheTVDB(), TheAudioDB(), CoverArtArchive()]


def _loaded(value: Any, where: str) -> ArtProvider:
    found = value() if isinstance(value, type) else value
    for attribute in ("name", "media_types", "defaults", "offers", "finds", "candidates"):
        if not hasattr(found, attribute):
            raise ProviderError(f"art provider {where} has no {attribute!r}", field="provider")
    return found


@cache
def providers() -> MappingProxyType[str, ArtProvider]:
    """name -> provider: the built-in ones, then the entry points' (a plugin cannot
    replace a built-in name)."""
    table: dict[str, ArtProvider] = {p.name: p for p in _builtin()}
    for point in entry_points(group=ENTRY_POINT_GROUP):
        found = _loaded(point.load(), f"{point.name} ({point.value})")
        if found.name in table:
            raise ProviderError(
                f"art provider {point.value} is named {found.name!r}, which is taken",
                field="provider",
            )
        table[found.name] = found
    return MappingProxyType(table)


def provider(name: str) -> ArtProvider:
    found = providers().get(name)
    if found is None:
        known = ", ".join(providers())
        raise ProviderError(f"unknown provider {name!r} (known: {known})", field="provider")
    return found

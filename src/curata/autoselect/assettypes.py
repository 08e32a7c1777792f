"""Per-asset-type facts: expected aspect ratio, default minimum size, textless preference."""

from __future__ import annotations

from types import MappingProxyType

from curata.models.autoselect import AssetType

EXPECTED_ASPECT_RATIO: MappingProxyType[str, float] = MappingProxyType(
    {
        AssetType.POSTER: 0.675,  # 2:3 (fanart.tv 1000x1426, TMDB 2000x3000)
        AssetType.FANART: 1.778,  # 16:9
        AssetType.BANNER: 5.4,  # 1000x185
        AssetType.CLEARLOGO: 1.0,  # the spec's value; logos vary
        AssetType.LANDSCAPE: 1.778,  # 16:9 (fanart.tv moviethumb 1000x562)
        AssetType.CLEARART: 1.778,  # fanart.tv HD clearart 1000x562
        AssetType.THUMB: 1.778,  # episode/movie thumbs are 16:9 stills
        AssetType.DISCART: 1.0,  # 1000x1000 disc
        AssetType.CHARACTERART: 1.0,  # fanart.tv 512x512
        AssetType.KEYART: 0.675,  # textless poster, 2:3
        AssetType.ALBUMCOVER: 1.0,  # square cover
        AssetType.ARTISTTHUMB: 1.0,  # square artist picture
    }
)

DEFAULT_MIN_RESOLUTION = MappingProxyType(
    {
        AssetType.POSTER: (500, 700),
        AssetType.FANART: (1280, 720),
        AssetType.BANNER: (500, 92),
        AssetType.CLEARLOGO: (300, 100),
        AssetType.LANDSCAPE: (500, 281),
        AssetType.CLEARART: (400, 225),
        AssetType.THUMB: (400, 225),
        AssetType.DISCART: (500, 500),
        AssetType.CHARACTERART: (256, 256),
        AssetType.KEYART: (500, 700),
        AssetType.ALBUMCOVER: (300, 300),
        AssetType.ARTISTTHUMB: (300, 300),
    }
)
"""Art smaller than this (on either edge, when the size is known) is not selected."""

TEXTLESS_TYPES = frozenset({AssetType.FANART, AssetType.LANDSCAPE})
"""Types where language-neutral (textless) art beats art with text in the same tier."""


def expected_aspect_ratio(asset_type: str) -> float:
    ratio = EXPECTED_ASPECT_RATIO.get(asset_type)
    if ratio is None:
        raise ValueError(f"unknown asset type {asset_type!r}")
    return ratio


MEDIA_ASSET_TYPES = MappingProxyType(
    {
        media: tuple(AssetType(n) for n in names.split())
        for media, names in (
            ("movie", "poster fanart clearlogo clearart banner landscape discart keyart thumb"),
            ("tv", "poster fanart clearlogo clearart banner landscape characterart keyart thumb"),
            ("music", "albumcover artistthumb fanart clearlogo clearart banner landscape discart"),
        )
    }
)
"""The asset types each media type uses (Kodi's art types for it)."""

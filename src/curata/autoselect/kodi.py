"""Kodi's artwork file names, per media type and asset type.

A folder holds one item's art as ``<type>.<ext>`` (``poster.jpg``, ``clearlogo.png``),
optionally prefixed with the video's name (``Movie (2019)-poster.jpg``). The first
name of each entry is the one curata writes; the others are also recognized.
"""

from __future__ import annotations

import re
from pathlib import Path

from curata.models.autoselect import ArtMediaType

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".tbn")

_VIDEO = {
    "poster": ("poster", "folder"),
    "fanart": ("fanart",),
    "banner": ("banner",),
    "clearlogo": ("clearlogo", "logo"),
    "clearart": ("clearart",),
    "landscape": ("landscape",),
    "thumb": ("thumb",),
    "discart": ("discart", "disc"),
    "characterart": ("characterart",),
    "keyart": ("keyart",),
}
_MUSIC = {
    "albumcover": ("cover", "folder"),
    "artistthumb": ("thumb",),
    "fanart": ("fanart",),
    "banner": ("banner",),
    "clearlogo": ("clearlogo", "logo"),
    "clearart": ("clearart",),
    "landscape": ("landscape",),
    "discart": ("discart", "cdart"),
}

# Types whose art usually has transparency: written as PNG when the download is PNG.
TRANSPARENT_TYPES = frozenset({"clearlogo", "clearart", "discart", "characterart"})


def kodi_names(media_type: ArtMediaType | str) -> dict[str, tuple[str, ...]]:
    """asset type -> base names (without extension), the written one first."""
    return _MUSIC if ArtMediaType(media_type) is ArtMediaType.MUSIC else _VIDEO


def asset_type_of(file_name: str, media_type: ArtMediaType | str) -> str | None:
    """The asset type a file name stands for in Kodi's scheme, or None."""
    path = Path(file_name)
    if path.suffix.lower() not in IMAGE_EXTENSIONS:
        return None
    stem = path.stem.lower()
    for asset_type, bases in kodi_names(media_type).items():
        for base in bases:
            if stem == base or re.fullmatch(rf".+[-.]{re.escape(base)}", stem):
                return asset_type
    return None


def existing_art(folder: Path, media_type: ArtMediaType | str) -> dict[str, Path]:
    """asset type -> the file in ``folder`` that holds it (the written name preferred)."""
    found: dict[str, tuple[int, Path]] = {}
    if not folder.is_dir():
        return {}
    names = kodi_names(media_type)
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name.startswith("."):
            continue
        asset_type = asset_type_of(path.name, media_type)
        if asset_type is None:
            continue
        stem = path.stem.lower()
        rank = next((i for i, b in enumerate(names[asset_type]) if stem == b), len(names))
        if asset_type not in found or rank < found[asset_type][0]:
            found[asset_type] = (rank, path)
    return {k: v[1] for k, v in found.items()}


def target_name(asset_type: str, media_type: ArtMediaType | str, image_format: str) -> str:
    """The file name curata writes for ``asset_type`` given the image's format."""
    ext = ".png" if image_format.upper() == "PNG" else ".jpg"
    return kodi_names(media_type)[asset_type][0] + ext

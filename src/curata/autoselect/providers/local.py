"""Local artwork: Kodi-named files in an item's folder, measured from the files."""

from __future__ import annotations

from pathlib import Path

from curata import imaging
from curata.autoselect.kodi import existing_art
from curata.ingest.hashing import phash_of
from curata.models.autoselect import ArtMediaType, AssetCandidate

NAME = "local"


def measure(path: Path, asset_type: str) -> AssetCandidate | None:
    """A candidate for one file: its size, file size and pHash; None if not an image."""
    try:
        with imaging.opened(path) as im:
            oriented = imaging.upright(im)
            width, height = oriented.size
            oriented.thumbnail((256, 256))
            phash = phash_of(oriented)
    except imaging.UnreadableImage:
        return None
    return AssetCandidate(
        provider=NAME,
        url=str(path.resolve()),
        asset_type=asset_type,
        width=width,
        height=height,
        file_size=path.stat().st_size,
        perceptual_hash=phash,
        metadata={"file": path.name},
    )


def local_candidates(folder: Path, media_type: ArtMediaType | str) -> list[AssetCandidate]:
    """Candidates for the Kodi-named art files in ``folder`` (unreadable files skipped)."""
    out = []
    for asset_type, path in existing_art(folder, media_type).items():
        found = measure(path, asset_type)
        if found is not None:
            out.append(found)
    return out

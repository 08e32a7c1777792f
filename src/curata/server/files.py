"""Serving cataloged files and their thumbnails, and nothing else.

A file is found through its asset (``Curata.get_asset``): only a location the catalog
recorded, still present with the size and modification time the scan saw, and whose
resolved real path lies inside a root (:class:`ServedRoot`), is ever opened; it is
opened by that resolved path. The roots are the server's ``--root`` folders when it has
any, else the catalog's recorded scan roots (:func:`serving_roots`). Thumbnails
(:mod:`curata.ingest.thumbnails`) are made in the background after a scan, or on first
request, and served with a strong ETag and ``Cache-Control: immutable``.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from pathlib import Path

from curata.catalog.thumbnails import PICTURED
from curata.errors import Forbidden, NotFound
from curata.imaging import UnreadableImage
from curata.ingest.thumbnails import (
    RENDER_VERSION,
    STANDARD_SIZES,
    ThumbnailCache,
    render,
    servable,
)
from curata.interface import Curata
from curata.models import AssetDetail, MediaType
from curata.roots import ServedRoot

THUMBNAIL_SIZES = (16, 1024)
_FORMAT_TYPES = {"jpeg": "image/jpeg", "jpg": "image/jpeg", "webp": "image/webp"}


def serving_roots(curata: Curata) -> list[ServedRoot]:
    """The server's scan roots when it was given any, else the catalog's recorded ones."""
    confinement = curata.confinement
    if confinement is not None and confinement.scan_roots:
        return [ServedRoot(r) for r in confinement.scan_roots]
    recorded = curata.scan_roots().data or []
    return [ServedRoot(Path(r.path), r.follow_links) for r in recorded]


def cataloged_file(asset: AssetDetail, roots: Sequence[ServedRoot]) -> Path:
    """The resolved path of a present location of ``asset`` whose size and mtime still
    match the catalog and which lies inside one of ``roots`` (:func:`servable`).

    ``NotFound`` when no such file is on disk; ``Forbidden`` when one is, but outside
    every root (cataloged through a link out of the roots, or by an older curata).
    """
    outside = False
    for loc in asset.locations:
        if loc.missing:
            continue
        try:
            resolved = servable(loc.path, loc.file_size, loc.mtime, roots)
        except PermissionError:
            outside = True
            continue
        if resolved is not None:
            return resolved
    if outside:
        allowed = ", ".join(str(r.path) for r in roots) or "none recorded"
        raise Forbidden(
            f"asset {asset.content_hash[:12]}'s file lies outside the scan roots ({allowed}); "
            "scan its folder again, or start the server with --root",
            field="hash",
        )
    raise NotFound(
        f"asset {asset.content_hash[:12]} has no file on disk that matches the catalog "
        "(moved, deleted or changed since the last scan; scan again)",
        field="hash",
    )


def media_type_of(asset: AssetDetail, path: Path) -> str:
    fmt = (asset.file_format or "").lower()
    return (
        _FORMAT_TYPES.get(fmt)
        or mimetypes.guess_type(path.name)[0]
        or (f"image/{fmt}" if asset.media_type == MediaType.IMAGE and fmt else None)
        or "application/octet-stream"
    )


def thumbnail_etag(content_hash: str, size: int) -> str:
    """A strong ETag: the asset's bytes never change, so neither does its thumbnail."""
    return f'"{content_hash}-{size}-v{RENDER_VERSION}"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``etag`` (weak comparison, RFC 9110)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    return any(tag.strip().removeprefix("W/") == etag for tag in if_none_match.split(","))


class Thumbnails:
    """The server's thumbnails (:class:`ThumbnailCache`), made on request when missing."""

    def __init__(self, cache_dir: Path) -> None:
        self.cache = ThumbnailCache.under(cache_dir)
        self.root = self.cache.root

    def path_for(self, content_hash: str, size: int) -> Path:
        return self.cache.path_for(content_hash, size)

    def get(self, asset: AssetDetail, size: int, roots: Sequence[ServedRoot]) -> Path:
        """The cached thumbnail of ``asset`` at most ``size`` pixels wide and high; only
        while its file may be served (see :func:`cataloged_file`). A standard size is
        made together with the other one."""
        if asset.media_type.value not in PICTURED:
            raise NotFound(
                f"asset {asset.content_hash[:12]} is {asset.media_type.value}; "
                "thumbnails are made for images, videos and audio with cover art",
                field="hash",
            )
        source = cataloged_file(asset, roots)
        target = self.path_for(asset.content_hash, size)
        if target.is_file():
            return target
        sizes = STANDARD_SIZES if size in STANDARD_SIZES else (size,)
        try:
            targets = {s: self.path_for(asset.content_hash, s) for s in sizes}
            render(source, targets, asset.media_type.value)
        except (OSError, UnreadableImage) as exc:
            raise NotFound(
                f"cannot make a thumbnail of asset {asset.content_hash[:12]}: {exc}", field="hash"
            ) from None
        return target

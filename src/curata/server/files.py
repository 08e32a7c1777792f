"""Serving cataloged files and their thumbnails, and nothing else.

A file is found through its asset (``Curata.get_asset``): only a location the catalog
recorded, still present with the size and modification time the scan saw, and whose
resolved real path lies inside a root (:class:`ServedRoot`), is ever opened; it is
opened by that resolved path. The roots are the server's ``--root`` folders when it has
any, else the catalog's recorded scan roots (:func:`serving_roots`). Thumbnails are
JPEGs made with Pillow on first request and cached by content hash, so a moved or copied
file shares its thumbnail.
"""

from __future__ import annotations

import mimetypes
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from curata.errors import Forbidden, NotFound
from curata.interface import Curata
from curata.models import AssetDetail, MediaType
from curata.roots import is_within, real

THUMBNAIL_SIZES = (16, 1024)
_FORMAT_TYPES = {"jpeg": "image/jpeg", "jpg": "image/jpeg", "webp": "image/webp"}


@dataclass(frozen=True)
class ServedRoot:
    """A folder files may be served from (resolved). A root scanned with
    ``follow_links`` also serves what its links lead to: the cataloged path only has to
    lie below it as written."""

    path: Path
    follow_links: bool = False

    def holds(self, written: str, resolved: Path) -> bool:
        if is_within(resolved, self.path):
            return True
        lexical = Path(os.path.abspath(written))
        return self.follow_links and (lexical == self.path or self.path in lexical.parents)


def serving_roots(curata: Curata) -> list[ServedRoot]:
    """The server's scan roots when it was given any, else the catalog's recorded ones."""
    confinement = curata.confinement
    if confinement is not None and confinement.scan_roots:
        return [ServedRoot(r) for r in confinement.scan_roots]
    recorded = curata.scan_roots().data or []
    return [ServedRoot(Path(r.path), r.follow_links) for r in recorded]


def cataloged_file(asset: AssetDetail, roots: Sequence[ServedRoot]) -> Path:
    """The resolved path of a present location of ``asset`` whose size and mtime still
    match the catalog and which lies inside one of ``roots``.

    ``NotFound`` when no such file is on disk; ``Forbidden`` when one is, but outside
    every root (cataloged through a link out of the roots, or by an older curata).
    """
    outside = False
    for loc in asset.locations:
        if loc.missing:
            continue
        try:
            st = os.stat(loc.path)
        except OSError:
            continue
        if os.path.isfile(loc.path) and st.st_size == loc.file_size and st.st_mtime == loc.mtime:
            resolved = real(loc.path)
            if any(root.holds(loc.path, resolved) for root in roots):
                return resolved
            outside = True
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


class Thumbnails:
    """JPEG thumbnails under ``<cache>/thumbnails/<hash[:2]>/<hash>-<size>.jpg``."""

    def __init__(self, cache_dir: Path) -> None:
        self.root = Path(cache_dir) / "thumbnails"

    def path_for(self, content_hash: str, size: int) -> Path:
        return self.root / content_hash[:2] / f"{content_hash}-{size}.jpg"

    def get(self, asset: AssetDetail, size: int, roots: Sequence[ServedRoot]) -> Path:
        """The cached thumbnail of ``asset`` at most ``size`` pixels wide and high; only
        while its file may be served (see :func:`cataloged_file`)."""
        if asset.media_type != MediaType.IMAGE:
            raise NotFound(
                f"asset {asset.content_hash[:12]} is {asset.media_type.value}; "
                "thumbnails are made for images",
                field="hash",
            )
        source = cataloged_file(asset, roots)
        target = self.path_for(asset.content_hash, size)
        if target.is_file():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            render(source, target, size)
        except (OSError, ValueError, Image.DecompressionBombError) as exc:
            raise NotFound(
                f"cannot make a thumbnail of asset {asset.content_hash[:12]}: {exc}", field="hash"
            ) from None
        return target


def render(source: Path, target: Path, size: int) -> None:
    """Write a JPEG of ``source`` fitted into ``size`` x ``size``; atomic (rename)."""
    with Image.open(source) as opened:
        opened.draft("RGB", (size, size))
        image = ImageOps.exif_transpose(opened) or opened
        image.thumbnail((size, size))
        if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
            rgba = image.convert("RGBA")
            image = Image.new("RGB", rgba.size, (255, 255, 255))
            image.paste(rgba, mask=rgba.getchannel("A"))
        elif image.mode != "RGB":
            image = image.convert("RGB")
        temp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
        try:
            image.save(temp, "JPEG", quality=85)
            os.replace(temp, target)
        finally:
            temp.unlink(missing_ok=True)

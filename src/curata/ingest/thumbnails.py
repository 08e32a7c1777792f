"""Thumbnails: JPEGs of image assets in the cache folder, keyed by content hash and size.

Each image gets two standard sizes (:data:`STANDARD_SIZES`: a grid card and a preview),
made from one decode of the file by :mod:`curata.imaging` (bounded, EXIF orientation
applied). They are made in the background after a scan (:func:`warm`, in worker
processes, see :mod:`curata.ingest.workers`) and on first request otherwise; a file is
opened only when it is still the cataloged one (size and mtime) and resolves inside a
root (:func:`servable`). A moved or copied file shares its thumbnails, and since the bytes of
an asset never change, neither do they.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from curata import imaging
from curata.catalog import Catalog
from curata.catalog.thumbnails import image_sources
from curata.ingest.workers import run_parallel
from curata.roots import ServedRoot, real

#: The sizes made for every image (longest side, pixels): the grid's and the preview's.
STANDARD_SIZES = (256, 1024)
#: Part of every ETag: bump it when thumbnails are rendered differently.
RENDER_VERSION = "1"
_BATCH = 64  # thumbnails per worker call: fewer round trips for small images


@dataclass(frozen=True)
class ThumbnailCache:
    """``<cache>/thumbnails/<hash[:2]>/<hash>-<size>.jpg``."""

    root: Path

    @classmethod
    def under(cls, cache_dir: str | os.PathLike[str]) -> ThumbnailCache:
        return cls(Path(cache_dir) / "thumbnails")

    def path_for(self, content_hash: str, size: int) -> Path:
        return self.root / content_hash[:2] / f"{content_hash}-{size}.jpg"

    def complete(self, content_hash: str) -> bool:
        """Whether both standard sizes are cached."""
        return all(self.path_for(content_hash, s).is_file() for s in STANDARD_SIZES)


def servable(path: str, size: int, mtime: float, roots: Sequence[ServedRoot]) -> Path | None:
    """The resolved path of the cataloged file ``path`` when it is still a regular file
    with the cataloged ``size`` and ``mtime`` and lies in one of ``roots``; None when it
    is gone or changed. Raises ``PermissionError`` when it is there but outside them."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    if not os.path.isfile(path) or st.st_size != size or st.st_mtime != mtime:
        return None
    resolved = real(path)
    if any(root.holds(path, resolved) for root in roots):
        return resolved
    raise PermissionError(path)


def render(source: Path, targets: dict[int, Path]) -> None:
    """Write a JPEG of ``source`` fitted into ``size`` x ``size`` for each ``size: target``
    (one decode, largest first; each written atomically by a rename). Raises
    :class:`~curata.imaging.UnreadableImage`."""
    with imaging.opened(source) as im:
        image = imaging.fitted(im, max(targets))
    for size in sorted(targets, reverse=True):
        image.thumbnail((size, size))
        _save(image, targets[size])


def _save(image: Image.Image, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        image.save(temp, "JPEG", quality=imaging.QUALITY)
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


Source = tuple[str, str, int, float]  # content hash, path, size, mtime


def make_thumbnails(
    sources: Sequence[Source], cache: ThumbnailCache, roots: Sequence[ServedRoot]
) -> list[str | None]:
    """The standard thumbnails of each source (the task of a worker process): per
    source, None when made, else why not."""
    out: list[str | None] = []
    for content_hash, path, size, mtime in sources:
        try:
            resolved = servable(path, size, mtime, roots)
            if resolved is None:
                out.append("changed or gone since the scan")
                continue
            render(resolved, {s: cache.path_for(content_hash, s) for s in STANDARD_SIZES})
        except PermissionError:
            out.append("outside the roots")
        except imaging.UnreadableImage as exc:
            out.append(f"cannot read the image: {exc}")
        except OSError as exc:
            out.append(f"cannot write the thumbnail: {exc}")
        else:
            out.append(None)
    return out


@dataclass
class WarmSummary:
    made: int = 0
    cached: int = 0
    failed: int = 0


def warm(
    catalog: Catalog,
    cache: ThumbnailCache,
    roots: Sequence[ServedRoot],
    hashes: Collection[str] | None = None,
    *,
    workers: int | None = None,
    stop: threading.Event | None = None,
    progress: Callable[[WarmSummary], None] | None = None,
) -> WarmSummary:
    """Make the missing standard thumbnails of the image assets named by ``hashes``
    (None: every image asset), newest first, in ``workers`` processes."""
    stop = stop or threading.Event()
    summary = WarmSummary()
    with catalog.read() as conn:
        sources = image_sources(conn, hashes)
    todo = []
    for source in sources:
        if cache.complete(source[0]):
            summary.cached += 1
        else:
            todo.append(source)
    calls = [(todo[i : i + _BATCH], cache, roots) for i in range(0, len(todo), _BATCH)]
    count = workers or os.cpu_count() or 1
    for results in run_parallel("thumbnails", calls, count, stop, _died):
        for problem in results:
            if problem is None:
                summary.made += 1
            else:
                summary.failed += 1
        if progress is not None:
            progress(summary)
    return summary


def _died(
    call: tuple[Sequence[Source], ThumbnailCache, Sequence[ServedRoot]], death: str
) -> list[str | None]:
    return [f"the worker process died ({death})"] * len(call[0])

"""Thumbnails: JPEGs of assets in the cache folder, keyed by content hash and size.

What a thumbnail shows (:func:`picture`): an image itself, a video's still (a frame
near its start), an audio file's embedded cover art. Each asset gets two standard sizes
(:data:`STANDARD_SIZES`: a grid card and a preview), made from one decode of the picture
by :mod:`curata.imaging` (bounded, EXIF orientation applied). They are made in the
background after a scan (:func:`warm`, in worker processes, see
:mod:`curata.ingest.workers`) and on first request otherwise; a file is opened only when
it is still the cataloged one (size and mtime) and resolves inside a root
(:func:`servable`). A moved or copied file shares its thumbnails, and since the bytes of
an asset never change, neither do they.
"""

from __future__ import annotations

import contextlib
import io
import os
import threading
import uuid
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from curata import imaging
from curata.catalog import Catalog
from curata.catalog.thumbnails import thumbnail_sources
from curata.ingest import audio, video
from curata.ingest.workers import run_parallel
from curata.models.assets import MediaType
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


@contextlib.contextmanager
def picture(source: Path, media_type: str) -> Iterator[Image.Image]:
    """The picture the thumbnail of a ``media_type`` file shows. Raises
    :class:`~curata.imaging.UnreadableImage` (an audio file without cover art too)."""
    if media_type == MediaType.VIDEO.value:
        yield video.still(source)
        return
    opened: Path | io.BytesIO = source
    if media_type == MediaType.AUDIO.value:
        data = audio.cover(source)
        if data is None:
            raise imaging.UnreadableImage("no embedded cover art")
        opened = io.BytesIO(data)
    with imaging.opened(opened) as im:
        yield im


def render(source: Path, targets: dict[int, Path], media_type: str = MediaType.IMAGE.value) -> None:
    """Write a JPEG of the picture of ``source`` fitted into ``size`` x ``size`` for each
    ``size: target`` (one decode, largest first; each written atomically by a rename).
    Raises :class:`~curata.imaging.UnreadableImage`."""
    with picture(source, media_type) as im:
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


Source = tuple[str, str, int, float, str]  # content hash, path, size, mtime, media type


def make_thumbnails(
    sources: Sequence[Source], cache: ThumbnailCache, roots: Sequence[ServedRoot]
) -> list[str | None]:
    """The standard thumbnails of each source (the task of a worker process): per
    source, None when made, else why not."""
    out: list[str | None] = []
    for content_hash, path, size, mtime, media_type in sources:
        try:
            resolved = servable(path, size, mtime, roots)
            if resolved is None:
                out.append("changed or gone since the scan")
                continue
            targets = {s: cache.path_for(content_hash, s) for s in STANDARD_SIZES}
            render(resolved, targets, media_type)
        except PermissionError:
            out.append("outside the roots")
        except imaging.UnreadableImage as exc:
            out.append(f"cannot read the picture: {exc}")
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
    """Make the missing standard thumbnails of the assets named by ``hashes`` (None:
    every image, video and audio asset), newest first, in ``workers`` processes."""
    stop = stop or threading.Event()
    summary = WarmSummary()
    with catalog.read() as conn:
        sources = thumbnail_sources(conn, hashes)
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

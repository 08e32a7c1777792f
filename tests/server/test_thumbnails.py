"""Thumbnails made in the background after a scan, in two sizes, served immutable with ETags."""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PIL import Image

from curata import Curata
from curata.ingest.thumbnails import STANDARD_SIZES, ThumbnailCache, warm
from curata.roots import Confinement, ServedRoot
from curata.server import create_app
from tests.ingest.test_watch import EVENTUAL, eventually, noise_png
from tests.server.conftest import LiveServer
from tests.server.test_events import reading


def rotated_jpeg(path: Path) -> Path:
    """A 96x48 (landscape) JPEG whose EXIF says: show it turned 90 degrees (portrait)."""
    image = Image.new("RGB", (96, 48), (200, 30, 30))
    image.paste((30, 30, 200), (0, 0, 48, 48))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 CW
    image.save(path, "JPEG", exif=exif.tobytes())
    return path


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    folder = tmp_path / "lib"
    folder.mkdir()
    for i in range(30):  # enough for the worker processes (more than a batch)
        noise_png(folder / f"n{i:02d}.png", 200 + i, size=300)
    rotated_jpeg(folder / "turned.jpg")
    return folder


@pytest.fixture
def served(cur: Curata, lib: Path, tmp_path: Path) -> Iterator[tuple[httpx.Client, Path, Curata]]:
    cache = tmp_path / "cache"
    app = create_app(cur.confined(Confinement.of([lib])), cache_dir=cache)
    with LiveServer(app) as live, httpx.Client(base_url=live.url, timeout=EVENTUAL) as http:
        yield http, cache, cur


def scanned_with_thumbnails(http: httpx.Client, lib: Path) -> dict:
    """POST /scans of ``lib``, and the ``thumbnails`` event that ends the background work."""
    with reading(str(http.base_url)) as events:
        assert http.post("/scans", json={"paths": [str(lib)]}).status_code == 202

        def done() -> list[object]:
            return [d for n, d in list(events.events) if n == "thumbnails" and d["done"]]  # type: ignore[index]

        eventually(done, "the thumbnails made after the scan")
        return done()[-1]  # type: ignore[return-value]


def test_a_scan_makes_both_sizes_in_the_background(
    served: tuple[httpx.Client, Path, Curata], lib: Path
) -> None:
    http, cache, cur = served
    finished = scanned_with_thumbnails(http, lib)
    assert finished["made"] == 31 and finished["failed"] == 0
    thumbs = ThumbnailCache.under(cache)
    for path in sorted(lib.iterdir()):
        digest = cur.get_asset(str(path)).data.content_hash  # type: ignore[union-attr]
        for size in STANDARD_SIZES:
            made = thumbs.path_for(digest, size)
            assert made.is_file(), (path.name, size)
            with Image.open(made) as image:
                assert image.format == "JPEG" and max(image.size) <= size
        # served as made, not made again on request
        before = thumbs.path_for(digest, 256).stat().st_mtime_ns
        response = http.get(f"/assets/{digest}/thumbnail", params={"size": 256})
        assert response.content == thumbs.path_for(digest, 256).read_bytes()
        assert thumbs.path_for(digest, 256).stat().st_mtime_ns == before


def test_exif_rotation_is_applied(served: tuple[httpx.Client, Path, Curata], lib: Path) -> None:
    http, _cache, cur = served
    scanned_with_thumbnails(http, lib)
    digest = cur.get_asset(str(lib / "turned.jpg")).data.content_hash  # type: ignore[union-attr]
    for size in STANDARD_SIZES:
        body = http.get(f"/assets/{digest}/thumbnail", params={"size": size}).content
        with Image.open(io.BytesIO(body)) as image:
            assert image.size == (48, 96)  # portrait, as the camera meant it
            assert image.getpixel((24, 10))[2] > 150  # the blue half is on top now


def test_strong_etag_immutable_and_304(
    served: tuple[httpx.Client, Path, Curata], lib: Path
) -> None:
    http, _cache, cur = served
    scanned_with_thumbnails(http, lib)
    digest = cur.get_asset(str(lib / "n00.png")).data.content_hash  # type: ignore[union-attr]
    url = f"/assets/{digest[:12]}/thumbnail"
    first = http.get(url, params={"size": 256})
    etag = first.headers["etag"]
    assert first.status_code == 200 and etag.startswith('"') and digest in etag
    assert "immutable" in first.headers["cache-control"]
    again = http.get(url, params={"size": 256}, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    listed = http.get(url, params={"size": 256}, headers={"If-None-Match": f'"x", W/{etag}'})
    assert listed.status_code == 304
    other_size = http.get(url, params={"size": 1024}, headers={"If-None-Match": etag})
    assert other_size.status_code == 200 and other_size.headers["etag"] != etag
    # the file changed since the scan: no 304 (nor thumbnail) for what may not be served
    os.utime(lib / "n00.png", ns=(1, 1))
    assert http.get(url, params={"size": 256}, headers={"If-None-Match": etag}).status_code == 404


def test_warm_reads_only_unchanged_files_inside_the_roots(
    cur: Curata, lib: Path, tmp_path: Path
) -> None:
    cur.scan([lib], workers=1)
    cache = ThumbnailCache.under(tmp_path / "cache")
    changed = lib / "n01.png"
    changed.write_bytes(changed.read_bytes() + b"\0")
    digest = lambda p: cur.get_asset(str(p)).data.content_hash  # type: ignore[union-attr]  # noqa: E731
    unchanged_hash = digest(lib / "n02.png")
    changed_hash = digest(changed)
    summary = warm(cur.catalog, cache, [ServedRoot(tmp_path / "elsewhere")], workers=2)
    assert (summary.made, summary.failed) == (0, 31)  # nothing read outside the roots
    summary = warm(cur.catalog, cache, [ServedRoot(lib.resolve())], workers=2)
    assert (summary.made, summary.failed) == (30, 1)
    assert cache.complete(unchanged_hash) and not cache.complete(changed_hash)
    again = warm(cur.catalog, cache, [ServedRoot(lib.resolve())], workers=2)
    assert (again.made, again.cached, again.failed) == (0, 30, 1)


def test_a_stopped_warm_makes_nothing_more(cur: Curata, lib: Path, tmp_path: Path) -> None:
    cur.scan([lib], workers=1)
    stop = threading.Event()
    stop.set()
    cache = ThumbnailCache.under(tmp_path / "cache")
    summary = warm(cur.catalog, cache, [ServedRoot(lib.resolve())], workers=2, stop=stop)
    assert summary.made == 0 and not cache.root.exists()


def test_videos_and_audio_covers_have_thumbnails(cur: Curata, tmp_path: Path) -> None:
    """A video's thumbnail is a still of it, an audio file's its cover art (in the
    background after a scan and on request); audio without a cover has none (404)."""
    from mutagen.flac import FLAC, Picture

    from tests.ingest.test_media_probers import write_audio, write_clip

    lib = tmp_path / "media"
    lib.mkdir()
    write_clip(lib / "clip.mp4")
    write_clip(lib / "clip.webm", codec="libvpx")
    covered = write_audio(lib / "song.flac", "flac")
    tags = FLAC(str(covered))
    cover = io.BytesIO()
    Image.new("RGB", (120, 120), (20, 160, 40)).save(cover, "JPEG")
    picture = Picture()
    picture.type, picture.mime, picture.data = 3, "image/jpeg", cover.getvalue()
    tags.add_picture(picture)
    tags.save()
    write_audio(lib / "bare.flac", "flac", seconds=1.0)
    cache = tmp_path / "cache"
    app = create_app(cur.confined(Confinement.of([lib])), cache_dir=cache)
    with LiveServer(app) as live, httpx.Client(base_url=live.url, timeout=EVENTUAL) as http:
        finished = scanned_with_thumbnails(http, lib)
        assert (finished["made"], finished["failed"]) == (3, 1)  # the bare song: no cover
        thumbs = ThumbnailCache.under(cache)
        for name in ("clip.mp4", "clip.webm"):
            digest = cur.get_asset(str(lib / name)).data.content_hash  # type: ignore[union-attr]
            assert thumbs.complete(digest), name
            with Image.open(io.BytesIO(http.get(f"/assets/{digest}/thumbnail").content)) as im:
                assert im.format == "JPEG" and im.size == (160, 120)  # the clip's frame
        song = cur.get_asset(str(covered)).data.content_hash  # type: ignore[union-attr]
        with Image.open(io.BytesIO(http.get(f"/assets/{song}/thumbnail").content)) as im:
            red, green, blue = im.convert("RGB").getpixel((60, 60))
            assert green > 120 and red < 60 and blue < 80  # the green cover
        bare = cur.get_asset(str(lib / "bare.flac")).data.content_hash  # type: ignore[union-attr]
        answer = http.get(f"/assets/{bare}/thumbnail")
        assert answer.status_code == 404 and "cover" in answer.json()["error"]["message"]

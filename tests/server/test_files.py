"""``/assets/{hash}/file`` and ``/thumbnail``: only cataloged files, thumbnails cached."""

from __future__ import annotations

import io
import os
from pathlib import Path

import httpx
from PIL import Image

from curata import Curata
from curata.server.files import Thumbnails
from tests.server.conftest import hash_of


def test_file_is_the_cataloged_bytes(
    http: httpx.Client, scanned: Curata, library_copy: Path
) -> None:
    path = library_copy / "formats" / "ukbench09380.webp"
    response = http.get(f"/assets/{hash_of(scanned, path)}/file")
    assert response.status_code == 200
    assert response.content == path.read_bytes()
    assert response.headers["content-type"] == "image/webp"


def test_file_changed_since_the_scan_is_not_served(
    http: httpx.Client, scanned: Curata, library_copy: Path
) -> None:
    path = library_copy / "near-duplicates" / "ukbench00120_resize.jpg"
    digest = hash_of(scanned, path)
    original = path.read_bytes()
    path.write_bytes(b"replaced after the scan")
    try:
        response = http.get(f"/assets/{digest}/file")
        assert response.status_code == 404
        assert b"replaced" not in response.content
        assert "scan again" in response.json()["message"]
    finally:
        path.write_bytes(original)
        st = os.stat(path)
        location = scanned.get_asset(digest).data.locations[0]
        os.utime(path, (st.st_atime, location.mtime))
    assert http.get(f"/assets/{digest}/file").content == original


def test_no_path_reaches_the_filesystem(http: httpx.Client) -> None:
    for url in (
        "/assets/..%2F..%2F..%2Fetc%2Fpasswd/file",
        "/assets/%2Fetc%2Fpasswd/file",
        "/assets/" + "ab" * 32 + "/file?path=/etc/passwd",
        "/assets/../../etc/passwd/file",
    ):
        response = http.get(url)
        assert response.status_code in (404, 422), url
        assert b"root:" not in response.content


def test_thumbnail_is_a_small_jpeg_cached_by_hash(
    http: httpx.Client, scanned: Curata, library_copy: Path, cache_dir: Path
) -> None:
    path = library_copy / "near-duplicates" / "ukbench00120.jpg"
    digest = hash_of(scanned, path)
    cached = Thumbnails(cache_dir).path_for(digest, 128)
    assert not cached.exists()
    response = http.get(f"/assets/{digest}/thumbnail", params={"size": 128})
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(response.content)) as thumb:
        assert thumb.format == "JPEG"
        assert max(thumb.size) == 128
        with Image.open(path) as full:
            assert abs(thumb.width / thumb.height - full.width / full.height) < 0.05
    assert cached.read_bytes() == response.content
    assert (
        http.get(f"/assets/{digest}/thumbnail", params={"size": 128}).content == cached.read_bytes()
    )


def test_thumbnails_of_every_cataloged_format(
    http: httpx.Client, scanned: Curata, library_copy: Path
) -> None:
    for name in sorted(os.listdir(library_copy / "formats")):
        digest = hash_of(scanned, library_copy / "formats" / name)
        response = http.get(f"/assets/{digest}/thumbnail", params={"size": 64})
        assert response.status_code == 200, name
        with Image.open(io.BytesIO(response.content)) as thumb:
            assert thumb.mode == "RGB" and max(thumb.size) <= 64, name


def test_thumbnail_size_is_bounded(http: httpx.Client, scanned: Curata, library_copy: Path) -> None:
    digest = hash_of(scanned, library_copy / "formats" / "baboon.pgm")
    for size in (0, 5000):
        response = http.get(f"/assets/{digest}/thumbnail", params={"size": size})
        assert response.status_code == 422
        assert response.json()["error"]["field"] == "size"

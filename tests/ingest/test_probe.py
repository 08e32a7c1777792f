"""The per-file probe on real files: types, dimensions, hashes, and every bad file."""

from __future__ import annotations

from pathlib import Path

import imagehash
import pytest
from PIL import Image, ImageOps

from curata.ingest.hashing import hash_bits
from curata.ingest.probe import probe_file

FORMATS = {
    "alpha_channel_image.png": ("png", 640, 480),
    "baboon.pgm": ("pgm", 512, 512),
    "copyleft.tiff": ("tiff", 220, 220),
    "giphy.gif": ("gif", 314, 400),
    "ukbench09380.webp": ("webp", 640, 480),
    "ukbench09380_really_jpeg.png": ("jpeg", 640, 480),
}


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_fixture_gets_its_type_and_dimensions(fixtures: Path, name: str) -> None:
    result = probe_file(str(fixtures / "formats" / name))
    fmt, width, height = FORMATS[name]
    assert result.error is None
    assert (result.media_type, result.file_format, result.width, result.height) == (
        "image",
        fmt,
        width,
        height,
    )
    assert len(result.content_hash or "") == 64


def test_a_jpeg_named_png_is_a_jpeg_and_the_mismatch_is_noted(fixtures: Path) -> None:
    result = probe_file(str(fixtures / "formats" / "ukbench09380_really_jpeg.png"))
    assert result.file_format == "jpeg"
    assert any("does not match" in note for note in result.notes)


BAD = {
    "empty_file.png": "empty",
    "plain_text.jpg": "named as an image",
    "truncated.jpg": "truncated",
    "ukbench09268_corrupt.jpg": "not a recognized format",
    "decompression_bomb.png": "decompression bomb",
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_every_bad_fixture_gives_a_reason_and_never_raises(fixtures: Path, name: str) -> None:
    result = probe_file(str(fixtures / "bad" / name))
    assert result.error is not None
    assert BAD[name] in result.error


def test_a_file_that_disappears_gives_a_reason(tmp_path: Path) -> None:
    assert probe_file(str(tmp_path / "gone.jpg")).error == "file disappeared during the scan"


def _photos(fixtures: Path) -> list[Path]:
    return sorted(
        p
        for folder in ("near-duplicates", "formats")
        for p in (fixtures / folder).iterdir()
        if p.suffix in {".jpg", ".png", ".webp", ".pgm", ".tiff", ".gif"}
    )


def test_reduced_decode_phash_is_within_2_bits_of_full_size_imagehash(fixtures: Path) -> None:
    photos = _photos(fixtures)
    assert len(photos) >= 12
    for photo in photos:
        with Image.open(photo) as im:  # the full-size image, shown upright
            full = hash_bits(imagehash.phash(ImageOps.exif_transpose(im)))
        ours = probe_file(str(photo)).phash
        assert ours is not None
        assert bin(ours ^ full).count("1") <= 2, photo.name


def _jpeg_with_exif(path: Path, orientation: int, taken: str | None, offset: str | None) -> None:
    im = Image.new("RGB", (1200, 800), (200, 40, 40))
    exif = Image.Exif()
    exif[0x0112] = orientation
    ifd = exif.get_ifd(0x8769)
    if taken:
        ifd[36867] = taken
    if offset:
        ifd[36881] = offset
    im.save(path, exif=exif)


def test_exif_orientation_swaps_dimensions_and_datetime_original_is_the_creation_time(
    tmp_path: Path,
) -> None:
    path = tmp_path / "rotated.jpg"
    _jpeg_with_exif(path, 6, "2024:05:01 10:30:00", "+02:00")
    result = probe_file(str(path))
    assert (result.width, result.height) == (800, 1200)
    assert result.created_at == 1714552200.0  # 2024-05-01T08:30:00Z


def test_without_exif_time_created_is_unknown_to_the_probe(tmp_path: Path) -> None:
    path = tmp_path / "plain.jpg"
    _jpeg_with_exif(path, 1, None, None)
    result = probe_file(str(path))
    assert (result.width, result.height, result.created_at) == (1200, 800, None)


def test_png_text_chunks_after_the_image_data_are_read(tmp_path: Path, fixtures: Path) -> None:
    # Move the fixture's text chunk behind IDAT, where Pillow only sees it after load().
    data = (fixtures / "generators" / "automatic1111.png").read_bytes()
    chunks, pos = [], 8
    while pos < len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        chunks.append(data[pos : pos + 12 + length])
        pos += 12 + length
    text = [c for c in chunks if c[4:8] == b"tEXt"]
    rest = [c for c in chunks if c[4:8] not in (b"tEXt", b"IEND")]
    late = tmp_path / "late.png"
    late.write_bytes(data[:8] + b"".join(rest) + b"".join(text) + chunks[-1])
    assert text
    blocks = probe_file(str(late)).blocks
    assert "Steps:" in blocks["png:parameters"]

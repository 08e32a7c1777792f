"""The one imaging module: bounded decoding, EXIF orientation, thumbnails, contact sheets."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from curata import imaging


def tagged_jpeg(width: int, height: int, orientation: int) -> bytes:
    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[imaging.ORIENTATION_TAG] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


@settings(max_examples=40, deadline=None)
@given(
    width=st.integers(8, 120),
    height=st.integers(8, 120),
    orientation=st.integers(1, 8),
    size=st.integers(4, 64),
)
def test_the_shown_size_is_the_upright_size_and_thumbnails_fit(
    width: int, height: int, orientation: int, size: int
) -> None:
    data = tagged_jpeg(width, height, orientation)
    with imaging.opened(io.BytesIO(data)) as im:
        shown = imaging.oriented_size(im)
        assert imaging.upright(im).size == shown
    with Image.open(io.BytesIO(imaging.thumbnail_jpeg(io.BytesIO(data), size))) as thumb:
        assert max(thumb.size) <= size
        # the same way round as the upright image (a square stays either way)
        assert (thumb.width >= thumb.height) == (shown[0] >= shown[1]) or abs(
            thumb.width - thumb.height
        ) <= 1


def test_transparency_goes_onto_white(tmp_path: Path) -> None:
    path = tmp_path / "clear.png"
    Image.new("RGBA", (40, 40), (0, 0, 0, 0)).save(path)
    with Image.open(io.BytesIO(imaging.thumbnail_jpeg(path, 16))) as thumb:
        assert thumb.mode == "RGB" and min(thumb.getpixel((8, 8))) > 245  # type: ignore[arg-type]


def test_more_pixels_than_the_limit_is_refused_before_decoding(
    fixtures: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(imaging.UnreadableImage, match="decompression bomb"):
        imaging.thumbnail_jpeg(fixtures / "bad" / "decompression_bomb.png", 64)
    # just above the limit (where Pillow itself only warns) is refused too
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)  # as if another thread reset it
    path = fixtures / "formats" / "alpha_channel_image.png"
    with Image.open(path) as im:
        monkeypatch.setattr(imaging, "MAX_PIXELS", im.width * im.height - 1)
    with pytest.raises(imaging.UnreadableImage, match="decompression bomb"):
        imaging.thumbnail_jpeg(path, 64)


@pytest.mark.parametrize("name", ["truncated.jpg", "plain_text.jpg", "empty_file.png"])
def test_every_decoding_failure_is_one_error_that_says_why(fixtures: Path, name: str) -> None:
    with pytest.raises(imaging.UnreadableImage) as caught:
        imaging.thumbnail_jpeg(fixtures / "bad" / name, 64)
    assert str(caught.value)


def test_a_contact_sheet_puts_each_image_in_its_numbered_cell() -> None:
    images = [Image.new("RGB", (30, 20), (0, 0, 255)) for _ in range(5)]
    sheet = imaging.contact_sheet(images, cell=40, columns=3)
    assert sheet.size == (120, 80)
    assert sheet.getpixel((20 + 40, 20 + 40)) == (0, 0, 255)  # the 5th, centred in row 2
    assert sheet.getpixel((20 + 80, 20 + 40)) == (255, 255, 255)  # no 6th image

"""Images, decoded one way everywhere: bounded, turned upright, made into thumbnails.

Every part of curata that looks at pixels goes through here: the scanner (hashes and
dimensions), the thumbnail cache behind the server and the workbench, the export's
contact sheet, the local artwork provider and the MCP ``view_assets`` tool. So an
image has one orientation and one limit wherever it is shown:

- **Bounded decoding.** :func:`opened` refuses an image of more than
  :data:`MAX_PIXELS` pixels before decoding it (a decompression bomb: a few KB of
  PNG that would expand to gigabytes), the limit the scanner has always applied
  (Pillow's ``MAX_IMAGE_PIXELS``, with its warning turned into a refusal), and turns
  every decoding failure into one :class:`UnreadableImage` whose message says why.
- **EXIF orientation.** :func:`upright` applies the EXIF orientation tag, so a
  portrait photo a camera stored sideways is shown, hashed and measured standing up;
  :func:`oriented_size` gives the upright size without decoding.
- **Thumbnails.** :func:`fitted` decodes no more pixels than a thumbnail needs (JPEG
  DCT scaling), turns the image upright and puts any transparency onto white;
  :func:`thumbnail_jpeg` and :func:`contact_sheet` are what the export and the MCP
  tool send.
"""

from __future__ import annotations

import io
import math
import os
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import IO

from PIL import Image, ImageDraw, ImageOps

#: Images of more pixels than this are refused, not decoded (Pillow's default limit).
MAX_PIXELS: int = Image.MAX_IMAGE_PIXELS or 89_478_485
#: JPEG quality of every thumbnail curata writes.
QUALITY = 85
#: The EXIF tag that says how to turn the stored pixels to show them.
ORIENTATION_TAG = 0x0112
_TURNED = (5, 6, 7, 8)  # orientations that swap width and height
#: What Pillow raises for a file it cannot decode (damaged, truncated, not an image).
DECODE_ERRORS = (
    OSError,
    ValueError,
    SyntaxError,
    EOFError,
    MemoryError,
    Image.DecompressionBombError,
    Image.DecompressionBombWarning,
)

Source = str | os.PathLike[str] | IO[bytes]

try:  # HEIC/AVIF support when the optional plugin is importable
    from pillow_heif import register_heif_opener

    register_heif_opener()
except ImportError:  # pragma: no cover - pillow-heif is a declared dependency
    pass


class UnreadableImage(ValueError):
    """Not an image Pillow can decode, damaged, or refused as a decompression bomb; the
    message says which."""


def _reason(exc: BaseException) -> str:
    if isinstance(exc, Image.DecompressionBombError | Image.DecompressionBombWarning):
        return f"refused as a decompression bomb: {exc}"
    if isinstance(exc, Image.UnidentifiedImageError):
        return "not a readable image"
    return f"cannot decode: {exc}"


@contextmanager
def opened(source: Source) -> Iterator[Image.Image]:
    """The image in ``source`` (a path or a binary file), opened lazily and closed at the
    end; more than :data:`MAX_PIXELS` pixels is refused before any decoding. Any
    decoding failure, at the opening or in the ``with`` body, is an
    :class:`UnreadableImage`."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(source)
    except DECODE_ERRORS as exc:
        raise UnreadableImage(_reason(exc)) from exc
    with im:
        # Also when another thread's ``catch_warnings`` left the warning a warning.
        if im.width * im.height > MAX_PIXELS:
            raise UnreadableImage(
                f"refused as a decompression bomb: {im.width}x{im.height} is more than "
                f"{MAX_PIXELS:,} pixels"
            )
        try:
            yield im
        except UnreadableImage:
            raise
        except DECODE_ERRORS as exc:
            raise UnreadableImage(_reason(exc)) from exc


def oriented_size(im: Image.Image) -> tuple[int, int]:
    """Width and height of ``im`` as shown (after its EXIF orientation), not decoded."""
    width, height = im.size
    turned = im.getexif().get(ORIENTATION_TAG) in _TURNED
    return (height, width) if turned else (width, height)


def upright(im: Image.Image) -> Image.Image:
    """A copy of ``im`` turned as its EXIF orientation tag says."""
    return ImageOps.exif_transpose(im)


def on_white(im: Image.Image) -> Image.Image:
    """``im`` as RGB, any transparency composited onto white (not black)."""
    if im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info:
        rgba = im.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return im if im.mode == "RGB" else im.convert("RGB")


def fitted(im: Image.Image, size: int) -> Image.Image:
    """``im`` upright, in RGB on white, fitted into ``size`` x ``size`` pixels; a JPEG is
    decoded at the smallest DCT scale still at least that large."""
    scale = size / max(im.size)
    if scale < 1:
        im.draft("RGB", (math.ceil(im.width * scale), math.ceil(im.height * scale)))
    image = on_white(upright(im))
    image.thumbnail((size, size))
    return image


def jpeg(image: Image.Image) -> bytes:
    """``image`` (RGB) as JPEG bytes."""
    out = io.BytesIO()
    image.save(out, "JPEG", quality=QUALITY)
    return out.getvalue()


def thumbnail_jpeg(source: Source, size: int) -> bytes:
    """A JPEG of the image in ``source``, upright, at most ``size`` pixels on its longer
    side. Raises :class:`UnreadableImage`."""
    with opened(source) as im:
        return jpeg(fitted(im, size))


def contact_sheet(images: Sequence[Image.Image], cell: int, columns: int) -> Image.Image:
    """The ``images`` (each at most ``cell`` pixels) on one white sheet, ``columns``
    across, each centred in its cell and numbered from 1 in reading order."""
    columns = max(1, min(columns, len(images)))
    rows = math.ceil(len(images) / columns)
    sheet = Image.new("RGB", (columns * cell, rows * cell), (255, 255, 255))
    draw = ImageDraw.Draw(sheet)
    for n, image in enumerate(images):
        left, top = (n % columns) * cell, (n // columns) * cell
        sheet.paste(image, (left + (cell - image.width) // 2, top + (cell - image.height) // 2))
        label = str(n + 1)
        box = draw.textbbox((left + 4, top + 4), label)
        draw.rectangle((box[0] - 3, box[1] - 3, box[2] + 3, box[3] + 3), fill=(0, 0, 0))
        draw.text((left + 4, top + 4), label, fill=(255, 255, 255))
    return sheet

"""Contact-sheet thumbnails (Pillow)."""

from __future__ import annotations

import io
import math
import warnings

from PIL import Image, UnidentifiedImageError

QUALITY = 82


def thumbnail_jpeg(path: str, size: int) -> bytes | None:
    """A JPEG at most ``size`` pixels on its longer side, or None when Pillow cannot read
    the file (not an image, damaged, or too large to decode safely)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                scale = size / max(img.size)
                if scale < 1:  # JPEG: decode at the smallest scale still >= the thumbnail
                    img.draft("RGB", (math.ceil(img.width * scale), math.ceil(img.height * scale)))
                img.thumbnail((size, size))
                rgb = _on_white(img)
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning, SyntaxError):  # fmt: skip
        return None
    out = io.BytesIO()
    rgb.save(out, "JPEG", quality=QUALITY)
    return out.getvalue()


def _on_white(img: Image.Image) -> Image.Image:
    """RGB, with any transparency composited onto white (not black)."""
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return img.convert("RGB")

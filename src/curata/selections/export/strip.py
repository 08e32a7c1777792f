"""Embedded metadata removed from an exported copy, the pixels untouched.

Pure: bytes in, bytes out; the structure of the file is walked and the parts that
carry metadata are left out, nothing is re-encoded.

- PNG: the text chunks (``tEXt``, ``zTXt``, ``iTXt``: A1111 ``parameters``, ComfyUI
  ``prompt``/``workflow``, XMP, ...), ``eXIf`` and the C2PA ``caBX`` chunk.
- JPEG: every ``APPn`` segment but JFIF (``APP0``), the ICC profile (``APP2``) and
  Adobe's colour transform (``APP14``), which decoding needs; comments (``COM``) and
  anything after the end of the image. An EXIF orientation other than 1 survives as a
  minimal EXIF block holding only it, so the copy is not shown rotated.
- WebP: the ``EXIF`` and ``XMP `` chunks (and their flags in ``VP8X``).

A file that does not follow its format's structure raises :class:`StripError`: the
caller must not deliver it as stripped. Pixels that hide text (A1111's "stealth"
pnginfo in the alpha channel) are pixels, and are kept.
"""

from __future__ import annotations

import io
import struct

from PIL import Image, UnidentifiedImageError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_DROPPED = frozenset({b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"caBX"})
WEBP_DROPPED = frozenset({b"EXIF", b"XMP "})
_VP8X_EXIF, _VP8X_XMP = 0x08, 0x04
_JPEG_KEPT_APP = {0xE0: b"JFIF\x00", 0xE2: b"ICC_PROFILE\x00", 0xEE: b"Adobe"}
_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM, RSTn: markers without a length
_ORIENTATION = 0x0112


class StripError(ValueError):
    """The bytes do not follow their format's structure."""


def strippable(file_format: str | None) -> bool:
    """Whether :func:`strip` can remove this format's embedded metadata."""
    return file_format in _STRIPPERS


def strip(data: bytes, file_format: str) -> bytes:
    """``data`` without its embedded metadata (see the module's description)."""
    return _STRIPPERS[file_format](data)


def _png(data: bytes) -> bytes:
    if not data.startswith(PNG_SIGNATURE):
        raise StripError("not a PNG")
    out = [PNG_SIGNATURE]
    pos = len(PNG_SIGNATURE)
    while pos < len(data):
        if pos + 8 > len(data):
            raise StripError("truncated PNG chunk")
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        end = pos + 12 + length
        if end > len(data):
            raise StripError(f"truncated PNG chunk {kind!r}")
        if kind not in PNG_DROPPED:
            out.append(data[pos:end])
        pos = end
        if kind == b"IEND":
            return b"".join(out)
    raise StripError("PNG without IEND")


def _orientation_exif(data: bytes) -> bytes:
    """An ``APP1`` segment with only the EXIF orientation, when it is not 1."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            orientation = image.getexif().get(_ORIENTATION)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return b""
    if not isinstance(orientation, int) or not 2 <= orientation <= 8:
        return b""
    tiff = b"II*\x00" + struct.pack("<I", 8)
    tiff += struct.pack("<H", 1) + struct.pack("<HHIHH", _ORIENTATION, 3, 1, orientation, 0)
    tiff += struct.pack("<I", 0)
    payload = b"Exif\x00\x00" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def _jpeg_keeps(marker: int, segment: bytes) -> bool:
    if marker == 0xFE or 0xE0 <= marker <= 0xEF:
        prefix = _JPEG_KEPT_APP.get(marker)
        return prefix is not None and segment[4 : 4 + len(prefix)] == prefix
    return True


def _jpeg(data: bytes) -> bytes:
    if not data.startswith(b"\xff\xd8"):
        raise StripError("not a JPEG")
    out = [b"\xff\xd8", _orientation_exif(data)]
    pos = 2
    while True:
        if pos + 2 > len(data) or data[pos] != 0xFF:
            raise StripError(f"no JPEG marker at byte {pos}")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xD9:  # end of image: what follows is dropped
            out.append(b"\xff\xd9")
            return b"".join(out)
        if marker in _STANDALONE:
            out.append(data[pos : pos + 2])
            pos += 2
            continue
        if pos + 4 > len(data):
            raise StripError("truncated JPEG segment")
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        end = pos + 2 + length
        if length < 2 or end > len(data):
            raise StripError(f"truncated JPEG segment 0x{marker:02X}")
        if _jpeg_keeps(marker, data[pos:end]):
            out.append(data[pos:end])
        pos = end
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next marker
            scan = pos
            while True:
                pos = data.find(b"\xff", pos)
                if pos < 0 or pos + 1 >= len(data):
                    raise StripError("JPEG scan without an end")
                following = data[pos + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7:
                    pos += 2
                    continue
                if following == 0xFF:
                    pos += 1
                    continue
                break
            out.append(data[scan:pos])


def _webp(data: bytes) -> bytes:
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise StripError("not a WebP")
    chunks = []
    pos = 12
    end = min(len(data), 8 + struct.unpack("<I", data[4:8])[0])
    while pos < end:
        if pos + 8 > end:
            raise StripError("truncated WebP chunk")
        kind, size = struct.unpack("<4sI", data[pos : pos + 8])
        stop = pos + 8 + size + (size & 1)
        if pos + 8 + size > end:
            raise StripError(f"truncated WebP chunk {kind!r}")
        chunk = data[pos : pos + 8 + size] + b"\x00" * (size & 1)
        if kind == b"VP8X" and size >= 1:
            flags = chunk[8] & ~(_VP8X_EXIF | _VP8X_XMP)
            chunk = chunk[:8] + bytes([flags]) + chunk[9:]
        if kind not in WEBP_DROPPED:
            chunks.append(chunk)
        pos = stop
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


_STRIPPERS = {"png": _png, "jpeg": _jpeg, "webp": _webp}

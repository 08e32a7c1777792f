"""Writers of real test files, from the formats' public descriptions."""

from __future__ import annotations

import gzip
import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image
from PIL.PngImagePlugin import PngInfo


def png_chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk: length, type, data, CRC (PNG specification, section 5.3)."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def write_png(
    path: Path,
    early: dict[str, str] | None = None,
    late: dict[str, str] | None = None,
    image: Image.Image | None = None,
    extra_chunks: list[tuple[bytes, bytes]] | None = None,
) -> Path:
    """A PNG with ``tEXt`` chunks before the image data (``early``, written by Pillow)
    and after it (``late``, spliced in before ``IEND``), plus any raw chunks."""
    info = PngInfo()
    for key, value in (early or {}).items():
        info.add_text(key, value)
    (image or Image.new("RGB", (16, 16), (40, 90, 160))).save(path, pnginfo=info)
    data = path.read_bytes()
    iend = data.rindex(b"IEND") - 4
    tail = b"".join(
        png_chunk(b"tEXt", k.encode() + b"\0" + v.encode("latin-1"))
        for k, v in (late or {}).items()
    )
    tail += b"".join(png_chunk(kind, payload) for kind, payload in extra_chunks or [])
    path.write_bytes(data[:iend] + tail + data[iend:])
    return path


def stealth_image(
    text: str, mode: str = "alpha", compressed: bool = False, size: tuple[int, int] = (64, 48)
) -> Image.Image:
    """An image hiding ``text`` as the A1111 stealth-pnginfo extension writes it:
    signature, 32-bit payload length in bits, payload, in the least significant bits
    of alpha (or of R, G, B), column by column."""
    kind = ("png" if mode == "alpha" else "rgb") + ("comp" if compressed else "info")
    payload = gzip.compress(text.encode()) if compressed else text.encode()
    data = f"stealth_{kind}".encode() + struct.pack(">I", len(payload) * 8) + payload
    bits = np.unpackbits(np.frombuffer(data, dtype=np.uint8))
    rng = np.random.default_rng(7)
    pixels = rng.integers(0, 256, (size[1], size[0], 4), dtype=np.uint8)
    pixels[:, :, 3] = 255
    channels = [3] if mode == "alpha" else [0, 1, 2]
    view = pixels.transpose(1, 0, 2)[:, :, channels].reshape(-1)
    if len(bits) > len(view):
        raise ValueError("image too small for the payload")
    view[: len(bits)] = (view[: len(bits)] & 0xFE) | bits
    columns = view.reshape(size[0], size[1], len(channels))
    pixels.transpose(1, 0, 2)[:, :, channels] = columns
    return Image.fromarray(pixels, "RGBA").convert("RGBA" if mode == "alpha" else "RGB")


def exif_user_comment(text: str, encoding: str = "utf-16-be") -> Image.Exif:
    """EXIF with a ``UserComment`` in the ``UNICODE`` character code (or ``ASCII``)."""
    exif = Image.Exif()
    prefix = b"ASCII\0\0\0" if encoding == "ascii" else b"UNICODE\0"
    exif[0x8769] = {0x9286: prefix + text.encode(encoding)}
    return exif

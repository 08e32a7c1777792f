"""The "stealth" PNG info some AUTOMATIC1111 versions (and NovelAI) hide in pixels.

The least significant bits of the alpha channel (mode ``alpha``) or of R, G and B
(mode ``rgb``) are read column by column (x outer, y inner, channels in order). They
spell a 15-byte signature (``stealth_pnginfo``/``stealth_pngcomp`` for alpha,
``stealth_rgbinfo``/``stealth_rgbcomp`` for rgb; ``comp`` means gzip), then the
payload length in bits as a 32-bit big-endian integer, then the payload: the same
text A1111 writes to the ``parameters`` chunk, or NovelAI's JSON.
"""

from __future__ import annotations

import zlib

import numpy as np
from PIL import Image

SIGNATURES: dict[bytes, tuple[str, bool]] = {
    b"stealth_pnginfo": ("alpha", False),
    b"stealth_pngcomp": ("alpha", True),
    b"stealth_rgbinfo": ("rgb", False),
    b"stealth_rgbcomp": ("rgb", True),
}
CHANNELS = {"alpha": (3,), "rgb": (0, 1, 2)}
_SIGNATURE_BITS = 15 * 8
_LENGTH_BITS = 32
MAX_PAYLOAD_BYTES = 4 * 1024 * 1024


def lsb_bits(im: Image.Image, channels: tuple[int, ...], count: int) -> np.ndarray | None:
    """The first ``count`` hidden bits in reading order, or ``None`` if the image is too small."""
    width, height = im.size
    per_column = height * len(channels)
    columns = -(-count // per_column) if per_column else width + 1
    if columns > width:
        return None
    pixels = np.asarray(im.crop((0, 0, columns, height)))
    bits = (pixels[:, :, list(channels)] & 1).transpose(1, 0, 2).reshape(-1)
    return bits[:count]


def _bytes(bits: np.ndarray) -> bytes:
    return np.packbits(bits.astype(np.uint8)).tobytes()


def _gunzip(data: bytes) -> bytes | None:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, MAX_PAYLOAD_BYTES)
    except zlib.error:
        return None
    return out


def read_stealth(im: Image.Image) -> str | None:
    """The hidden text of an RGB/RGBA image, or ``None`` when it has none (never raises)."""
    if im.mode not in ("RGBA", "RGB"):
        return None
    modes = ("alpha", "rgb") if im.mode == "RGBA" else ("rgb",)
    for mode in modes:
        channels = CHANNELS[mode]
        head = lsb_bits(im, channels, _SIGNATURE_BITS + _LENGTH_BITS)
        if head is None:
            continue
        found = SIGNATURES.get(_bytes(head[:_SIGNATURE_BITS]))
        if found is None or found[0] != mode:
            continue
        length = int.from_bytes(_bytes(head[_SIGNATURE_BITS:]), "big")
        if length <= 0 or length > MAX_PAYLOAD_BYTES * 8:
            return None
        bits = lsb_bits(im, channels, _SIGNATURE_BITS + _LENGTH_BITS + length)
        if bits is None:
            return None
        payload = _bytes(bits[_SIGNATURE_BITS + _LENGTH_BITS :])
        if found[1]:
            inflated = _gunzip(payload)
            if inflated is None:
                return None
            payload = inflated
        return payload.decode("utf-8", errors="replace")
    return None

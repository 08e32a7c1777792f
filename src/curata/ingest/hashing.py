"""Perceptual hashes (64-bit pHash and dHash) of decoded pictures: images and video frames."""

from __future__ import annotations

import imagehash
import numpy as np
from PIL import Image


def hash_bits(h: imagehash.ImageHash) -> int:
    """An ``imagehash`` 8x8 hash as an unsigned 64-bit integer (row-major, MSB first)."""
    return int.from_bytes(np.packbits(h.hash.flatten()).tobytes(), "big")


def perceptual_hashes(im: Image.Image) -> tuple[int, int]:
    """pHash and dHash of an image that is already oriented and (if large) reduced."""
    gray = im.convert("L")
    return hash_bits(imagehash.phash(gray)), hash_bits(imagehash.dhash(gray))


def phash_of(im: Image.Image) -> int:
    """pHash alone (video frames: one per sampled position)."""
    return hash_bits(imagehash.phash(im.convert("L")))

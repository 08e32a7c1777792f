"""The 8 orientations of a query image (identity, 3 rotations, 4 mirrored forms) and
their pHashes, computed at query time.

Why query time: a pHash does not transform with the image (its median threshold
changes when coefficients change sign), so turned copies can only be matched by
hashing turned pixels. Doing that at scan time would hash every file 8 times and
store 7 more hashes per asset (index memory x8, or 8 probes per query anyway); at
query time it costs one reduced decode and 8 pHashes of the query alone (a few
milliseconds, measured in docs/benchmarks.md), then 8 index queries.

The image is decoded exactly as the scanner decodes it (:func:`load_for_hashing`),
so the identity orientation's hash equals the one stored in the catalog.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from curata.imaging import opened
from curata.ingest.probe import perceptual_hashes, reduced_for_hashing
from curata.models.similarity import Orientation

# The PIL transpose that turns the query into each orientation (None: as it is).
TRANSPOSES: dict[Orientation, Image.Transpose | None] = {
    Orientation.ORIGINAL: None,
    Orientation.ROTATE_90: Image.Transpose.ROTATE_90,
    Orientation.ROTATE_180: Image.Transpose.ROTATE_180,
    Orientation.ROTATE_270: Image.Transpose.ROTATE_270,
    Orientation.MIRROR: Image.Transpose.FLIP_LEFT_RIGHT,
    Orientation.MIRROR_ROTATE_90: Image.Transpose.TRANSVERSE,
    Orientation.MIRROR_ROTATE_180: Image.Transpose.FLIP_TOP_BOTTOM,
    Orientation.MIRROR_ROTATE_270: Image.Transpose.TRANSPOSE,
}


def load_for_hashing(path: str | Path) -> Image.Image:
    """The image at ``path``, oriented by its EXIF tag and reduced as the scanner does.
    Raises :class:`~curata.imaging.UnreadableImage`."""
    with opened(path) as im:
        return reduced_for_hashing(im)


def orientation_hashes(im: Image.Image) -> dict[Orientation, int]:
    """pHash of ``im`` in each of the 8 orientations (the identity first)."""
    return {
        orientation: perceptual_hashes(im if op is None else im.transpose(op))[0]
        for orientation, op in TRANSPOSES.items()
    }

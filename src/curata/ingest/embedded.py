"""Metadata blocks beyond text chunks and EXIF: stealth pixels, IPTC IIM and C2PA.

Adds to :func:`curata.ingest.blocks.read_blocks`: ``stealth:parameters`` (see
:mod:`curata.ingest.stealth`), ``iptc:Keywords``/``iptc:Credit``/``iptc:Caption``/
``iptc:Byline`` from JPEG and TIFF IPTC records, and the ``c2pa:*`` blocks of a
C2PA manifest (see :mod:`curata.ingest.metadata.c2pa`).
"""

from __future__ import annotations

import io
from typing import Any

from PIL import Image, ImageFile, IptcImagePlugin

from curata.ingest.metadata.c2pa import manifest_blocks
from curata.ingest.stealth import read_stealth

_IPTC = {(2, 25): "Keywords", (2, 110): "Credit", (2, 120): "Caption", (2, 80): "Byline"}
_STEALTH_FORMATS = ("PNG", "WEBP")


def _iptc_text(value: Any) -> str:
    items = value if isinstance(value, list) else [value]
    texts = [v.decode("utf-8", errors="replace") if isinstance(v, bytes) else str(v) for v in items]
    return "\n".join(t.strip("\x00 ") for t in texts if t.strip("\x00 "))


def iptc_blocks(im: Image.Image) -> dict[str, str]:
    if not isinstance(im, ImageFile.ImageFile):  # IPTC is read from files only
        return {}
    try:
        info = IptcImagePlugin.getiptcinfo(im)
    except (SyntaxError, ValueError, OSError, IndexError, TypeError):
        return {}
    blocks = {}
    for key, name in _IPTC.items():
        if info and key in info:
            text = _iptc_text(info[key])
            if text:
                blocks[f"iptc:{name}"] = text
    return blocks


def embedded_blocks(im: Image.Image, source: io.BytesIO | str) -> dict[str, str]:
    """The extra blocks of an opened, loaded image; ``source`` gives the file's bytes
    when they are in memory (larger files are not searched for C2PA)."""
    blocks: dict[str, str] = {}
    if im.format in _STEALTH_FORMATS:
        hidden = read_stealth(im)
        if hidden:
            blocks["stealth:parameters"] = hidden
    if im.format in ("JPEG", "TIFF"):
        blocks.update(iptc_blocks(im))
    if isinstance(source, io.BytesIO):
        blocks.update(manifest_blocks(source.getvalue()))
    return blocks

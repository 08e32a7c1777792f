"""Raw metadata blocks of an image, as text, for the generation-metadata parsers.

Keys name where a block came from: ``png:<keyword>`` for PNG text chunks (early and
late ones), ``exif:<TagName>`` (``UserComment`` from the Exif sub-IFD or, as some
writers put it, IFD0), ``xmp``, ``comment``. Values are text; binary blocks
are decoded as their format prescribes and never raise.
"""

from __future__ import annotations

from typing import Any

from PIL import Image

_EXIF_BASE = {
    0x010E: "ImageDescription",
    0x010F: "Make",
    0x0110: "Model",
    0x0131: "Software",
    0x013B: "Artist",
    0x8298: "Copyright",
}
_EXIF_IFD = 0x8769
_USER_COMMENT = 0x9286
_XP_COMMENT = 0x9C9C


def decode_user_comment(data: bytes | str) -> str:
    """EXIF ``UserComment``: an 8-byte character-code prefix, then the text.

    ``UNICODE`` text is UTF-16 in the writer's byte order, which is not always the
    file's: the byte order is inferred from the text (ASCII-range characters have a
    zero high byte).
    """
    if isinstance(data, str):
        return data.strip("\x00")
    prefix, body = data[:8], data[8:]
    if prefix == b"UNICODE\x00":
        if len(body) >= 2 and body[:2] in (b"\xfe\xff", b"\xff\xfe"):
            return body.decode("utf-16", errors="replace").strip("\x00")
        big_endian = sum(1 for b in body[0:64:2] if b == 0) >= sum(
            1 for b in body[1:64:2] if b == 0
        )
        return body.decode("utf-16-be" if big_endian else "utf-16-le", errors="replace").strip(
            "\x00"
        )
    if prefix in (b"ASCII\x00\x00\x00", b"\x00" * 8, b"JIS\x00\x00\x00\x00\x00"):
        return body.decode("utf-8", errors="replace").strip("\x00 ")
    return data.decode("utf-8", errors="replace").strip("\x00 ")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace").strip("\x00")
    if isinstance(value, tuple):  # XPComment and friends arrive as byte tuples
        return bytes(value).decode("utf-16-le", errors="replace").strip("\x00")
    return str(value)


def read_blocks(im: Image.Image) -> dict[str, str]:
    """Every text metadata block of an opened image. Call after ``load()`` for PNG:
    text chunks after the image data are only known once the pixels are read."""
    blocks: dict[str, str] = {}
    text = getattr(im, "text", None)
    if isinstance(text, dict):
        for key, value in text.items():
            blocks[f"png:{key}"] = _text(value) or ""
    exif = im.getexif()
    for tag, name in _EXIF_BASE.items():
        value = _text(exif.get(tag))
        if value:
            blocks[f"exif:{name}"] = value
    ifd = exif.get_ifd(_EXIF_IFD)
    # Some writers put UserComment in IFD0 instead of the Exif sub-IFD.
    for where in (ifd, exif):
        if _USER_COMMENT in where and "exif:UserComment" not in blocks:
            comment = decode_user_comment(where[_USER_COMMENT])
            if comment:
                blocks["exif:UserComment"] = comment
    if _XP_COMMENT in exif:
        value = _text(exif[_XP_COMMENT])
        if value:
            blocks["exif:XPComment"] = value
    xmp = im.info.get("xmp") or im.info.get("XML:com.adobe.xmp")
    if xmp:
        blocks["xmp"] = _text(xmp) or ""
    info_comment = im.info.get("comment")
    if info_comment:
        blocks["comment"] = _text(info_comment) or ""
    return blocks

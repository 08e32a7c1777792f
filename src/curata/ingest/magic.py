"""Media type and format from a file's first bytes, never from its name."""

from __future__ import annotations

from dataclasses import dataclass

from curata.models.assets import MediaType

HEAD_SIZE = 64

_FTYP_IMAGE = {
    b"heic": "heic",
    b"heix": "heic",
    b"hevc": "heic",
    b"heim": "heic",
    b"heis": "heic",
    b"mif1": "heif",
    b"msf1": "heif",
    b"avif": "avif",
    b"avis": "avif",
}
_FTYP_AUDIO = {b"M4A ": "m4a", b"M4B ": "m4a", b"M4P ": "m4a", b"F4A ": "m4a"}
_FTYP_VIDEO = {b"qt  ": "mov"}


@dataclass(frozen=True)
class Sniffed:
    media_type: MediaType
    format: str


def _ftyp(head: bytes) -> Sniffed | None:
    brand = head[8:12]
    if brand in _FTYP_IMAGE:
        return Sniffed(MediaType.IMAGE, _FTYP_IMAGE[brand])
    if brand in _FTYP_AUDIO:
        return Sniffed(MediaType.AUDIO, _FTYP_AUDIO[brand])
    return Sniffed(MediaType.VIDEO, _FTYP_VIDEO.get(brand, "mp4"))


def _riff(head: bytes) -> Sniffed | None:
    kind = head[8:12]
    if kind == b"WEBP":
        return Sniffed(MediaType.IMAGE, "webp")
    if kind == b"WAVE":
        return Sniffed(MediaType.AUDIO, "wav")
    if kind == b"AVI ":
        return Sniffed(MediaType.VIDEO, "avi")
    return None


_SIGNATURES: tuple[tuple[bytes, Sniffed], ...] = (
    (b"\xff\xd8\xff", Sniffed(MediaType.IMAGE, "jpeg")),
    (b"\x89PNG\r\n\x1a\n", Sniffed(MediaType.IMAGE, "png")),
    (b"GIF87a", Sniffed(MediaType.IMAGE, "gif")),
    (b"GIF89a", Sniffed(MediaType.IMAGE, "gif")),
    (b"II*\x00", Sniffed(MediaType.IMAGE, "tiff")),
    (b"MM\x00*", Sniffed(MediaType.IMAGE, "tiff")),
    (b"BM", Sniffed(MediaType.IMAGE, "bmp")),
    (b"\x00\x00\x01\x00", Sniffed(MediaType.IMAGE, "ico")),
    (b"8BPS", Sniffed(MediaType.IMAGE, "psd")),
    (b"\x1aE\xdf\xa3", Sniffed(MediaType.VIDEO, "mkv")),
    (b"fLaC", Sniffed(MediaType.AUDIO, "flac")),
    (b"OggS", Sniffed(MediaType.AUDIO, "ogg")),
    (b"ID3", Sniffed(MediaType.AUDIO, "mp3")),
    (b"%PDF-", Sniffed(MediaType.DOCUMENT, "pdf")),
    (b"PK\x03\x04", Sniffed(MediaType.DOCUMENT, "zip")),
)
_NETPBM = {b"P1": "pbm", b"P4": "pbm", b"P2": "pgm", b"P5": "pgm", b"P3": "ppm", b"P6": "ppm"}


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        return exc.start >= len(head) - 3
    return True


def sniff(head: bytes, suffix: str = "") -> Sniffed:
    """The media type and format of a file from its first :data:`HEAD_SIZE` bytes.

    ``suffix`` is consulted only to name plain-text formats (``.md`` vs ``.txt``).
    """
    for signature, found in _SIGNATURES:
        if head.startswith(signature):
            return found
    if head[4:8] == b"ftyp":
        found = _ftyp(head)
        if found:
            return found
    if head.startswith(b"RIFF"):
        found = _riff(head)
        if found:
            return found
    if head[:2] in _NETPBM and head[2:3] in (b" ", b"\n", b"\r", b"\t"):
        return Sniffed(MediaType.IMAGE, _NETPBM[head[:2]])
    if head[:2] == b"\xff\xfb" or head[:2] in (b"\xff\xf3", b"\xff\xf2", b"\xff\xfa"):
        return Sniffed(MediaType.AUDIO, "mp3")
    if head and _looks_like_text(head):
        text_kind = {
            ".md": "markdown",
            ".markdown": "markdown",
            ".json": "json",
            ".csv": "csv",
            ".html": "html",
            ".htm": "html",
            ".xml": "xml",
            ".svg": "svg",
        }.get(suffix.lower(), "text")
        media = MediaType.IMAGE if text_kind == "svg" else MediaType.DOCUMENT
        return Sniffed(media, text_kind)
    return Sniffed(MediaType.UNKNOWN, "unknown")


# File extensions each format is usually written with; a mismatch is noted on the asset.
EXTENSIONS: dict[str, frozenset[str]] = {
    "jpeg": frozenset({".jpg", ".jpeg", ".jpe", ".jfif"}),
    "png": frozenset({".png"}),
    "gif": frozenset({".gif"}),
    "webp": frozenset({".webp"}),
    "tiff": frozenset({".tif", ".tiff"}),
    "bmp": frozenset({".bmp", ".dib"}),
    "heic": frozenset({".heic", ".heif"}),
    "heif": frozenset({".heif", ".heic"}),
    "avif": frozenset({".avif"}),
    "pgm": frozenset({".pgm", ".pnm"}),
    "ppm": frozenset({".ppm", ".pnm"}),
    "pbm": frozenset({".pbm", ".pnm"}),
}

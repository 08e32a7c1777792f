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


# First packet of an Ogg stream's first page -> the stream is video
_OGG_VIDEO = (b"\x80theora", b"OVP80", b"BBCD\x00", b"\x80daala")
_OGG_AUDIO = {b"OpusHead": "opus"}
_ASF = bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c")
_QUICKTIME_ATOMS = (b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot")


def _ogg(head: bytes) -> Sniffed:
    """Ogg by its first stream's codec: Theora (or VP8, Dirac, Daala) is video; Vorbis,
    Opus, FLAC and Speex are audio. The first packet starts after the page header
    (27 bytes) and its segment table."""
    start = 27 + (head[26] if len(head) > 26 else 0)
    packet = head[start:]
    if packet.startswith(_OGG_VIDEO):
        return Sniffed(MediaType.VIDEO, "ogv")
    for signature, name in _OGG_AUDIO.items():
        if packet.startswith(signature):
            return Sniffed(MediaType.AUDIO, name)
    return Sniffed(MediaType.AUDIO, "ogg")


def _matroska(head: bytes) -> Sniffed:
    """Matroska or WebM by the EBML header's DocType; its streams decide video or audio."""
    return Sniffed(MediaType.VIDEO, "webm" if b"\x42\x82\x84webm" in head else "mkv")


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
    (b"fLaC", Sniffed(MediaType.AUDIO, "flac")),
    (b"ID3", Sniffed(MediaType.AUDIO, "mp3")),
    (b"MAC ", Sniffed(MediaType.AUDIO, "ape")),
    (b"wvpk", Sniffed(MediaType.AUDIO, "wavpack")),
    (_ASF, Sniffed(MediaType.VIDEO, "asf")),  # WMV or WMA: the streams decide
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
    if head.startswith(b"OggS"):
        return _ogg(head)
    if head.startswith(b"\x1aE\xdf\xa3"):
        return _matroska(head)
    if head.startswith(b"FORM") and head[8:12] in (b"AIFF", b"AIFC"):
        return Sniffed(MediaType.AUDIO, "aiff")
    if head[4:8] == b"ftyp":
        sniffed = _ftyp(head)
        if sniffed:
            return sniffed
    if head[4:8] in _QUICKTIME_ATOMS and head[0] < 0x20:  # QuickTime without ftyp
        return Sniffed(MediaType.VIDEO, "mov")
    if head.startswith(b"RIFF"):
        sniffed = _riff(head)
        if sniffed:
            return sniffed
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

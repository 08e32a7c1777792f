"""Content sniffing: the bytes decide, not the name."""

from __future__ import annotations

import pytest

from curata.ingest.magic import sniff
from curata.models.assets import MediaType

CASES = [
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "", MediaType.IMAGE, "jpeg"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "", MediaType.IMAGE, "png"),
    (b"GIF89a\x01\x00", "", MediaType.IMAGE, "gif"),
    (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "", MediaType.IMAGE, "webp"),
    (b"RIFF\x00\x00\x00\x00WAVEfmt ", "", MediaType.AUDIO, "wav"),
    (b"RIFF\x00\x00\x00\x00AVI LIST", "", MediaType.VIDEO, "avi"),
    (b"II*\x00\x08\x00", "", MediaType.IMAGE, "tiff"),
    (b"\x00\x00\x00\x18ftypheic\x00\x00", "", MediaType.IMAGE, "heic"),
    (b"\x00\x00\x00\x18ftypavif\x00\x00", "", MediaType.IMAGE, "avif"),
    (b"\x00\x00\x00\x18ftypisom\x00\x00", "", MediaType.VIDEO, "mp4"),
    (b"\x00\x00\x00\x14ftypqt  \x00\x00", "", MediaType.VIDEO, "mov"),
    (b"\x00\x00\x00\x20ftypM4A \x00\x00", "", MediaType.AUDIO, "m4a"),
    (b"\x1aE\xdf\xa3\x9fB\x86", "", MediaType.VIDEO, "mkv"),
    (
        b"\x1aE\xdf\xa3\x9fB\x86\x81\x01B\xf7\x81\x01B\xf2\x81\x04B\xf3\x81\x08B\x82\x84webm",
        "",
        MediaType.VIDEO,
        "webm",
    ),
    # Ogg: the codec of the first packet (after 27 header bytes and the segment table)
    (
        b"OggS\x00\x02" + b"\x00" * 20 + b"\x01\x2a\x80theora\x03\x02\x01",
        "",
        MediaType.VIDEO,
        "ogv",
    ),
    (b"OggS\x00\x02" + b"\x00" * 20 + b"\x01\x1e\x01vorbis\x00\x00", "", MediaType.AUDIO, "ogg"),
    (b"OggS\x00\x02" + b"\x00" * 20 + b"\x01\x13OpusHead\x01\x02", "", MediaType.AUDIO, "opus"),
    (b"FORM\x00\x04\t\xc6AIFFCOMM", "", MediaType.AUDIO, "aiff"),
    (b"FORM\x00\x04\t\xc6AIFCFVER", "", MediaType.AUDIO, "aiff"),
    (b"MAC \x96\x0f\x00\x00", "", MediaType.AUDIO, "ape"),
    (b"wvpk\xca+\x00\x00\x10\x04", "", MediaType.AUDIO, "wavpack"),
    (bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c") + b"\xdf\x01", "", MediaType.VIDEO, "asf"),
    (b"\x00\x00\x00\x08wide\x00\x01\xc0\xe3mdat", "", MediaType.VIDEO, "mov"),
    (b"fLaC\x00\x00", "", MediaType.AUDIO, "flac"),
    (b"ID3\x04\x00", "", MediaType.AUDIO, "mp3"),
    (b"\xff\xfb\x90\x00", "", MediaType.AUDIO, "mp3"),
    (b"%PDF-1.7\n", "", MediaType.DOCUMENT, "pdf"),
    (b"P5\n512 512\n255\n", "", MediaType.IMAGE, "pgm"),
    (b"# Title\n\nsome words", ".md", MediaType.DOCUMENT, "markdown"),
    (b"plain words", ".jpg", MediaType.DOCUMENT, "text"),
    (b"caf\xc3", ".txt", MediaType.DOCUMENT, "text"),  # a character cut at the sample's end
    (b"\x00\x01\x02\x03binary", ".bin", MediaType.UNKNOWN, "unknown"),
    (b"", "", MediaType.UNKNOWN, "unknown"),
]


@pytest.mark.parametrize(("head", "suffix", "media", "fmt"), CASES)
def test_sniff(head: bytes, suffix: str, media: MediaType, fmt: str) -> None:
    found = sniff(head, suffix)
    assert (found.media_type, found.format) == (media, fmt)

"""Audio files via mutagen: duration, bit rate, sample rate, channels, the
artist/album/title/genre/year tags as tag pairs (``artist:<name>``, ``year:1999``; one
pair per value of a multi-valued tag) and the embedded cover art (ID3 ``APIC``, MP4
``covr``, FLAC and Vorbis-comment pictures, APE/WavPack ``Cover Art``), whose
perceptual hashes stand for the file."""

from __future__ import annotations

import base64
import binascii
import io
import os
import re
from typing import Any

import mutagen
from mutagen.flac import Picture

from curata import imaging
from curata.ingest.hashing import perceptual_hashes
from curata.models.probe import ProbeResult

# tag pair key -> (easy/Vorbis/APE/ASF names, ID3 frame, MP4 atom)
TAG_FIELDS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "artist": (("artist", "albumartist", "Author"), "TPE1", "\xa9ART"),
    "album": (("album", "WM/AlbumTitle"), "TALB", "\xa9alb"),
    "title": (("title",), "TIT2", "\xa9nam"),
    "genre": (("genre", "WM/Genre"), "TCON", "\xa9gen"),
    "year": (("date", "year", "originaldate", "WM/Year"), "TDRC", "\xa9day"),
}
MAX_TAG_VALUE = 200


MAX_TAG_VALUES = 20
MAX_COVER_BYTES = 16 * 1024 * 1024


def _texts(value: Any) -> list[str]:
    """Every text of a mutagen tag value (lists, ID3 frames, MP4 and APE values)."""
    if value is None:
        return []
    if hasattr(value, "text"):  # ID3 frames
        value = value.text
    if hasattr(value, "value") and not isinstance(value, str):  # APEv2: "a\0b"
        value = str(value.value).split("\x00")
    items = value if isinstance(value, list | tuple) else [value]
    texts = (str(v).strip().strip("\x00").strip()[:MAX_TAG_VALUE] for v in items)
    return list(dict.fromkeys(t for t in texts if t))[:MAX_TAG_VALUES]


def _lookup(tags: Any, names: tuple[str, ...]) -> list[str]:
    """The values of the first of ``names`` the tags carry."""
    for name in names:
        try:
            if name in tags:
                found = _texts(tags[name])
                if found:
                    return found
        except (KeyError, ValueError, TypeError):
            continue
    return []


def tag_pairs(tags: Any) -> list[str]:
    """``key:value`` pairs for the fields in :data:`TAG_FIELDS` a tag block carries."""
    if tags is None:
        return []
    pairs = []
    for key, (names, id3_frame, mp4_atom) in TAG_FIELDS.items():
        titled = tuple(n.title() for n in names)  # APEv2 and ASF spell them "Artist"
        for value in _lookup(tags, (*names, *(n.upper() for n in names), *titled, id3_frame,
                                    mp4_atom)):  # fmt: skip
            if key == "year":
                year = re.match(r"\s*(\d{4})", value)
                if year is None:
                    continue
                value = year.group(1)
            pairs.append(f"{key}:{value}")
    return list(dict.fromkeys(pairs))


def _cover_bytes(audio: Any) -> bytes | None:
    """The bytes of the first embedded picture, in each tag system's own place."""
    pictures = list(getattr(audio, "pictures", None) or [])  # FLAC
    tags = audio.tags
    if tags is not None:
        try:
            if hasattr(tags, "getall"):  # ID3
                pictures += tags.getall("APIC")
            for name in ("covr", "Cover Art (Front)"):
                if name in tags:
                    pictures += list(tags[name]) if isinstance(tags[name], list) else [tags[name]]
            for block in tags.get("metadata_block_picture", []) if hasattr(tags, "get") else []:
                pictures.append(Picture(base64.b64decode(block)))
        except (KeyError, ValueError, TypeError, binascii.Error, mutagen.MutagenError):
            pass
    for picture in pictures:
        data = getattr(picture, "data", None) or getattr(picture, "value", None) or picture
        if isinstance(data, bytes) and data:
            if b"\x00" in data[:64] and not data.startswith((b"\xff\xd8", b"\x89PNG")):
                data = data[data.index(b"\x00") + 1 :]  # APEv2: "name\0image bytes"
            return data if len(data) <= MAX_COVER_BYTES else None
    return None


def _cover_hashes(result: ProbeResult, audio: Any) -> None:
    data = _cover_bytes(audio)
    if data is None:
        return
    try:
        with imaging.opened(io.BytesIO(data)) as im:
            im.draft("RGB", (256, 256))
            im.load()
            result.facts["cover"] = f"{im.width}x{im.height}"
            result.phash, result.dhash = perceptual_hashes(im.convert("RGB"))
    except imaging.UnreadableImage:
        result.notes.append("embedded cover art is not a readable image")


def cover(path: str | os.PathLike[str]) -> bytes | None:
    """The embedded cover art of the audio file at ``path`` (the picture its thumbnail
    shows), or None."""
    try:
        audio = mutagen.File(os.fspath(path))
    except (mutagen.MutagenError, OSError, ValueError):
        return None
    return None if audio is None else _cover_bytes(audio)


def probe_audio(result: ProbeResult, source: io.BytesIO | str, metadata: bool = True) -> None:
    try:
        audio = mutagen.File(source)
    except mutagen.MutagenError as exc:
        raise ValueError(f"not a readable {result.file_format} audio file ({exc})") from exc
    if audio is None:
        raise ValueError(f"not a recognized audio format ({result.file_format})")
    info = audio.info
    length = getattr(info, "length", None)
    result.duration = round(float(length), 3) if length else None
    facts = {
        "codec": getattr(info, "codec", None) or type(audio).__name__.lower(),
        "bit_rate": getattr(info, "bitrate", None) or None,
        "sample_rate": getattr(info, "sample_rate", None) or None,
        "channels": getattr(info, "channels", None) or None,
        "bits_per_sample": getattr(info, "bits_per_sample", None) or None,
    }
    result.facts.update({k: v for k, v in facts.items() if v is not None})
    _cover_hashes(result, audio)
    if metadata:
        result.tags += tag_pairs(audio.tags)

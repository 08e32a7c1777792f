"""Audio files via mutagen: duration, bit rate, sample rate, channels, and the
artist/album/title/genre/year tags as tag pairs (``artist:<name>``, ``year:1999``)."""

from __future__ import annotations

import io
import re
from typing import Any

import mutagen

from curata.models.probe import ProbeResult

# tag pair key -> (easy/Vorbis/MP4-easy names, ID3 frame, MP4 atom)
TAG_FIELDS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "artist": (("artist", "albumartist"), "TPE1", "\xa9ART"),
    "album": (("album",), "TALB", "\xa9alb"),
    "title": (("title",), "TIT2", "\xa9nam"),
    "genre": (("genre",), "TCON", "\xa9gen"),
    "year": (("date", "year", "originaldate"), "TDRC", "\xa9day"),
}
MAX_TAG_VALUE = 200


def _first_text(value: Any) -> str | None:
    """The first text of a mutagen tag value (lists, ID3 frames, MP4 values)."""
    if value is None:
        return None
    if hasattr(value, "text"):  # ID3 frames
        value = value.text
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    if value is None:
        return None
    text = str(value).strip().strip("\x00")
    return text[:MAX_TAG_VALUE] or None


def _lookup(tags: Any, names: tuple[str, ...]) -> str | None:
    for name in names:
        try:
            if name in tags:
                found = _first_text(tags[name])
                if found:
                    return found
        except (KeyError, ValueError, TypeError):
            continue
    return None


def tag_pairs(tags: Any) -> list[str]:
    """``key:value`` pairs for the fields in :data:`TAG_FIELDS` a tag block carries."""
    if tags is None:
        return []
    pairs = []
    for key, (names, id3_frame, mp4_atom) in TAG_FIELDS.items():
        value = _lookup(tags, (*names, *(n.upper() for n in names), id3_frame, mp4_atom))
        if value is None:
            continue
        if key == "year":
            year = re.match(r"\s*(\d{4})", value)
            if year is None:
                continue
            value = year.group(1)
        pairs.append(f"{key}:{value}")
    return pairs


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
    if metadata:
        result.tags += tag_pairs(audio.tags)

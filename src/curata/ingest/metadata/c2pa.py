"""C2PA (Content Credentials) manifests: presence, claim generator, AI provenance.

A manifest store is a JUMBF superbox whose description box (``jumd``) starts with the
C2PA UUID, whose first four bytes are ``c2pa``. It sits in JPEG APP11 segments, a PNG
``caBX`` chunk, a WebP ``C2PA`` chunk or an ISO-BMFF ``uuid`` box; only those are
searched (walking container headers, never the image data) for the bytes
``jumdc2pa``. The claim is CBOR: ``claim_generator`` is a text (C2PA 1.x),
``claim_generator_info`` a list of maps with a ``name`` (2.x); the actions assertion
names the ``softwareAgent`` and ``digitalSourceType``. This module reads those few
strings without a full CBOR or JUMBF parser; it never raises.
"""

from __future__ import annotations

from typing import Literal

_MARKER = b"jumdc2pa"
_SCAN_LIMIT = 4 * 1024 * 1024
_MAX_TEXT = 4096
_SOURCE_TYPES = (b"compositeWithTrainedAlgorithmicMedia", b"trainedAlgorithmicMedia")


def _jpeg_app11(data: bytes) -> bytes:
    """The APP11 payloads of a JPEG's header segments (they end at start-of-scan)."""
    out, i = [], 2
    while i + 4 <= len(data) and data[i] == 0xFF:
        marker = data[i + 1]
        if marker == 0xFF:
            i += 1
            continue
        if marker in (0xD9, 0xDA):  # end of image, start of scan: no more header segments
            break
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        if marker == 0xEB:
            out.append(data[i + 4 : i + 2 + length])
        i += 2 + length
    return b"".join(out)


def _chunks(
    data: bytes, start: int, header: int, big_endian: bool, kinds: tuple[bytes, ...]
) -> bytes:
    """Payloads of the chunks of the given kinds in a PNG (length, type) or RIFF (type,
    length) container, walking chunk headers only."""
    out, i = [], start
    order: Literal["big", "little"] = "big" if big_endian else "little"
    while i + header <= len(data):
        if big_endian:
            length, kind = int.from_bytes(data[i : i + 4], order), data[i + 4 : i + 8]
        else:
            kind, length = data[i : i + 4], int.from_bytes(data[i + 4 : i + 8], order)
        if kind in kinds:
            out.append(data[i + 8 : i + 8 + length])
        i += 8 + length + (4 if big_endian else length % 2)
    return b"".join(out)


def _bmff_uuid_boxes(data: bytes) -> bytes:
    """Top-level ``uuid`` boxes of an ISO-BMFF file (MP4, MOV, HEIF, AVIF)."""
    out, i = [], 0
    while i + 8 <= len(data):
        size, kind = int.from_bytes(data[i : i + 4], "big"), data[i + 4 : i + 8]
        header = 8
        if size == 1:
            size, header = int.from_bytes(data[i + 8 : i + 16], "big"), 16
        elif size == 0:
            size = len(data) - i
        if size < header:
            break
        if kind == b"uuid":
            out.append(data[i + header : i + size])
        i += size
    return b"".join(out)


def manifest_region(data: bytes) -> bytes:
    """Where a C2PA manifest store can be, by container; the whole file for others."""
    if data.startswith(b"\xff\xd8\xff"):
        return _jpeg_app11(data)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _chunks(data, 8, 12, True, (b"caBX",))
    if data.startswith(b"RIFF"):
        return _chunks(data, 12, 8, False, (b"C2PA",))
    if data[4:8] == b"ftyp":
        return _bmff_uuid_boxes(data)
    return data


def find_manifest(data: bytes) -> bytes | None:
    """The bytes of the file's C2PA manifest store (bounded), or ``None``."""
    region = manifest_region(data)
    pos = region.find(_MARKER)
    if pos < 0:
        return None
    return region[max(0, pos - 8) : pos + _SCAN_LIMIT]


def cbor_text_key(name: str) -> bytes:
    """The CBOR encoding of a short text string (a map key)."""
    raw = name.encode()
    if len(raw) < 24:
        return bytes([0x60 + len(raw)]) + raw
    return bytes([0x78, len(raw)]) + raw


def read_cbor_text(buf: bytes, i: int) -> str | None:
    """The CBOR text string starting at ``buf[i]``, or ``None`` if it is not one."""
    if i >= len(buf) or buf[i] >> 5 != 3:
        return None
    info = buf[i] & 0x1F
    if info < 24:
        length, start = info, i + 1
    elif info in (24, 25, 26):
        width = 1 << (info - 24)
        length, start = int.from_bytes(buf[i + 1 : i + 1 + width], "big"), i + 1 + width
    else:
        return None
    if length > _MAX_TEXT or start + length > len(buf):
        return None
    return buf[start : start + length].decode("utf-8", errors="replace")


def _value_after(manifest: bytes, key: str) -> str | None:
    """The text value of ``key``, or of the ``name`` inside the map/list that follows it."""
    encoded = cbor_text_key(key)
    pos = manifest.find(encoded)
    while pos >= 0:
        at = pos + len(encoded)
        text = read_cbor_text(manifest, at)
        if text is None:
            name_key = cbor_text_key("name")
            near = manifest.find(name_key, at, at + 96)
            if near >= 0:
                text = read_cbor_text(manifest, near + len(name_key))
        if text:
            return text
        pos = manifest.find(encoded, pos + 1)
    return None


def manifest_blocks(data: bytes) -> dict[str, str]:
    """``c2pa:*`` blocks for a file's bytes: ``manifest`` (always, when present),
    ``claim_generator``, ``software_agent``, ``digital_source_type`` when found."""
    manifest = find_manifest(data)
    if manifest is None:
        return {}
    blocks = {"c2pa:manifest": "present"}
    generator = _value_after(manifest, "claim_generator")
    if generator is None:
        generator = _value_after(manifest, "claim_generator_info")
    if generator:
        blocks["c2pa:claim_generator"] = generator
    agent = _value_after(manifest, "softwareAgent")
    if agent:
        blocks["c2pa:software_agent"] = agent
    for source_type in _SOURCE_TYPES:
        if source_type in manifest:
            blocks["c2pa:digital_source_type"] = source_type.decode()
            break
    return blocks

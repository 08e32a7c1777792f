"""C2PA (Content Credentials) manifests: presence, claim generator, AI provenance.

A manifest store is a JUMBF superbox whose description box (``jumd``) starts with the
C2PA UUID, whose first four bytes are ``c2pa``; it sits in JPEG APP11 segments, a
PNG ``caBX`` chunk, a WebP ``C2PA`` chunk or an ISO-BMFF ``uuid`` box, so the bytes
``jumdc2pa`` mark it in every container. The claim is CBOR: ``claim_generator`` is a
text (C2PA 1.x), ``claim_generator_info`` a list of maps with a ``name`` (2.x); the
actions assertion names the ``softwareAgent`` and ``digitalSourceType``. This module
reads those few strings without a full CBOR or JUMBF parser; it never raises.
"""

from __future__ import annotations

_MARKER = b"jumdc2pa"
_SCAN_LIMIT = 4 * 1024 * 1024
_MAX_TEXT = 4096
_SOURCE_TYPES = (b"compositeWithTrainedAlgorithmicMedia", b"trainedAlgorithmicMedia")


def find_manifest(data: bytes) -> bytes | None:
    """The bytes of the file's C2PA manifest store (bounded), or ``None``."""
    pos = data.find(_MARKER)
    if pos < 0:
        return None
    return data[max(0, pos - 8) : pos + _SCAN_LIMIT]


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

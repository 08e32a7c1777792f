"""XMP packets (embedded or ``.xmp`` sidecars): keywords, rating and provenance fields.

- ``dc:subject`` entries become simple tags;
- ``lr:hierarchicalSubject`` entries ``a|b`` become ``a:b`` pairs (deeper levels are
  kept in the value: ``a|b|c`` -> ``a:b/c``);
- ``xmp:Rating`` (0-5; -1 means "rejected" and is not a rating) becomes the rating;
- ``dc:description``, ``photoshop:Credit``, ``Iptc4xmpExt:DigitalSourceType``,
  ``xmp:CreatorTool`` and friends are returned for the service detectors.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from curata.ingest.metadata.result import MetadataError, to_float

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
PREFIXES = {
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://ns.adobe.com/xap/1.0/": "xmp",
    "http://ns.adobe.com/lightroom/1.0/": "lr",
    "http://ns.adobe.com/photoshop/1.0/": "photoshop",
    "http://iptc.org/std/Iptc4xmpExt/2008-02-29/": "Iptc4xmpExt",
    "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/": "Iptc4xmpCore",
    "http://ns.adobe.com/exif/1.0/": "exif",
    "http://ns.adobe.com/tiff/1.0/": "tiff",
    "http://ns.adobe.com/xap/1.0/mm/": "xmpMM",
    "http://ns.useplus.org/ldf/xmp/1.0/": "plus",
    "http://ns.microsoft.com/photo/1.0/": "MicrosoftPhoto",
    "http://ns.google.com/photos/1.0/image/": "GImage",
}
_CONTAINERS = {f"{{{_RDF}}}{c}" for c in ("Bag", "Seq", "Alt")}


@dataclass
class XmpFacts:
    properties: dict[str, str | list[str]] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    rating: int | None = None

    def text(self, name: str) -> str | None:
        """A property as one text (the first entry of a list, e.g. ``x-default``)."""
        value = self.properties.get(name)
        if isinstance(value, list):
            value = value[0] if value else None
        return value.strip() if isinstance(value, str) and value.strip() else None


def _qname(tag: str) -> str:
    if tag.startswith("{"):
        uri, _, local = tag[1:].partition("}")
        prefix = PREFIXES.get(uri)
        return f"{prefix}:{local}" if prefix else local
    return tag


def properties(packet: str) -> dict[str, str | list[str]]:
    """Every simple or list property of every ``rdf:Description`` in a packet."""
    text = packet.replace("\x00", "").strip()
    start = text.find("<")
    if start < 0:
        raise MetadataError("XMP: no XML in the packet")
    text = re.sub(r"<\?xpacket[^>]*\?>", "", text[start:])
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise MetadataError(f"XMP: not well-formed XML ({exc})") from None
    out: dict[str, str | list[str]] = {}
    for desc in root.iter(f"{{{_RDF}}}Description"):
        for attr, value in desc.attrib.items():
            if not attr.startswith(f"{{{_RDF}}}"):
                out[_qname(attr)] = value
        for child in desc:
            name = _qname(child.tag)
            container = next((c for c in child if c.tag in _CONTAINERS), None)
            if container is not None:
                out[name] = [(li.text or "").strip() for li in container if (li.text or "").strip()]
            elif (child.text or "").strip():
                out[name] = (child.text or "").strip()
            elif child.get(f"{{{_RDF}}}resource"):
                out[name] = child.get(f"{{{_RDF}}}resource", "")
    return out


def _as_list(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def hierarchical_tag(entry: str) -> str | None:
    """``"Places|Europe|France"`` -> ``"places:europe/france"``; one level -> simple tag."""
    parts = [p.strip() for p in entry.split("|") if p.strip()]
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    return f"{parts[0].replace(':', ' ')}:{'/'.join(parts[1:])}"


def rating(value: str | list[str] | None) -> int | None:
    number = to_float(value[0] if isinstance(value, list) and value else value)
    if number is None or not 0 <= number <= 5:
        return None
    return round(number)


def parse_packet(packet: str) -> XmpFacts:
    props = properties(packet)
    tags = list(_as_list(props.get("dc:subject")))
    for entry in _as_list(props.get("lr:hierarchicalSubject")):
        tag = hierarchical_tag(entry)
        if tag:
            tags.append(tag)
    return XmpFacts(properties=props, tags=tags, rating=rating(props.get("xmp:Rating")))

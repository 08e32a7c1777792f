"""Draw Things (iOS/macOS): an XMP packet whose ``xmp:CreatorTool`` is "Draw Things",
with the generation settings as JSON in ``exif:UserComment`` (the XMP property, or the
EXIF tag itself) and A1111-like text in ``dc:description``. The JSON's keys: ``c``
(prompt), ``uc`` (negative prompt), ``seed``, ``steps``, ``scale`` (CFG), ``sampler``,
``model``, ``size`` (``"768x1024"``), ``strength`` (denoise), ``seed_mode``,
``shift``, ``lora`` (``[{"file"|"model": name, "weight": w}]``), and more.
"""

from __future__ import annotations

import json
from typing import Any

from curata.ingest.metadata import json_blocks
from curata.ingest.metadata.result import (
    COMMON_KEYS,
    DRAWTHINGS,
    Blocks,
    CanonicalKeys,
    MetadataError,
    ParsedMetadata,
    clean_text,
    drop_empty,
    map_params,
    to_float,
    to_int,
)
from curata.ingest.metadata.xmp import parse_packet

_CANONICAL: CanonicalKeys = {
    **COMMON_KEYS,
    "scale": ("cfg_scale", to_float),
    "strength": ("denoise", to_float),
}
_SKIP = frozenset({"c", "uc", "lora", "size"})
_SETTINGS = ("scale", "sampler", "seed", "steps")


def _recognize(data: dict[str, Any]) -> bool:
    return "c" in data and any(k in data for k in _SETTINGS)


def _loras(value: Any) -> list[dict[str, Any]]:
    out = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, dict):
            name = item.get("file") or item.get("model")
            if isinstance(name, str) and name:
                out.append(drop_empty({"name": name, "weight": to_float(item.get("weight"))}))
    return out


def _xmp_comment(blocks: Blocks) -> str | None:
    packet = blocks.get("xmp")
    if not packet or "Draw Things" not in packet:
        return None
    try:
        facts = parse_packet(packet)
    except MetadataError:
        return None
    if "Draw Things" not in (facts.text("xmp:CreatorTool") or ""):
        return None
    return facts.text("exif:UserComment")


def parse(blocks: Blocks) -> ParsedMetadata | None:
    comment = _xmp_comment(blocks)
    if comment is not None:
        key, text = "xmp:exif:UserComment", comment
        data = json_blocks.load_object(text, key, "Draw Things settings")
        if not _recognize(data):
            raise MetadataError(f"{key}: Draw Things settings without a prompt ('c')")
    else:
        found = json_blocks.find(blocks, ('"c"',), _recognize, "Draw Things settings",
                                 ("exif:UserComment",))  # fmt: skip
        if found is None:
            return None
        key, text, data = found
    params = map_params(data, _CANONICAL, _SKIP)
    width, height = json_blocks.size_pair(data.get("size"))
    params.setdefault("width", to_int(width))
    params.setdefault("height", to_int(height))
    params["loras"] = _loras(data.get("lora"))
    return ParsedMetadata(
        ai_source=DRAWTHINGS,
        prompt=clean_text(data.get("c")),
        negative_prompt=clean_text(data.get("uc")),
        generation_params=drop_empty(params),
        source=key,
        raw={key: text if comment is None else json.dumps(data)},
    )

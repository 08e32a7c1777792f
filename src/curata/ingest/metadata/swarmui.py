"""SwarmUI: a JSON object with ``sui_image_params`` (and optional ``sui_extra_data``,
``sui_models``) in the PNG ``parameters`` chunk or the JPEG/WebP EXIF ``UserComment``.

Parameter ids are the lowercased names without spaces (``cfgscale``,
``negativeprompt``); values may be text (``"7.0"``); list values are JSON lists or
comma-separated text (``loras``/``loraweights``); models are named without extension.
"""

from __future__ import annotations

from typing import Any

from curata.ingest.metadata import json_blocks
from curata.ingest.metadata.result import (
    COMMON_KEYS,
    SWARMUI,
    Blocks,
    CanonicalKeys,
    MetadataError,
    ParsedMetadata,
    clean_text,
    drop_empty,
    map_params,
    to_float,
)

_CANONICAL: CanonicalKeys = {**COMMON_KEYS, "cfgscale": ("cfg_scale", to_float)}
_SKIP = frozenset({"prompt", "negativeprompt", "loras", "loraweights"})


def _items(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value]
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return []


def _loras(params: dict[str, Any]) -> list[dict[str, Any]]:
    names, weights = _items(params.get("loras")), _items(params.get("loraweights"))
    return [
        drop_empty({"name": name, "weight": to_float(weights[i]) if i < len(weights) else None})
        for i, name in enumerate(names)
    ]


def parse(blocks: Blocks) -> ParsedMetadata | None:
    found = json_blocks.find(
        blocks, ("sui_image_params",), lambda d: "sui_image_params" in d, "SwarmUI metadata"
    )
    if found is None:
        return None
    key, text, data = found
    params = data["sui_image_params"]
    if not isinstance(params, dict):
        raise MetadataError(f"{key}: SwarmUI 'sui_image_params' is not an object")
    mapped = map_params(params, _CANONICAL, _SKIP)
    mapped["loras"] = _loras(params)
    extra = data.get("sui_extra_data")
    for name, value in (extra if isinstance(extra, dict) else {}).items():
        mapped.setdefault(name, value)
    for model in data.get("sui_models") or []:
        if isinstance(model, dict) and model.get("param") == "model" and model.get("hash"):
            mapped.setdefault("model_hash", model["hash"])
    return ParsedMetadata(
        ai_source=SWARMUI,
        prompt=clean_text(params.get("prompt")),
        negative_prompt=clean_text(params.get("negativeprompt")),
        generation_params=drop_empty(mapped),
        source=key,
        raw={key: text},
    )

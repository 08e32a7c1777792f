"""RuinedFooocus: a flat JSON object in the PNG ``parameters`` chunk (JPEG/WebP EXIF
``UserComment`` alike), ``"software": "RuinedFooocus"``, without Fooocus's
``metadata_scheme``: ``Prompt``, ``Negative``, ``steps``, ``cfg``, ``width``,
``height``, ``seed``, ``sampler_name``, ``scheduler``, ``base_model_name``,
``base_model_hash``, ``loras`` (``[[hash, "weight - name"], ...]``, or in older
versions the text ``"Loras:<name:weight>,..."``), ``start_step``, ``denoise``,
``clip_skip``.
"""

from __future__ import annotations

import re
from typing import Any

from curata.ingest.metadata import json_blocks
from curata.ingest.metadata.result import (
    COMMON_KEYS,
    RUINEDFOOOCUS,
    Blocks,
    CanonicalKeys,
    ParsedMetadata,
    clean_text,
    drop_empty,
    map_params,
    to_float,
)

_CANONICAL: CanonicalKeys = {
    **COMMON_KEYS,
    "cfg": ("cfg_scale", to_float),
    "sampler_name": ("sampler", None),
    "base_model_name": ("model", None),
    "base_model_hash": ("model_hash", None),
}
_MARKERS = ("RuinedFooocus", '"base_model_name"')
_SKIP = frozenset({"Prompt", "Negative", "loras", "software"})


def _recognize(data: dict[str, Any]) -> bool:
    if "metadata_scheme" in data:
        return False
    return data.get("software") == "RuinedFooocus" or {"Prompt", "base_model_name"} <= data.keys()


def _loras(value: Any) -> list[dict[str, Any]]:
    out = []
    if isinstance(value, str):  # "Loras:<name:0.5>,<other:1>"
        for name, weight in re.findall(r"<([^<>:]+):([^<>]+)>", value):
            out.append(drop_empty({"name": name.strip(), "weight": to_float(weight)}))
        return out
    for item in value if isinstance(value, list) else []:
        if isinstance(item, list) and len(item) == 2 and isinstance(item[1], str):
            weight, _, name = item[1].partition(" - ")
            out.append(drop_empty({"name": name.strip(), "weight": to_float(weight),
                                   "hash": item[0]}))  # fmt: skip
    return [lora for lora in out if lora.get("name") and lora["name"] != "None"]


def parse(blocks: Blocks) -> ParsedMetadata | None:
    found = json_blocks.find(blocks, _MARKERS, _recognize, "RuinedFooocus parameters")
    if found is None:
        return None
    key, text, data = found
    params = map_params(data, _CANONICAL, _SKIP)
    params["loras"] = _loras(data.get("loras"))
    return ParsedMetadata(
        ai_source=RUINEDFOOOCUS,
        prompt=clean_text(data.get("Prompt")),
        negative_prompt=clean_text(data.get("Negative")),
        generation_params=drop_empty(params),
        source=key,
        raw={key: text},
    )

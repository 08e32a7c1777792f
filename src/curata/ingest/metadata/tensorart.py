"""Tensor.Art: a PNG ``generation_data`` text chunk (a JSON object: ``prompt``,
``negativePrompt``, ``seed`` (text), ``steps``, ``cfgScale``, ``clipSkip``, ``width``,
``height``, ``samplerName``, ``baseModel`` ``{modelFileName, hash}``, ``models``) beside
the ComfyUI ``prompt`` graph its backend ran. ``generation_data`` wins; what it lacks
(sampler, scheduler, LoRAs) comes from the graph when it is readable.
"""

from __future__ import annotations

from curata.ingest.metadata import comfyui, json_blocks
from curata.ingest.metadata.result import (
    COMMON_KEYS,
    TENSORART,
    Blocks,
    CanonicalKeys,
    MetadataError,
    ParsedMetadata,
    clean_text,
    drop_empty,
    map_params,
)

SOURCE = "png:generation_data"
_CANONICAL: CanonicalKeys = {**COMMON_KEYS, "sampler_name": ("sampler", None)}
_SKIP = frozenset({"prompt", "negative_Prompt", "base_Model", "models"})


def parse(blocks: Blocks) -> ParsedMetadata | None:
    text = blocks.get(SOURCE)
    if not text:
        return None
    data = json_blocks.load_object(text, SOURCE, "Tensor.Art generation data")
    params = map_params(json_blocks.decamel(data), _CANONICAL, _SKIP)
    base = data.get("baseModel")
    if isinstance(base, dict):
        params["model"] = base.get("modelFileName") or base.get("modelName")
        params["model_hash"] = base.get("hash")
    warnings: list[str] = []
    try:
        graph = comfyui.parse(blocks)
    except MetadataError as exc:
        graph, warnings = None, [str(exc)]
    if graph is not None:
        for key, value in graph.generation_params.items():
            if params.get(key) in (None, ""):
                params[key] = value
    return ParsedMetadata(
        ai_source=TENSORART,
        prompt=clean_text(data.get("prompt")) or (graph.prompt if graph else None),
        negative_prompt=clean_text(data.get("negativePrompt")),
        generation_params=drop_empty(params),
        source=SOURCE,
        raw={SOURCE: text, **(graph.raw if graph else {})},
        warnings=warnings,
    )

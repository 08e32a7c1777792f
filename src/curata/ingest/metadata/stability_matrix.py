"""Stability Matrix (its Inference tab): PNG text chunks ``parameters-json`` (a JSON
object: ``PositivePrompt``, ``NegativePrompt``, ``Seed``, ``Steps``, ``CfgScale``,
``Sampler``, ``Scheduler``, ``ModelName``, ``ModelHash``, ``Width``, ``Height``, ...),
``parameters`` (the same as A1111 text), ``smproj`` (its project) and, from its ComfyUI
backend, ``prompt`` (the graph). ``parameters-json`` is read; it names the tool.
"""

from __future__ import annotations

from curata.ingest.metadata import json_blocks
from curata.ingest.metadata.result import (
    COMMON_KEYS,
    STABILITY_MATRIX,
    Blocks,
    CanonicalKeys,
    ParsedMetadata,
    clean_text,
    drop_empty,
    map_params,
)

SOURCE = "png:parameters-json"
_CANONICAL: CanonicalKeys = {**COMMON_KEYS, "model_name": ("model", None)}
_SKIP = frozenset({"Positive_Prompt", "Negative_Prompt"})


def parse(blocks: Blocks) -> ParsedMetadata | None:
    text = blocks.get(SOURCE)
    if not text:
        return None
    data = json_blocks.load_object(text, SOURCE, "Stability Matrix parameters")
    params = map_params(json_blocks.decamel(data), _CANONICAL, _SKIP)
    return ParsedMetadata(
        ai_source=STABILITY_MATRIX,
        prompt=clean_text(data.get("PositivePrompt")),
        negative_prompt=clean_text(data.get("NegativePrompt")),
        generation_params=drop_empty(params),
        source=SOURCE,
        raw={SOURCE: text},
    )

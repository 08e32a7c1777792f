"""``<file>.json`` sidecars: a generator's own JSON beside the file, or generic fields.

Recognized: a ComfyUI API graph (alone or as ``{"prompt": graph}``) or UI workflow,
InvokeAI metadata, Fooocus parameters, and the flat objects that A1111's API and many
scripts write (``prompt``, ``negative_prompt``, ``seed``, ``steps``, ``sampler_name``,
``cfg_scale``, ``sd_model_name``, ...). Other JSON (photo-service exports and the like)
contributes only its description.
"""

from __future__ import annotations

import json
from typing import Any

from curata.ingest.metadata import comfyui, fooocus, invokeai
from curata.ingest.metadata.result import (
    AUTOMATIC1111,
    COMMON_KEYS,
    STABLE_DIFFUSION,
    Blocks,
    CanonicalKeys,
    MetadataError,
    ParsedMetadata,
    clean_text,
    drop_empty,
    map_params,
    snake,
    to_float,
)

SOURCE = "sidecar:json"
_GENERIC: CanonicalKeys = {
    **COMMON_KEYS,
    "sampler_name": ("sampler", None),
    "cfg": ("cfg_scale", to_float),
    "guidance_scale": ("cfg_scale", to_float),
    "model_name": ("model", None),
    "sd_model_name": ("model", None),
    "sd_model_checkpoint": ("model", None),
    "sd_model_hash": ("model_hash", None),
    "denoising_strength": ("denoise", to_float),
}
_PROMPT_KEYS = ("prompt", "positive_prompt", "positive")
_NEGATIVE_KEYS = ("negative_prompt", "negativePrompt", "negative")
_DESCRIPTION_KEYS = ("description", "caption", "title")
_A1111_MARKERS = ("sd_model_name", "sd_model_hash", "sampler_name", "infotexts")


def _generic(data: dict[str, Any], text: str) -> ParsedMetadata | None:
    prompt = next((clean_text(data[k]) for k in _PROMPT_KEYS if clean_text(data.get(k))), None)
    skip = frozenset(k for k, v in data.items() if not isinstance(v, str | int | float | bool))
    params = map_params(data, _GENERIC, skip | frozenset(_PROMPT_KEYS))
    generation = {"seed", "steps", "sampler", "cfg_scale", "model"} & params.keys()
    description = next(
        (clean_text(data.get(k)) for k in _DESCRIPTION_KEYS if clean_text(data.get(k))), None
    )
    if prompt is None or not generation:
        if description is None:
            return None
        return ParsedMetadata(description=description, source=SOURCE, raw={SOURCE: text})
    negative = next(
        (clean_text(data.get(k)) for k in _NEGATIVE_KEYS if clean_text(data.get(k))), None
    )
    is_a1111 = any(k in data for k in _A1111_MARKERS)
    for key in (*_NEGATIVE_KEYS, *_DESCRIPTION_KEYS):
        params.pop(snake(key), None)
    return ParsedMetadata(
        ai_source=AUTOMATIC1111 if is_a1111 else STABLE_DIFFUSION,
        prompt=prompt,
        negative_prompt=negative,
        generation_params=drop_empty(params),
        description=description,
        source=SOURCE,
        raw={SOURCE: text},
    )


def parse(blocks: Blocks) -> ParsedMetadata | None:
    text = blocks.get(SOURCE)
    if not text:
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MetadataError(f"{SOURCE}: not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        return None
    if comfyui.is_api_graph(data):
        return comfyui.parse_graph(data, SOURCE, text, [])
    if comfyui.is_api_graph(data.get("prompt")):
        return comfyui.parse_graph(data["prompt"], SOURCE, text, [])
    if isinstance(data.get("nodes"), list) and "links" in data:
        return comfyui.parse_workflow_text(text, SOURCE)
    if "positive_prompt" in data and "generation_mode" in data:
        return invokeai.parse_invokeai_metadata(text, SOURCE)
    if "metadata_scheme" in data or "full_prompt" in data:
        return fooocus.parse_json(data, SOURCE, text)
    return _generic(data, text)

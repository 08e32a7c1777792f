"""Flat parameter objects: what Diffusers-based apps, web demos, A1111's API and many
scripts write (``prompt``, ``negative_prompt``, ``seed``, ``num_inference_steps`` or
``steps``, ``guidance_scale`` or ``cfg``, ``scheduler`` or ``sampler``, a model name).

Embedded, such an object is JSON in the PNG ``parameters`` chunk (or another text
chunk named in :data:`_CHUNKS`), the JPEG/WebP EXIF ``UserComment`` or the JPEG
comment, or its keys are separate PNG text chunks (``prompt``, ``seed``,
``num_inference_steps``, ... each a chunk). :func:`read_flat` is also how a ``.json``
sidecar of this shape is read.
"""

from __future__ import annotations

from typing import Any

from curata.ingest.metadata import json_blocks
from curata.ingest.metadata.result import (
    AUTOMATIC1111,
    COMMON_KEYS,
    DIFFUSERS,
    Blocks,
    CanonicalKeys,
    ParsedMetadata,
    clean_text,
    drop_empty,
    map_params,
    snake,
    to_float,
    to_int,
)

FLAT_KEYS: CanonicalKeys = {
    **COMMON_KEYS,
    "sampler_name": ("sampler", None),
    "cfg": ("cfg_scale", to_float),
    "guidance_scale": ("cfg_scale", to_float),
    "num_inference_steps": ("steps", to_int),
    "model_name": ("model", None),
    "model_id": ("model", None),
    "pretrained_model_name_or_path": ("model", None),
    "sd_model_name": ("model", None),
    "sd_model_checkpoint": ("model", None),
    "sd_model_hash": ("model_hash", None),
    "denoising_strength": ("denoise", to_float),
    "strength": ("denoise", to_float),
}
_PROMPT_KEYS = ("prompt", "positive_prompt", "positive")
_NEGATIVE_KEYS = ("negative_prompt", "negativePrompt", "negative")
_DESCRIPTION_KEYS = ("description", "caption", "title")
_A1111_MARKERS = ("sd_model_name", "sd_model_hash", "sampler_name", "infotexts")
_DIFFUSERS_MARKERS = ("num_inference_steps", "guidance_scale", "pretrained_model_name_or_path")
_EMBEDDED = ("png:parameters", "png:metadata", "png:generation_params", "exif:UserComment",
             "comment")  # fmt: skip
_CHUNKS_NEEDED = {"seed", "steps", "num_inference_steps", "guidance_scale", "cfg_scale"}


def read_flat(
    data: dict[str, Any], text: str, source: str, default: str | None
) -> ParsedMetadata | None:
    """A flat object as generation metadata when it has a prompt and a generation
    parameter (``ai_source``: A1111's API keys -> automatic1111, Diffusers' keys ->
    diffusers, else ``default``); a description-only result, or ``None``."""
    prompt = next((clean_text(data[k]) for k in _PROMPT_KEYS if clean_text(data.get(k))), None)
    skip = frozenset(k for k, v in data.items() if not isinstance(v, str | int | float | bool))
    params = map_params(data, FLAT_KEYS, skip | frozenset(_PROMPT_KEYS))
    generation = {"seed", "steps", "sampler", "cfg_scale", "model"} & params.keys()
    description = next(
        (clean_text(data.get(k)) for k in _DESCRIPTION_KEYS if clean_text(data.get(k))), None
    )
    if prompt is None or not generation:
        if description is None:
            return None
        return ParsedMetadata(description=description, source=source, raw={source: text})
    negative = next(
        (clean_text(data.get(k)) for k in _NEGATIVE_KEYS if clean_text(data.get(k))), None
    )
    ai_source: str | None
    if any(k in data for k in _A1111_MARKERS):
        ai_source = AUTOMATIC1111
    elif any(k in data for k in _DIFFUSERS_MARKERS):
        ai_source = DIFFUSERS
    else:
        ai_source = default
    for key in (*_NEGATIVE_KEYS, *_DESCRIPTION_KEYS):
        params.pop(snake(key), None)
    if isinstance(params.get("scheduler"), str) and "sampler" not in params:
        params["sampler"] = params["scheduler"]  # Diffusers names its samplers schedulers
    return ParsedMetadata(
        ai_source=ai_source,
        prompt=prompt,
        negative_prompt=negative,
        generation_params=drop_empty(params),
        description=description,
        source=source,
        raw={source: text},
    )


def png_chunks(blocks: Blocks) -> dict[str, str]:
    """The PNG text chunks as one flat object (``{"prompt": ..., "seed": ...}``)."""
    return {key[4:]: value for key, value in blocks.items() if key.startswith("png:")}


def parse(blocks: Blocks) -> ParsedMetadata | None:
    for key, text, data in json_blocks.objects(blocks, _EMBEDDED):
        found = read_flat(data, text, key, DIFFUSERS)
        if found is not None and found.ai_source:
            return found
    chunks = png_chunks(blocks)
    prompt = chunks.get("prompt", "")
    if prompt and not prompt.lstrip().startswith("{") and _CHUNKS_NEEDED & chunks.keys():
        text = "\n".join(f"{k}: {v}" for k, v in chunks.items())
        found = read_flat(chunks, text, "png:prompt", DIFFUSERS)
        if found is not None and found.ai_source:
            found.raw = {f"png:{k}": v for k, v in chunks.items()}
            return found
    return None

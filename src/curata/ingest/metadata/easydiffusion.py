"""Easy Diffusion: its task's settings, each a separate PNG text chunk (``prompt``,
``negative_prompt``, ``seed``, ``use_stable_diffusion_model``, ``sampler_name``,
``num_inference_steps``, ``guidance_scale``, ``width``, ``height``, ``clip_skip``,
``use_vae_model``, ``use_lora_model``/``lora_alpha``, ...; versions before 2.5 used the
labels ``Prompt``, ``Negative Prompt``, ``Stable Diffusion model``, ``Steps``,
``Guidance Scale``, ...), or the same keys as a JSON object in the JPEG/WebP EXIF
``UserComment`` (or a ``.json`` sidecar). ``use_stable_diffusion_model`` is its mark.
"""

from __future__ import annotations

from typing import Any

from curata.ingest.metadata import diffusers, json_blocks
from curata.ingest.metadata.result import (
    COMMON_KEYS,
    EASYDIFFUSION,
    Blocks,
    CanonicalKeys,
    ParsedMetadata,
    clean_text,
    drop_empty,
    map_params,
    to_float,
    to_int,
)

# the labels of versions before 2.5 -> the task keys
_LABELS = {
    "Prompt": "prompt",
    "Negative Prompt": "negative_prompt",
    "Seed": "seed",
    "Stable Diffusion model": "use_stable_diffusion_model",
    "Clip Skip": "clip_skip",
    "VAE model": "use_vae_model",
    "Sampler": "sampler_name",
    "Width": "width",
    "Height": "height",
    "Steps": "num_inference_steps",
    "Guidance Scale": "guidance_scale",
    "Prompt Strength": "prompt_strength",
    "LoRA model": "use_lora_model",
    "LoRA Strength": "lora_alpha",
}
_CANONICAL: CanonicalKeys = {
    **COMMON_KEYS,
    "use_stable_diffusion_model": ("model", None),
    "use_vae_model": ("vae", None),
    "sampler_name": ("sampler", None),
    "num_inference_steps": ("steps", to_int),
    "guidance_scale": ("cfg_scale", to_float),
    "prompt_strength": ("denoise", to_float),
}
_SKIP = frozenset({"prompt", "negative_prompt", "use_lora_model", "lora_alpha"})
_MARKS = ("use_stable_diffusion_model", "Stable Diffusion model")


def _task(data: dict[str, Any]) -> dict[str, Any]:
    return {_LABELS.get(k, k): v for k, v in data.items()}


def _loras(task: dict[str, Any]) -> list[dict[str, Any]]:
    names, weights = task.get("use_lora_model"), task.get("lora_alpha")
    names = names if isinstance(names, list) else [names] if names else []
    weights = weights if isinstance(weights, list) else [weights] * len(names)
    return [
        drop_empty({"name": str(n), "weight": to_float(w)})
        for n, w in zip(names, weights, strict=False)
        if n and str(n) != "None"
    ]


def from_task(data: dict[str, Any], source: str, raw: dict[str, str]) -> ParsedMetadata:
    task = _task(data)
    params = map_params(task, _CANONICAL, _SKIP)
    params["loras"] = _loras(task)
    return ParsedMetadata(
        ai_source=EASYDIFFUSION,
        prompt=clean_text(task.get("prompt")),
        negative_prompt=clean_text(task.get("negative_prompt")),
        generation_params=drop_empty(params),
        source=source,
        raw=raw,
    )


def parse(blocks: Blocks) -> ParsedMetadata | None:
    chunks = diffusers.png_chunks(blocks)
    if any(mark in chunks for mark in _MARKS):
        raw = {f"png:{k}": v for k, v in chunks.items()}
        return from_task(chunks, "png:" + next(m for m in _MARKS if m in chunks), raw)
    found = json_blocks.find(
        blocks, _MARKS, lambda d: any(m in d for m in _MARKS), "Easy Diffusion settings"
    )
    if found is None:
        return None
    key, text, data = found
    return from_task(data, key, {key: text})

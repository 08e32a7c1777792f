"""InvokeAI, in the three formats its versions wrote.

- ``invokeai_metadata`` (3.x and later): one JSON object with ``positive_prompt``,
  ``negative_prompt``, ``seed``, ``steps``, ``cfg_scale``, ``scheduler``, ``model``
  (an object), ``width``, ``height``, ``loras``, ...
- ``sd-metadata`` (2.x): JSON with ``model_weights``, ``model_hash``, ``app_version``
  and an ``image`` object whose ``prompt`` is a list of ``{prompt, weight}``; negative
  terms are written inside the prompt in ``[square brackets]``.
- ``Dream`` (the oldest): ``"prompt [negative]" -s 50 -S 42 -W 512 -H 768 -C 7.5 -A k_lms``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from curata.ingest.metadata.result import (
    COMMON_KEYS,
    INVOKEAI,
    Blocks,
    CanonicalKeys,
    MetadataError,
    ParsedMetadata,
    clean_text,
    drop_empty,
    map_params,
    snake,
    to_float,
    to_int,
    to_number,
)

_DREAM_OPTIONS = {
    "s": ("steps", to_int),
    "S": ("seed", to_int),
    "W": ("width", to_int),
    "H": ("height", to_int),
    "C": ("cfg_scale", to_float),
    "A": ("sampler", None),
    "f": ("denoise", to_float),
}
_META_CANONICAL: CanonicalKeys = {
    **COMMON_KEYS,
    "strength": ("denoise", to_float),
}
_META_SKIP = frozenset({"positive_prompt", "negative_prompt", "model", "vae", "loras"})


def _load_object(text: str, source: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MetadataError(f"{source}: not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise MetadataError(f"{source}: not a JSON object")
    return data


def _model_name(value: Any) -> str | None:
    if isinstance(value, dict):
        for key in ("model_name", "name", "key"):
            if isinstance(value.get(key), str):
                return value[key]
        return None
    return value if isinstance(value, str) else None


def _meta_loras(value: Any) -> list[dict[str, Any]]:
    out = []
    for item in value if isinstance(value, list) else []:
        if not isinstance(item, dict):
            continue
        name = _model_name(item.get("lora")) or _model_name(item.get("model"))
        if name:
            out.append(drop_empty({"name": name, "weight": to_float(item.get("weight"))}))
    return out


def parse_invokeai_metadata(text: str, source: str) -> ParsedMetadata:
    data = _load_object(text, source)
    params = map_params(data, _META_CANONICAL, _META_SKIP)
    model = data.get("model")
    params["model"] = _model_name(model)
    if isinstance(model, dict):
        params["model_hash"] = model.get("hash")
        params["base_model"] = model.get("base_model") or model.get("base")
    if isinstance(params.get("scheduler"), str):
        params["sampler"] = params["scheduler"]  # InvokeAI names its samplers "schedulers"
    params["vae"] = _model_name(data.get("vae"))
    params["loras"] = _meta_loras(data.get("loras"))
    return ParsedMetadata(
        ai_source=INVOKEAI,
        prompt=clean_text(data.get("positive_prompt")),
        negative_prompt=clean_text(data.get("negative_prompt")),
        generation_params=drop_empty(params),
        source=source,
        raw={source: text},
    )


def split_brackets(text: str) -> tuple[str | None, str | None]:
    """InvokeAI 2's combined prompt: ``[bracketed]`` parts are the negative prompt."""
    negatives = [m.strip(" ,") for m in re.findall(r"\[([^\[\]]*)\]", text)]
    positive = re.sub(r"\[[^\[\]]*\]", " ", text)
    positive = re.sub(r"\s+", " ", positive).strip(" ,")
    return positive or None, ", ".join(n for n in negatives if n) or None


def parse_sd_metadata(text: str, source: str) -> ParsedMetadata:
    data = _load_object(text, source)
    image = data.get("image")
    if not isinstance(image, dict):
        raise MetadataError(f"{source}: no 'image' object")
    prompt_value = image.get("prompt")
    if isinstance(prompt_value, str):
        prompt_value = [{"prompt": prompt_value}]
    if not isinstance(prompt_value, list):
        raise MetadataError(f"{source}: 'image.prompt' is neither text nor a list")
    positives, negatives, weights = [], [], []
    for item in prompt_value:
        if isinstance(item, dict) and isinstance(item.get("prompt"), str):
            positive, negative = split_brackets(item["prompt"])
            positives += [positive] if positive else []
            negatives += [negative] if negative else []
            weights.append(item.get("weight"))
    params: dict[str, Any] = {
        snake(k): v for k, v in image.items() if k not in ("prompt", "cfg_scale", "strength")
    }
    params["cfg_scale"] = to_float(image.get("cfg_scale"))
    params["denoise"] = to_float(image.get("strength"))
    params["model"] = data.get("model_weights")
    params["model_hash"] = data.get("model_hash")
    params["app_version"] = data.get("app_version")
    params["app_id"] = data.get("app_id")
    if len(weights) > 1:
        params["prompt_weights"] = weights
    return ParsedMetadata(
        ai_source=INVOKEAI,
        prompt="\n".join(positives) or None,
        negative_prompt="\n".join(negatives) or None,
        generation_params=drop_empty(params),
        source=source,
        raw={source: text},
    )


def parse_dream(text: str, source: str) -> ParsedMetadata:
    m = re.match(r'^\s*"(.*?)"(.*)$', text, re.DOTALL)
    if m is None:
        raise MetadataError(f'{source}: a Dream string starts with the "quoted prompt"')
    prompt, negative = split_brackets(m.group(1))
    params: dict[str, Any] = {}
    for opt in re.finditer(r"(?:^|\s)-(\w+)\s+(\S+)", m.group(2)):
        key, value = opt.groups()
        if key in _DREAM_OPTIONS:
            name, convert = _DREAM_OPTIONS[key]
            params[name] = convert(value) if convert else value
        else:
            params[key] = to_number(value)
    return ParsedMetadata(
        ai_source=INVOKEAI,
        prompt=prompt,
        negative_prompt=negative,
        generation_params=drop_empty(params),
        source=source,
        raw={source: text},
    )


_VARIANTS = (
    ("invokeai_metadata", parse_invokeai_metadata),
    ("sd-metadata", parse_sd_metadata),
    ("Dream", parse_dream),
)


def parse(blocks: Blocks) -> ParsedMetadata | None:
    for keyword, parser in _VARIANTS:
        text = blocks.get("png:" + keyword)
        if text:
            return parser(text, "png:" + keyword)
    return None

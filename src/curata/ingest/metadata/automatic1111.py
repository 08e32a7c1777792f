"""AUTOMATIC1111 (and Forge, SD.Next, which write the same) "parameters" text.

The text is the prompt, an optional ``Negative prompt:`` section, and one line of
``Key: value`` pairs starting with ``Steps:`` (values with commas are double-quoted).
It arrives as the PNG ``parameters`` chunk, the JPEG/WebP EXIF ``UserComment``, the
"stealth" alpha-channel encoding (see :mod:`curata.ingest.stealth`), or a ``.txt``
sidecar.
"""

from __future__ import annotations

import json
import re
from typing import Any

from curata.ingest.metadata.result import (
    AUTOMATIC1111,
    COMFYUI,
    COMMON_KEYS,
    STABLE_DIFFUSION,
    Blocks,
    CanonicalKeys,
    MetadataError,
    ParsedMetadata,
    clean_text,
    drop_empty,
    looks_binary,
    loras_from_prompt,
    map_params,
    to_float,
    to_number,
)

# Blocks that may hold the text, most authoritative first.
CANDIDATE_BLOCKS = ("png:parameters", "exif:UserComment", "stealth:parameters", "sidecar:txt")
_PARAM = re.compile(r'\s*([^:,"\n][^:,"\n]*?):\s*("(?:\\.|[^\\"])*"|[^,]*)(?:,|$)')
_PARAMS_LINE = re.compile(r"^\s*Steps:\s*\d+")
_NEGATIVE = "Negative prompt:"
_CANONICAL: CanonicalKeys = {
    **COMMON_KEYS,
    "schedule_type": ("scheduler", None),
    "denoising_strength": ("denoise", to_float),
}


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        try:
            decoded = json.loads(value)
        except json.JSONDecodeError:
            return value[1:-1]
        return decoded if isinstance(decoded, str) else value[1:-1]
    return value


def parse_param_line(line: str) -> dict[str, str]:
    """``"Steps: 20, Sampler: Euler a, Lora hashes: "a: 1, b: 2""`` as ordered pairs."""
    return {m.group(1).strip(): _unquote(m.group(2)) for m in _PARAM.finditer(line)}


def split_text(text: str) -> tuple[str, str, str | None, list[str]]:
    """The text as (prompt, negative prompt, parameter line or None, trailing lines)."""
    lines = text.replace("\r\n", "\n").strip().split("\n")
    params_at = None
    for i in range(len(lines) - 1, -1, -1):
        if _PARAMS_LINE.match(lines[i]):
            params_at = i
            break
    body = lines if params_at is None else lines[:params_at]
    trailing = [] if params_at is None else [ln for ln in lines[params_at + 1 :] if ln.strip()]
    prompt_lines: list[str] = []
    negative_lines: list[str] = []
    target = prompt_lines
    for line in body:
        if target is prompt_lines and line.lstrip().startswith(_NEGATIVE):
            target = negative_lines
            line = line.lstrip()[len(_NEGATIVE) :]
        target.append(line)
    param_line = None if params_at is None else lines[params_at]
    return "\n".join(prompt_lines).strip(), "\n".join(negative_lines).strip(), param_line, trailing


def _lora_hashes(value: str) -> dict[str, str]:
    out = {}
    for part in value.split(","):
        name, sep, digest = part.rpartition(":")
        if sep and name.strip():
            out[name.strip()] = digest.strip()
    return out


def params_from_pairs(pairs: dict[str, str]) -> dict[str, Any]:
    """The ``Key: value`` pairs as generation params with canonical keys and numbers."""
    params = map_params({k: v.strip() for k, v in pairs.items()}, _CANONICAL, extra=to_number)
    size = re.fullmatch(r"(\d+)\s*x\s*(\d+)", str(params.pop("size", "")))
    if size:
        params["width"], params["height"] = int(size.group(1)), int(size.group(2))
    if isinstance(params.get("lora_hashes"), str):
        params["lora_hashes"] = _lora_hashes(params["lora_hashes"])
    return params


def _app(params: dict[str, Any]) -> str | None:
    version = str(params.get("version", ""))
    app = str(params.get("app", "")).lower()
    if "sd.next" in app or "sdnext" in app:
        return "sd.next"
    if re.match(r"f\d+\.\d+", version):
        return "forge"
    return None


def parse_text(text: str, source: str, *, require_params: bool) -> ParsedMetadata | None:
    """One A1111-style text. ``None`` when ``require_params`` and it has no parameter line."""
    if looks_binary(text):
        raise MetadataError(f"{source}: binary data where generation parameters were expected")
    prompt, negative, param_line, trailing = split_text(text)
    if param_line is None:
        if require_params:
            return None
        return ParsedMetadata(
            ai_source=STABLE_DIFFUSION,
            prompt=clean_text(prompt),
            negative_prompt=clean_text(negative),
            source=source,
            warnings=[f"{source}: no parameter line (Steps: ...); only the prompt was read"],
            raw={source: text},
        )
    params = params_from_pairs(parse_param_line(param_line))
    if trailing:
        params["extra_lines"] = trailing
    loras = loras_from_prompt(prompt)
    hashes = params.pop("lora_hashes", {})
    for lora in loras:
        if lora["name"] in hashes:
            lora["hash"] = hashes[lora["name"]]
    known = {lora["name"] for lora in loras}
    loras += [{"name": n, "hash": h} for n, h in hashes.items() if n not in known]
    params["loras"] = loras
    app = _app(params)
    if app:
        params["app"] = app
    ai_source = COMFYUI if "comfyui" in str(params.get("version", "")).lower() else AUTOMATIC1111
    return ParsedMetadata(
        ai_source=ai_source,
        prompt=clean_text(prompt),
        negative_prompt=clean_text(negative),
        generation_params=drop_empty(params),
        source=source,
        raw={source: text},
    )


def _is_json_object(text: str) -> bool:
    """A JSON object, or the start of one (``{"``), as other generators write."""
    stripped = text.lstrip()
    if stripped.startswith('{"'):
        return True
    if not stripped.startswith("{"):
        return False
    try:
        return isinstance(json.loads(text), dict)
    except (json.JSONDecodeError, RecursionError):
        return False


def parse(blocks: Blocks) -> ParsedMetadata | None:
    for key in CANDIDATE_BLOCKS:
        text = blocks.get(key)
        if not text or not text.strip():
            continue
        if _is_json_object(text):
            continue  # another generator's format (Fooocus, NovelAI, ...)
        found = parse_text(text, key, require_params=key != "png:parameters")
        if found is not None:
            return found
    return None

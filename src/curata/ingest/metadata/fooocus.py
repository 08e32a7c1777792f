"""Fooocus: the ``parameters`` JSON (``metadata_scheme`` "fooocus") and its A1111-style
variant (scheme "a1111", recognisable by ``Version: Fooocus ...``).

PNG files carry the scheme in a ``fooocus_scheme`` chunk; JPEG and WebP files carry
the text in EXIF ``UserComment`` and the version in ``Software``.
"""

from __future__ import annotations

import ast
import json
import re
from typing import Any

from curata.ingest.metadata import automatic1111
from curata.ingest.metadata.result import (
    COMMON_KEYS,
    FOOOCUS,
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

_CANONICAL: CanonicalKeys = {
    **COMMON_KEYS,
    "base_model": ("model", None),
    "base_model_hash": ("model_hash", None),
    "guidance_scale": ("cfg_scale", to_float),
}
_SKIP = frozenset({"prompt", "negative_prompt", "resolution", "loras", "metadata_scheme"})


def _is_fooocus(blocks: Blocks, text: str) -> bool:
    if blocks.get("png:fooocus_scheme"):
        return True
    if str(blocks.get("exif:Software", "")).startswith("Fooocus"):
        return True
    return bool(re.search(r'"version"\s*:\s*"Fooocus|Version: Fooocus', text))


def _resolution(value: Any) -> tuple[int | None, int | None]:
    """Fooocus writes ``"(width, height)"`` as text."""
    try:
        pair = ast.literal_eval(value) if isinstance(value, str) else value
    except (ValueError, SyntaxError):
        return None, None
    if isinstance(pair, list | tuple) and len(pair) == 2:
        return to_int(pair[0]), to_int(pair[1])
    return None, None


def _loras(value: Any) -> list[dict[str, Any]]:
    out = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, list | tuple) and item and isinstance(item[0], str):
            lora: dict[str, Any] = {"name": item[0]}
            if len(item) > 1:
                lora["weight"] = to_float(item[1])
            if len(item) > 2:
                lora["hash"] = item[2]
            out.append(drop_empty(lora))
    return out


def _styles(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("["):
        try:
            return ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return value
    return value


def parse_json(data: dict[str, Any], source: str, text: str) -> ParsedMetadata:
    params = map_params(data, _CANONICAL, _SKIP)
    if "styles" in params:
        params["styles"] = _styles(params["styles"])
    params["width"], params["height"] = _resolution(data.get("resolution"))
    params["loras"] = _loras(data.get("loras"))
    if params.get("refiner_model") == "None":
        params.pop("refiner_model")
    return ParsedMetadata(
        ai_source=FOOOCUS,
        prompt=clean_text(data.get("prompt")),
        negative_prompt=clean_text(data.get("negative_prompt")),
        generation_params=drop_empty(params),
        source=source,
        raw={source: text},
    )


def parse(blocks: Blocks) -> ParsedMetadata | None:
    for key in ("png:parameters", "exif:UserComment", "sidecar:json"):
        text = blocks.get(key)
        if not text or not _is_fooocus(blocks, text):
            continue
        if not text.lstrip().startswith("{"):
            found = automatic1111.parse_text(text, key, require_params=True)
            if found is None:
                raise MetadataError(f"{key}: Fooocus text without a parameter line")
            found.ai_source = FOOOCUS
            return found
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise MetadataError(f"{key}: Fooocus parameters are not valid JSON ({exc})") from None
        if not isinstance(data, dict):
            raise MetadataError(f"{key}: Fooocus parameters are not a JSON object")
        return parse_json(data, key, text)
    return None

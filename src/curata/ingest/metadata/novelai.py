"""NovelAI: ``Software`` = NovelAI, the prompt in ``Description``, the model in
``Source`` and the parameters in the ``Comment`` JSON (``uc`` is the negative prompt,
``scale`` the CFG scale). Newer files repeat these as a JSON object in the alpha
channel ("stealth_pngcomp"), which arrives as the ``stealth:parameters`` block.
"""

from __future__ import annotations

import json
from typing import Any

from curata.ingest.metadata.result import (
    COMMON_KEYS,
    NOVELAI,
    Blocks,
    CanonicalKeys,
    MetadataError,
    ParsedMetadata,
    clean_text,
    drop_empty,
    map_params,
    to_float,
)

_CANONICAL: CanonicalKeys = {
    **COMMON_KEYS,
    "scale": ("cfg_scale", to_float),
    "strength": ("denoise", to_float),
    "noise_schedule": ("scheduler", None),
}
_SKIP = frozenset({"uc", "prompt", "v4_prompt", "v4_negative_prompt"})


def _fields(blocks: Blocks) -> tuple[dict[str, str], str] | None:
    """NovelAI's text fields from PNG chunks, or from the stealth JSON object."""
    if str(blocks.get("png:Software", "")).strip().startswith("NovelAI"):
        return {k[4:]: v for k, v in blocks.items() if k.startswith("png:")}, "png"
    stealth = blocks.get("stealth:parameters", "")
    if stealth.lstrip().startswith("{"):
        try:
            data = json.loads(stealth)
        except json.JSONDecodeError:
            return None
        if isinstance(data, dict) and str(data.get("Software", "")).startswith("NovelAI"):
            return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}, (
                "stealth"
            )
    return None


def _v4_caption(value: Any) -> str | None:
    if isinstance(value, dict):
        caption = value.get("caption")
        if isinstance(caption, dict):
            return clean_text(caption.get("base_caption"))
    return None


def parse(blocks: Blocks) -> ParsedMetadata | None:
    found = _fields(blocks)
    if found is None:
        return None
    fields, origin = found
    comment_text = fields.get("Comment", "")
    source = "png:Comment" if origin == "png" else "stealth:parameters"
    comment: dict[str, Any] = {}
    warnings = []
    if comment_text:
        try:
            parsed = json.loads(comment_text)
        except json.JSONDecodeError as exc:
            parsed = None
            warnings.append(f"{source}: NovelAI Comment is not valid JSON ({exc})")
        if isinstance(parsed, dict):
            comment = parsed
        elif parsed is not None:
            warnings.append(f"{source}: NovelAI Comment is not a JSON object")
    prompt = clean_text(fields.get("Description")) or clean_text(comment.get("prompt"))
    prompt = prompt or _v4_caption(comment.get("v4_prompt"))
    negative = clean_text(comment.get("uc")) or _v4_caption(comment.get("v4_negative_prompt"))
    if prompt is None and not comment:
        raise MetadataError(f"{source}: NovelAI file without a prompt or parameters")
    params = map_params(comment, _CANONICAL, _SKIP)
    model = clean_text(fields.get("Source"))
    if model:
        params["model"] = model
    raw = {f"{origin}:{k}": v for k, v in fields.items() if isinstance(v, str)}
    return ParsedMetadata(
        ai_source=NOVELAI,
        prompt=prompt,
        negative_prompt=negative,
        generation_params=drop_empty(params),
        source=source,
        warnings=warnings,
        raw=raw if origin == "png" else {"stealth:parameters": blocks["stealth:parameters"]},
    )

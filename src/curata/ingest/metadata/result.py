"""The one result type every generation-metadata parser returns, and shared helpers.

A parser takes the raw metadata blocks of a file (``{"png:parameters": "...", ...}``)
and returns a :class:`ParsedMetadata` when the blocks are in its format, ``None``
when they are not, and raises :class:`MetadataError` when they claim its format but
cannot be read; the dispatcher turns that into a warning, never a failed file.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

# The canonical ``ai_source`` names, declared with their families in curata.models.ai_sources.
from curata.models.ai_sources import *  # noqa: F403

Blocks = Mapping[str, str]


class MetadataError(ValueError):
    """Blocks that claim a generator's format but cannot be read as it."""


@dataclass
class ParsedMetadata:
    """What a file's embedded metadata and sidecars say about how it was made.

    ``generation_params`` uses canonical keys where the format has the fact (``model``,
    ``model_hash``, ``seed``, ``steps``, ``sampler``, ``scheduler``, ``cfg_scale``,
    ``width``, ``height``, ``denoise``, ``loras``, ``vae``, ``clip_skip``) and keeps
    everything else the format carries under its own (snake_case) name.
    ``variant_key`` is the same for files of one prompt and model (see
    :func:`curata.ingest.metadata.dispatch.variant_key`).
    """

    ai_source: str | None = None
    prompt: str | None = None
    negative_prompt: str | None = None
    generation_params: dict[str, Any] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    rating: int | None = None
    description: str | None = None
    guess: bool = False
    source: str | None = None
    variant_key: str | None = None
    warnings: list[str] = field(default_factory=list)
    raw: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def to_int(value: Any) -> int | None:
    """An integer from an int, an integral float or numeric text; else ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value == int(value) else None
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"[+-]?\d+", text):
            return int(text)
        number = to_float(text)
        return to_int(number) if number is not None else None
    return None


def to_float(value: Any) -> float | None:
    """A finite float from a number or numeric text; else ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def to_number(value: Any) -> int | float | str | None:
    """Numeric text as a number (int when integral), other text as stripped text."""
    if value is None or isinstance(value, bool):
        return value
    as_int = to_int(value) if not (isinstance(value, str) and "." in value) else None
    if as_int is not None:
        return as_int
    as_float = to_float(value)
    if as_float is not None:
        return as_float
    return value.strip() if isinstance(value, str) else value


Converter = Callable[[Any], Any]
# snake_case source key -> (canonical key, converter or None to keep the value)
CanonicalKeys = Mapping[str, tuple[str, Converter | None]]


def _text(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def map_params(
    data: Mapping[str, Any],
    canonical: CanonicalKeys,
    skip: frozenset[str] = frozenset(),
    extra: Converter | None = lambda value: value,
) -> dict[str, Any]:
    """A format's key/value pairs as generation params: known keys (matched by their
    snake_case form) renamed and converted, the first one winning when several map to
    one name; other keys kept under their snake_case name through ``extra`` (dropped
    when ``extra`` is None); keys in ``skip`` ignored."""
    params: dict[str, Any] = {}
    for key, value in data.items():
        if key in skip:
            continue
        name = snake(key)
        if name in canonical:
            target, convert = canonical[name]
            converted = convert(value) if convert else value
            params.setdefault(target, converted if converted is not None else value)
        elif extra is not None:
            params.setdefault(name, extra(value))
    return params


COMMON_KEYS: CanonicalKeys = {
    "model": ("model", _text),
    "model_hash": ("model_hash", _text),
    "seed": ("seed", to_int),
    "steps": ("steps", to_int),
    "sampler": ("sampler", _text),
    "scheduler": ("scheduler", _text),
    "cfg_scale": ("cfg_scale", to_float),
    "width": ("width", to_int),
    "height": ("height", to_int),
    "denoise": ("denoise", to_float),
    "clip_skip": ("clip_skip", to_int),
    "vae": ("vae", _text),
}
"""Keys that mean the same in every format that uses them."""


def snake(key: str) -> str:
    """``"CFG scale"`` -> ``"cfg_scale"``: a parameter name as a stable snake_case key."""
    return re.sub(r"[^0-9a-z]+", "_", key.strip().lower()).strip("_")


def clean_text(value: Any) -> str | None:
    """Prompt text without surrounding whitespace; empty or non-text is ``None``."""
    if not isinstance(value, str):
        return None
    text = value.replace("\x00", "").strip()
    return text or None


def model_tag_name(model: str) -> str:
    """The name a model is faceted by: no folder, no weights-file extension."""
    name = re.split(r"[\\/]", model.strip())[-1]
    name = re.sub(r"\.(safetensors|ckpt|pt|pth|bin|gguf|sft)$", "", name, flags=re.IGNORECASE)
    return name.strip() or model.strip()


def drop_empty(params: dict[str, Any]) -> dict[str, Any]:
    """Parameters without ``None``, empty text or empty collections."""
    return {k: v for k, v in params.items() if v is not None and v != "" and v != [] and v != {}}


def looks_binary(text: str) -> bool:
    """Text decoded from bytes that were not text: many control or replacement characters."""
    if not text:
        return False
    odd = sum(1 for ch in text if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\t\n\r"))
    return odd > max(2, len(text) // 20)


def loras_from_prompt(prompt: str | None) -> list[dict[str, Any]]:
    """``<lora:name:0.8>`` (and ``<lyco:...>``) references written into a prompt."""
    if not prompt:
        return []
    out = []
    for m in re.finditer(r"<(?:lora|lyco):([^:>]+)(?::([^:>]+))?[^>]*>", prompt):
        weight = to_float(m.group(2)) if m.group(2) else None
        out.append(drop_empty({"name": m.group(1).strip(), "weight": weight}))
    return out

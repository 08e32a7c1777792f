"""The base-model family of a checkpoint (``sd15``, ``sdxl``, ``flux``, ...), for the
derived ``base_model:<family>`` tag.

Pure and table-driven: a family named by the writer itself (InvokeAI's ``base``) wins;
then a known file hash (the SHA-256 of the official checkpoints, matched by its first
10 hex digits, A1111's "AutoV2" short hash); then the model's name, by the rules of
:data:`NAME_RULES` in order (the most specific first: a Pony or Illustrious checkpoint
is an SDXL fine-tune, but people search for it as its own family). Unknown is ``None``,
never a guess.
"""

from __future__ import annotations

import re
from typing import Any

#: The families, as the tag values are written.
FAMILIES = (
    "sd15", "sd2", "sdxl", "sd3", "flux", "pony", "illustrious", "cascade",
    "hunyuan", "kolors", "auraflow", "pixart", "hidream", "wan", "ltxv",
)  # fmt: skip

#: Families as writers name them (InvokeAI ``base``, SwarmUI/Civitai architecture ids).
WRITER_NAMES = {
    "sd-1": "sd15", "sd1": "sd15", "sd15": "sd15", "sd 1.5": "sd15", "sd1.5": "sd15",
    "sd-2": "sd2", "sd2": "sd2", "sd 2.1": "sd2", "sd2.1": "sd2",
    "sdxl": "sdxl", "sdxl-refiner": "sdxl", "sdxl 1.0": "sdxl", "sdxl-turbo": "sdxl",
    "sd-3": "sd3", "sd3": "sd3", "sd 3.5": "sd3", "sd3.5": "sd3",
    "flux": "flux", "flux.1": "flux", "flux.1 d": "flux", "flux.1 s": "flux",
    "pony": "pony", "illustrious": "illustrious", "noobai": "illustrious",
    "stable-cascade": "cascade", "hunyuan-dit": "hunyuan", "kolors": "kolors",
    "auraflow": "auraflow", "pixart": "pixart", "hidream": "hidream",
}  # fmt: skip

#: Official checkpoints by the first 10 hex digits of their SHA-256.
KNOWN_HASHES = {
    "6ce0161689": "sd15",  # v1-5-pruned-emaonly.safetensors
    "1a189f0be6": "sd15",  # v1-5-pruned.safetensors
    "e1441589a6": "sd15",  # v1-5-pruned.ckpt
    "dcd690123c": "sd2",  # v2-1_768-ema-pruned.safetensors
    "ad2a33c361": "sd2",  # v2-1_768-ema-pruned.ckpt
    "31e35c80fc": "sdxl",  # sd_xl_base_1.0.safetensors
    "e6bb9ea85b": "sdxl",  # sd_xl_base_1.0_0.9vae.safetensors
    "7440042bbd": "sdxl",  # sd_xl_refiner_1.0.safetensors
    "8d0ce6c016": "sdxl",  # sd_xl_refiner_1.0_0.9vae.safetensors
}

#: (pattern searched in the lower-cased model name, family), the first match wins.
NAME_RULES: tuple[tuple[str, str], ...] = (
    (r"pony", "pony"),
    (r"illustrious|noob", "illustrious"),
    (r"flux", "flux"),
    (r"hidream", "hidream"),
    (r"aura ?flow", "auraflow"),
    (r"hunyuan", "hunyuan"),
    (r"kolors", "kolors"),
    (r"pixart", "pixart"),
    (r"(?<![a-z])wan ?2[._]?[12]", "wan"),
    (r"ltx-?v(?:ideo)?", "ltxv"),
    (r"cascade", "cascade"),
    (r"sd3|sd[ _-]3(?:[._]5)?(?![0-9])|stable[ _-]?diffusion[ _-]?3", "sd3"),
    (r"xl(?![a-z])", "sdxl"),
    (r"sd[ _-]?2(?:[._-]?[01])?(?![0-9])|v2[._-][01][ _-]?(?:512|768)|768-v-ema", "sd2"),
    (r"sd[ _-]?1[._-]?5|v1[._-]5|(?<![0-9])1\.5(?![0-9])", "sd15"),
)
_COMPILED = tuple((re.compile(pattern), family) for pattern, family in NAME_RULES)
_HASH = re.compile(r"[0-9a-f]{10,64}")


def from_writer(value: Any) -> str | None:
    """A family the writer named (``sd-1``, ``sdxl``, ``flux``, ...), else ``None``."""
    if not isinstance(value, str):
        return None
    return WRITER_NAMES.get(value.strip().lower())


def from_hash(value: Any) -> str | None:
    """The family of an official checkpoint by its SHA-256 (whole or its first 10 hex
    digits, A1111's short hash), else ``None``."""
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    return KNOWN_HASHES.get(text[:10]) if _HASH.fullmatch(text) else None


def from_name(value: Any) -> str | None:
    """The family a model's name says (``juggernautXL_v9`` -> ``sdxl``), else ``None``."""
    if not isinstance(value, str):
        return None
    name = value.strip().lower()
    return next((family for pattern, family in _COMPILED if pattern.search(name)), None)


def base_model(params: dict[str, Any]) -> str | None:
    """The family of the model in ``generation_params``: named by the writer
    (``base_model``), by a known ``model_hash``, then by the ``model`` name."""
    return (
        from_writer(params.get("base_model"))
        or from_hash(params.get("model_hash"))
        or from_name(params.get("model"))
    )

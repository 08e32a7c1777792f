"""The vocabulary of AI sources: the canonical names the generation-metadata parsers
write into ``ai_source``, the families a search may name instead, and the spellings
people type for them.

A search's ``ai_source`` entries are resolved here: a canonical name stands for
itself, a family for its members, an alias for its name; anything else is refused
with the list of valid names (``"dalle3"`` is an alias of ``dall-e``; ``"dalle4"`` is
an error, not a search that silently finds nothing).
"""

from __future__ import annotations

__all__ = [
    "AI_SOURCES", "AUTOMATIC1111", "COMFYUI", "DALL_E", "DIFFUSERS", "DRAWTHINGS",
    "EASYDIFFUSION", "FIREFLY", "FLUX", "FOOOCUS", "IMAGEN", "INVOKEAI", "MICROSOFT",
    "MIDJOURNEY", "NOVELAI", "RUINEDFOOOCUS", "STABILITY_MATRIX", "STABLE_DIFFUSION",
    "SWARMUI", "TENSORART", "UNKNOWN_AI",
]  # fmt: skip

AUTOMATIC1111 = "automatic1111"  # also Forge and SD.Next (same format; params.app says which)
COMFYUI = "comfyui"
INVOKEAI = "invokeai"
NOVELAI = "novelai"
FOOOCUS = "fooocus"
MIDJOURNEY = "midjourney"
DALL_E = "dall-e"
FIREFLY = "firefly"
FLUX = "flux"
STABLE_DIFFUSION = "stable-diffusion"  # a Stable Diffusion tool that does not name itself
IMAGEN = "imagen"  # Google's generators (Imagen, Gemini)
SWARMUI = "swarmui"
RUINEDFOOOCUS = "ruinedfooocus"
DIFFUSERS = "diffusers"
DRAWTHINGS = "drawthings"
STABILITY_MATRIX = "stability-matrix"
TENSORART = "tensorart"
EASYDIFFUSION = "easydiffusion"
MICROSOFT = "microsoft"
UNKNOWN_AI = "unknown-ai"  # marked as AI-made, by a tool nothing names

AI_SOURCES = (
    AUTOMATIC1111,
    COMFYUI,
    INVOKEAI,
    NOVELAI,
    FOOOCUS,
    MIDJOURNEY,
    DALL_E,
    FIREFLY,
    FLUX,
    STABLE_DIFFUSION,
    IMAGEN,
    SWARMUI,
    RUINEDFOOOCUS,
    DIFFUSERS,
    DRAWTHINGS,
    STABILITY_MATRIX,
    TENSORART,
    EASYDIFFUSION,
    MICROSOFT,
    UNKNOWN_AI,
)

# A family name used in a search stands for every member. ``stable-diffusion`` is both
# a canonical name (files that only say "Stable Diffusion") and the family of every
# tool that runs Stable Diffusion models locally or as a service built on them.
FAMILIES: dict[str, tuple[str, ...]] = {
    STABLE_DIFFUSION: (
        STABLE_DIFFUSION,
        AUTOMATIC1111,
        COMFYUI,
        INVOKEAI,
        FOOOCUS,
        RUINEDFOOOCUS,
        NOVELAI,
        SWARMUI,
        DIFFUSERS,
        DRAWTHINGS,
        STABILITY_MATRIX,
        TENSORART,
        EASYDIFFUSION,
    ),
    "hosted": (MIDJOURNEY, DALL_E, FIREFLY, IMAGEN, MICROSOFT, FLUX),
}

# Other spellings of a canonical name.
ALIASES = {
    "a1111": AUTOMATIC1111,
    "auto1111": AUTOMATIC1111,
    "forge": AUTOMATIC1111,
    "sd-next": AUTOMATIC1111,
    "sdnext": AUTOMATIC1111,
    "comfy": COMFYUI,
    "invoke": INVOKEAI,
    "dalle": DALL_E,
    "dall-e-3": DALL_E,
    "dalle3": DALL_E,
    "openai": DALL_E,
    "adobe-firefly": FIREFLY,
    "gemini": IMAGEN,
    "google": IMAGEN,
    "swarm": SWARMUI,
    "nai": NOVELAI,
    "draw-things": DRAWTHINGS,
    "easy-diffusion": EASYDIFFUSION,
    "tensor-art": TENSORART,
}


def valid_names() -> list[str]:
    """Every name a search accepts, sorted."""
    return sorted({*AI_SOURCES, *FAMILIES, *ALIASES})


def canonical(name: str) -> str:
    """The canonical name a stored or typed source stands for (unknown: as given)."""
    text = name.strip().lower()
    return ALIASES.get(text, text)


def resolve(name: str) -> tuple[str, ...]:
    """The canonical names a search entry stands for; ``ValueError`` naming the valid
    ones for an unknown name."""
    text = canonical(name)
    if text in FAMILIES:
        return FAMILIES[text]
    if text in AI_SOURCES:
        return (text,)
    raise ValueError(f"unknown AI source {name.strip()!r}; valid: {', '.join(valid_names())}")

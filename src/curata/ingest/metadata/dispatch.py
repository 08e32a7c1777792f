"""One entry point: every parser over a file's blocks, merged into one ParsedMetadata.

Generators are tried from the most specific format to the most generic (the table
:data:`GENERATORS`: InvokeAI, Tensor.Art, Stability Matrix, SwarmUI, ComfyUI, Easy
Diffusion, Draw Things, NovelAI, RuinedFooocus, Fooocus, flat Diffusers-style JSON,
A1111, a JSON sidecar); the first that recognizes its format wins. Hosted-service
provenance (XMP/IPTC/C2PA) is used when no generator wrote parameters, the file name
only as a last resort (marked as a guess). XMP keywords and ratings (embedded and
sidecar) and IPTC keywords are merged into any result. A parser that fails on
malformed data leaves a warning and the next one is tried. Blocks that look like
generation metadata but that no parser understood are named in a warning each.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from curata.ingest.metadata import (
    automatic1111,
    comfyui,
    diffusers,
    drawthings,
    easydiffusion,
    filenames,
    fooocus,
    invokeai,
    novelai,
    ruinedfooocus,
    services,
    sidecar_json,
    stability_matrix,
    swarmui,
    tensorart,
)
from curata.ingest.metadata.result import (
    COMFYUI,
    DRAWTHINGS,
    EASYDIFFUSION,
    FOOOCUS,
    INVOKEAI,
    NOVELAI,
    RUINEDFOOOCUS,
    STABILITY_MATRIX,
    STABLE_DIFFUSION,
    SWARMUI,
    TENSORART,
    Blocks,
    MetadataError,
    ParsedMetadata,
    clean_text,
    looks_binary,
    model_tag_name,
)
from curata.ingest.metadata.xmp import XmpFacts, parse_packet
from curata.models.assets import normalize_tag

Parser = Callable[[Blocks], ParsedMetadata | None]
# (name, parser, ai_source to assume when the format is recognized but unreadable)
GENERATORS: tuple[tuple[str, Parser, str | None], ...] = (
    ("invokeai", invokeai.parse, INVOKEAI),
    ("tensorart", tensorart.parse, TENSORART),
    ("stability-matrix", stability_matrix.parse, STABILITY_MATRIX),
    ("swarmui", swarmui.parse, SWARMUI),
    ("comfyui", comfyui.parse, COMFYUI),
    ("easydiffusion", easydiffusion.parse, EASYDIFFUSION),
    ("drawthings", drawthings.parse, DRAWTHINGS),
    ("novelai", novelai.parse, NOVELAI),
    ("ruinedfooocus", ruinedfooocus.parse, RUINEDFOOOCUS),
    ("fooocus", fooocus.parse, FOOOCUS),
    ("diffusers", diffusers.parse, None),
    ("automatic1111", automatic1111.parse, STABLE_DIFFUSION),
    ("sidecar-json", sidecar_json.parse, None),
)
# Text chunks that are about the file, not how it was made.
_NOT_GENERATION = frozenset(
    {"png:Software", "png:Author", "png:Title", "png:Copyright", "png:Creation Time",
     "png:Source", "png:Disclaimer", "png:Warning", "png:Description", "png:Comment",
     "png:XML:com.adobe.xmp", "png:fooocus_scheme", "png:smproj"}
)  # fmt: skip
_OTHER_CANDIDATES = ("exif:UserComment", "exif:XPComment", "stealth:parameters")
_UNEXPECTED = (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError)
_DESCRIPTION_LIMIT = 4000
_PROMPT_LIMIT = 8000
_EXCERPT = 200


def _generator(blocks: Blocks, warnings: list[str]) -> tuple[ParsedMetadata | None, str | None]:
    hint = None
    for name, parser, ai_source in GENERATORS:
        try:
            found = parser(blocks)
        except MetadataError as exc:
            warnings.append(str(exc))
            hint = hint or ai_source
            continue
        except _UNEXPECTED as exc:
            warnings.append(f"{name}: unreadable metadata ({type(exc).__name__}: {exc})")
            hint = hint or ai_source
            continue
        if found is not None and (found.ai_source or found.prompt or found.description):
            return found, hint
    return None, hint


def _xmp(blocks: Blocks, warnings: list[str]) -> XmpFacts | None:
    """Embedded XMP merged with the sidecar's (the sidecar wins where both say something)."""
    merged: XmpFacts | None = None
    for key in ("xmp", "sidecar:xmp"):
        packet = blocks.get(key)
        if not packet:
            continue
        try:
            facts = parse_packet(packet)
        except MetadataError as exc:
            warnings.append(f"{key}: {exc}")
            continue
        if merged is None:
            merged = facts
            continue
        merged.properties.update(facts.properties)
        merged.tags += facts.tags
        merged.rating = facts.rating if facts.rating is not None else merged.rating
    return merged


def _looks_like_prompt(text: str) -> bool:
    """Words as prompts are written: three or more with commas, or six or more (so a
    camera's "Created with Snapseed" is not one)."""
    if text.lstrip().startswith(("{", "[")) or looks_binary(text):
        return False
    words = len(re.findall(r"[^\W\d_]{2,}", text))
    return (words >= 3 and "," in text) or words >= 6


def not_understood(blocks: Blocks, result: ParsedMetadata) -> list[str]:
    """Blocks that look like generation metadata (JSON, or prompt-like text in a PNG
    text chunk, EXIF ``UserComment``/``XPComment`` or stealth pixels) that no parser read."""
    used = {*result.raw, result.source}
    out = []
    for key, text in blocks.items():
        candidate = key.startswith("png:") or key in _OTHER_CANDIDATES
        if not candidate or key in used or key in _NOT_GENERATION or not text.strip():
            continue
        if text.lstrip().startswith(("{", "[")) or _looks_like_prompt(text):
            out.append(key)
    return out


def _keep_unparsed(blocks: Blocks, result: ParsedMetadata, warnings: list[str]) -> None:
    """Name the blocks nobody understood (a warning each; ``params.unparsed_blocks``
    maps each to the start of its text, so ``curata info`` shows it; the whole text
    stays in the raw blocks); the first prompt-like one becomes the prompt, so its
    words are searchable."""
    keys = not_understood(blocks, result)
    for key in keys:
        warnings.append(f"{key}: not understood as generation metadata; kept raw")
    if not keys:
        return
    result.generation_params["unparsed_blocks"] = {k: blocks[k][:_EXCERPT] for k in keys}
    if result.prompt is None:
        prompt_key = next((k for k in keys if _looks_like_prompt(blocks[k])), None)
        if prompt_key is not None:
            result.prompt = clean_text(blocks[prompt_key][:_PROMPT_LIMIT])
            result.source = result.source or prompt_key


def derived_tags(result: ParsedMetadata) -> list[str]:
    """The facts that become facetable pairs: generator, model and sampler."""
    params = result.generation_params
    pairs = []
    if result.ai_source:
        pairs.append(f"generator:{result.ai_source}")
    if isinstance(params.get("model"), str):
        pairs.append(f"model:{model_tag_name(params['model'])}")
    if isinstance(params.get("sampler"), str):
        pairs.append(f"sampler:{params['sampler']}")
    return pairs


def normalize_tags(tags: list[str], warnings: list[str]) -> list[str]:
    """Tags in catalog form, without duplicates; invalid ones become warnings."""
    out = []
    for tag in tags:
        try:
            out.append(normalize_tag(tag))
        except ValueError as exc:
            shown = tag if len(tag) <= 40 else f"{tag[:40]}... ({len(tag)} characters)"
            warnings.append(f"tag {shown!r} skipped: {exc}")
    return list(dict.fromkeys(out))


def parse_metadata(blocks: Blocks, path: str | None = None) -> ParsedMetadata:
    """Everything the blocks (and, as a last resort, the file name) tell about a file."""
    warnings: list[str] = []
    result, hint = _generator(blocks, warnings)
    understood = result is not None and result.ai_source is not None
    xmp = _xmp(blocks, warnings)
    service = services.parse(blocks, xmp)
    if result is None or result.ai_source is None:
        fallback = service or (filenames.guess(path) if path and not hint else None)
        if fallback is not None and result is not None:
            fallback.description = fallback.description or result.description
        result = fallback or result or ParsedMetadata()
        result.ai_source = result.ai_source or hint
    elif service is not None:
        result.generation_params.setdefault("provenance", service.generation_params)
    if not understood and hint is None:
        _keep_unparsed(blocks, result, warnings)
    keywords = blocks.get("iptc:Keywords", "")
    result.tags += [k.strip() for k in keywords.split("\n") if k.strip()]
    if xmp is not None:
        result.tags += xmp.tags
        result.rating = xmp.rating if xmp.rating is not None else result.rating
        result.description = result.description or xmp.text("dc:description")
    caption = blocks.get("sidecar:txt")
    if caption and "sidecar:txt" not in result.raw and not result.description:
        result.description = caption.strip()[:_DESCRIPTION_LIMIT] or None
    result.tags = normalize_tags(result.tags + derived_tags(result), warnings)
    result.warnings = warnings + result.warnings
    return result

"""One entry point: every parser over a file's blocks, merged into one ParsedMetadata.

Generators are tried from the most specific format to the most generic (InvokeAI,
ComfyUI, NovelAI, Fooocus, A1111, a JSON sidecar); the first that recognizes its
format wins. Hosted-service provenance (XMP/IPTC/C2PA) is used when no generator
wrote parameters, the file name only as a last resort (marked as a guess). XMP
keywords and ratings (embedded and sidecar) and IPTC keywords are merged into any result. A parser
that fails on malformed data leaves a warning and the next one is tried.
"""

from __future__ import annotations

from collections.abc import Callable

from curata.ingest.metadata import (
    automatic1111,
    comfyui,
    filenames,
    fooocus,
    invokeai,
    novelai,
    services,
    sidecar_json,
)
from curata.ingest.metadata.result import (
    COMFYUI,
    FOOOCUS,
    INVOKEAI,
    NOVELAI,
    STABLE_DIFFUSION,
    Blocks,
    MetadataError,
    ParsedMetadata,
    model_tag_name,
)
from curata.ingest.metadata.xmp import XmpFacts, parse_packet
from curata.models.assets import normalize_tag

Parser = Callable[[Blocks], ParsedMetadata | None]
# (name, parser, ai_source to assume when the format is recognized but unreadable)
GENERATORS: tuple[tuple[str, Parser, str | None], ...] = (
    ("invokeai", invokeai.parse, INVOKEAI),
    ("comfyui", comfyui.parse, COMFYUI),
    ("novelai", novelai.parse, NOVELAI),
    ("fooocus", fooocus.parse, FOOOCUS),
    ("automatic1111", automatic1111.parse, STABLE_DIFFUSION),
    ("sidecar-json", sidecar_json.parse, None),
)
_UNEXPECTED = (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError)
_DESCRIPTION_LIMIT = 4000


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
            warnings.append(f"tag {tag!r} skipped: {exc}")
    return list(dict.fromkeys(out))


def parse_metadata(blocks: Blocks, path: str | None = None) -> ParsedMetadata:
    """Everything the blocks (and, as a last resort, the file name) tell about a file."""
    warnings: list[str] = []
    result, hint = _generator(blocks, warnings)
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

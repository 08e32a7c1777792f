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

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

from curata.ingest.metadata import (
    automatic1111,
    base_models,
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


@dataclass(frozen=True)
class Generator:
    """A row of the generator table: its parser, the ``ai_source`` to assume when the
    format is recognized but unreadable, and what ``docs/metadata.md`` says of it (the
    writers, where their metadata is found, what is read)."""

    name: str
    parse: Parser
    hint: str | None
    writer: str
    where: str
    reads: str


# fmt: off
GENERATORS: tuple[Generator, ...] = (
    Generator("invokeai", invokeai.parse, INVOKEAI, "InvokeAI 2.x/3.x+, Dream",
              "PNG `invokeai_metadata`, `sd-metadata`, `Dream`",
              "prompt, negative, model (+hash, base), scheduler/sampler, seed, steps, CFG, "
              "size, LoRAs"),
    Generator("tensorart", tensorart.parse, TENSORART, "Tensor.Art",
              "PNG `generation_data` (+ its graph)",
              "prompt, negative, model (+hash), seed, steps, CFG, clip skip, size, "
              "sampler/scheduler from the graph"),
    Generator("stability-matrix", stability_matrix.parse, STABILITY_MATRIX, "Stability Matrix",
              "PNG `parameters-json`",
              "prompt, negative, model (+hash), sampler, scheduler, seed, steps, CFG, size"),
    Generator("swarmui", swarmui.parse, SWARMUI, "SwarmUI",
              "PNG `parameters`, EXIF `UserComment` (`sui_image_params`)",
              "prompt, negative, model, seed, steps, CFG, sampler, scheduler, size, LoRAs, "
              "extra data"),
    Generator("comfyui", comfyui.parse, COMFYUI, "ComfyUI",
              "PNG `prompt`/`workflow`; JPEG/WebP EXIF `Make`/`Model`/`ImageDescription` "
              "(`prompt:`/`Workflow:` any case), `UserComment` JSON (Exif IFD or IFD0)",
              "per-sampler prompt, negative, model, LoRAs, seed, steps, sampler, scheduler, "
              "CFG, denoise, size, the path through pass-on nodes"),
    Generator("easydiffusion", easydiffusion.parse, EASYDIFFUSION, "Easy Diffusion",
              "PNG chunks per key (new and old labels), EXIF `UserComment`, `.json`",
              "prompt, negative, model, VAE, sampler, seed, steps, guidance, size, LoRAs, "
              "strength"),
    Generator("drawthings", drawthings.parse, DRAWTHINGS, "Draw Things",
              "XMP `exif:UserComment` (+ `xmp:CreatorTool`), EXIF `UserComment`",
              "prompt, negative, model, sampler, seed, steps, scale, size, strength, LoRAs"),
    Generator("novelai", novelai.parse, NOVELAI, "NovelAI",
              "PNG `Software`/`Description`/`Comment`, stealth JSON",
              "prompt, negative (`uc`), seed, steps, sampler, scale, v4 captions"),
    Generator("ruinedfooocus", ruinedfooocus.parse, RUINEDFOOOCUS, "RuinedFooocus",
              "PNG `parameters`, EXIF `UserComment`",
              "prompt, negative, model (+hash), seed, steps, sampler, scheduler, CFG, size, "
              "LoRAs, clip skip"),
    Generator("fooocus", fooocus.parse, FOOOCUS, "Fooocus",
              "PNG `parameters` + `fooocus_scheme`, JPEG/WebP EXIF",
              "prompt, negative, base model, styles, resolution, LoRAs, ..."),
    Generator("diffusers", diffusers.parse, None, "Diffusers apps, demos",
              "PNG `parameters`/`metadata`/separate chunks, EXIF `UserComment`, JPEG "
              "comment, `.json`",
              "prompt, negative, seed, steps, guidance, scheduler, model"),
    Generator("automatic1111", automatic1111.parse, STABLE_DIFFUSION,
              "AUTOMATIC1111, Forge, SD.Next",
              "PNG `parameters`, JPEG/WebP `UserComment`, stealth pixels, `.txt`",
              "prompt, negative, every `Key: value` of the parameter line, LoRAs"),
    Generator("sidecar-json", sidecar_json.parse, None, "JSON sidecars", "`<file>.json`",
              "a ComfyUI graph or workflow, InvokeAI or Fooocus JSON, a flat parameter "
              "object; other JSON only its description/caption/title"),
)
#: What is read besides the generators (writer, where, read), for the same table.
OTHER_SOURCES: tuple[tuple[str, str, str], ...] = (
    ("Midjourney, DALL-E/ChatGPT/Sora, Firefly, Flux, Google, Microsoft, Stability",
     "IPTC/XMP `DigitalSourceType`, `Credit`, `CreatorTool`, C2PA claim generator / "
     "software agent, description",
     "the service, Midjourney prompt and flags, provenance evidence"),
    ("XMP, IPTC", "embedded, `.xmp` sidecar",
     "keywords, hierarchical keywords, rating, description"),
    ("file names", "DALL-E, Midjourney, Firefly, ComfyUI, A1111, NovelAI, Flux output names",
     "a guessed source (and prompt or seed), marked `guess`"),
    ("anything else that looks like generation metadata",
     "PNG text chunks, EXIF `UserComment`/`XPComment`, stealth pixels",
     "kept raw, named in a warning and `unparsed_blocks`; prompt-like text becomes the "
     "prompt"),
)
# fmt: on
DOC_START = "<!-- formats: start (generated: python -m curata.ingest.metadata.dispatch) -->"
DOC_END = "<!-- formats: end -->"


def formats_table() -> str:
    """The table "Formats and what is read from each" of ``docs/metadata.md``, from
    :data:`GENERATORS` (in the order they are tried) and :data:`OTHER_SOURCES`."""
    rows = [(g.writer, g.where, g.reads) for g in GENERATORS] + list(OTHER_SOURCES)
    lines = ["| writer / format | where | read |", "|---|---|---|"]
    lines += [f"| {writer} | {where} | {reads} |" for writer, where, reads in rows]
    return "\n".join([DOC_START, "", *lines, "", DOC_END])


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
    for generator in GENERATORS:
        try:
            found = generator.parse(blocks)
        except MetadataError as exc:
            warnings.append(str(exc))
            hint = hint or generator.hint
            continue
        except _UNEXPECTED as exc:
            warnings.append(f"{generator.name}: unreadable metadata ({type(exc).__name__}: {exc})")
            hint = hint or generator.hint
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


#: At most this many ``lora:`` pairs per file (a hostile prompt may name thousands).
MAX_LORA_TAGS = 64
#: The keys of the pairs :func:`derived_tags` makes.
DERIVED_KEYS = frozenset({"generator", "model", "base_model", "sampler", "scheduler", "lora"})


def derived_pair(tag: str) -> bool:
    """Whether ``tag`` is one of the pairs derived from generation metadata."""
    key, colon, _value = tag.partition(":")
    return bool(colon) and key in DERIVED_KEYS


def derived_tags(result: ParsedMetadata) -> list[str]:
    """The facts that become facetable pairs: generator, model, its base-model family,
    sampler, scheduler and each LoRA (its weight stays in ``params.loras``)."""
    params = result.generation_params
    pairs = []
    if result.ai_source:
        pairs.append(f"generator:{result.ai_source}")
    if isinstance(params.get("model"), str):
        pairs.append(f"model:{model_tag_name(params['model'])}")
    family = base_models.base_model(params)
    if family is not None:
        pairs.append(f"base_model:{family}")
    for key in ("sampler", "scheduler"):
        if isinstance(params.get(key), str):
            pairs.append(f"{key}:{params[key]}")
    loras = params.get("loras")
    for lora in loras[:MAX_LORA_TAGS] if isinstance(loras, list) else ():
        if isinstance(lora, dict) and isinstance(lora.get("name"), str):
            pairs.append(f"lora:{model_tag_name(lora['name'])}")
    return pairs


def variant_key(prompt: str | None, model: object) -> str | None:
    """The key of a variant group: files of one prompt (whitespace and case aside) and
    one model (by its faceted name; none counts as one), whatever their seed and other
    parameters. 16 hex digits of a SHA-256; ``None`` without a prompt."""
    text = " ".join((prompt or "").split()).casefold()
    if not text:
        return None
    name = model_tag_name(model).casefold() if isinstance(model, str) else ""
    return hashlib.sha256(f"{text}\x00{name}".encode("utf-8", "surrogatepass")).hexdigest()[:16]


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
    result.variant_key = variant_key(result.prompt, result.generation_params.get("model"))
    result.warnings = warnings + result.warnings
    return result


if __name__ == "__main__":
    import sys
    from pathlib import Path

    from curata.models.fields import replace_marked

    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/metadata.md")
    text = target.read_text(encoding="utf-8")
    target.write_text(replace_marked(text, DOC_START, DOC_END, formats_table()), "utf-8")

"""Images from hosted services (Midjourney, DALL-E/OpenAI, Adobe Firefly, Flux, Google,
Microsoft, Stability, ...).

Services write little or no generation metadata; what they leave is provenance:
IPTC/XMP ``DigitalSourceType`` = ``trainedAlgorithmicMedia``, a ``Credit`` or
creator-tool naming the service, a ``Description`` carrying a Midjourney ``Job ID``,
and C2PA manifests whose claim generator or software agent names the service (or,
when the manifest flags the image as AI-made, only the company: Google -> ``imagen``,
Microsoft -> ``microsoft``, Adobe -> ``firefly``, Stability -> ``stable-diffusion``).
"""

from __future__ import annotations

import re
from typing import Any

from curata.ingest.metadata.result import (
    DALL_E,
    FIREFLY,
    FLUX,
    IMAGEN,
    MICROSOFT,
    MIDJOURNEY,
    STABLE_DIFFUSION,
    UNKNOWN_AI,
    Blocks,
    ParsedMetadata,
    clean_text,
    drop_empty,
    to_int,
)
from curata.ingest.metadata.xmp import XmpFacts

_SERVICES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (MIDJOURNEY, re.compile(r"midjourney", re.I)),
    (DALL_E, re.compile(r"dall[\W_]?e|openai|chatgpt|gpt-4o|gpt-image|\bsora\b", re.I)),
    (FIREFLY, re.compile(r"firefly", re.I)),
    (FLUX, re.compile(r"\bflux\b|black forest labs|\bbfl\b", re.I)),
    (IMAGEN, re.compile(r"imagen|gemini|google ai", re.I)),
    (STABLE_DIFFUSION, re.compile(r"stable[ _-]?diffusion|stability ai|dreamstudio", re.I)),
)
# Company names that say which service made an image only in a C2PA manifest that also
# flags the image as AI-made (the same companies sign camera and editor manifests).
_VENDORS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (IMAGEN, re.compile(r"\bgoogle\b", re.I)),
    (MICROSOFT, re.compile(r"microsoft|bing image creator|\bdesigner\b|copilot", re.I)),
    (FIREFLY, re.compile(r"\badobe\b", re.I)),
    (STABLE_DIFFUSION, re.compile(r"\bstability\b", re.I)),
)
_C2PA_EVIDENCE = ("c2pa:claim_generator", "c2pa:software_agent")
_JOB_ID = re.compile(
    r"Job ID:\s*([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})", re.I
)
_MJ_PARAMS = {"ar": "aspect_ratio", "v": "version", "s": "stylize", "c": "chaos", "q": "quality"}


def service_of(text: str | None, vendors: bool = False) -> str | None:
    """The service a text names; with ``vendors``, also the company names of
    :data:`_VENDORS` (for C2PA claim generators of AI-flagged images)."""
    if not text:
        return None
    for name, pattern in _SERVICES + (_VENDORS if vendors else ()):
        if pattern.search(text):
            return name
    return None


def _evidence(blocks: Blocks, xmp: XmpFacts | None) -> list[tuple[str, str]]:
    """(where, text) of every field that may name the tool, most authoritative first."""
    out = [(k, blocks[k]) for k in ("c2pa:claim_generator", "c2pa:software_agent") if k in blocks]
    if xmp is not None:
        for name in ("photoshop:Credit", "xmp:CreatorTool", "dc:creator", "tiff:Software"):
            text = xmp.text(name)
            if text:
                out.append((f"xmp:{name}", text))
    for key in ("iptc:Credit", "exif:Software", "png:Software", "exif:Make", "png:Author"):
        if blocks.get(key):
            out.append((key, blocks[key]))
    return out


def _descriptions(blocks: Blocks, xmp: XmpFacts | None) -> list[tuple[str, str]]:
    out = []
    if xmp is not None and xmp.text("dc:description"):
        out.append(("xmp:dc:description", xmp.text("dc:description") or ""))
    for key in ("png:Description", "exif:ImageDescription", "iptc:Caption", "png:Comment"):
        if blocks.get(key):
            out.append((key, blocks[key]))
    return out


def midjourney_prompt(description: str) -> tuple[str | None, dict[str, Any]]:
    """``"a cat --ar 16:9 --v 6 --no dogs Job ID: <uuid>"`` -> prompt and parameters."""
    params: dict[str, Any] = {}
    job = _JOB_ID.search(description)
    if job:
        params["job_id"] = job.group(1)
        description = description[: job.start()]
    prompt, *flags = re.split(r"(?:^|\s)--(?=[a-z])", description, flags=re.I)
    for flag in flags:
        key, _, value = flag.strip().partition(" ")
        name = _MJ_PARAMS.get(key.lower(), key.lower())
        params[name] = (to_int(value) if name == "seed" else value.strip()) or True
    return clean_text(prompt), params


def _ai_flag(blocks: Blocks, xmp: XmpFacts | None) -> str | None:
    values = [blocks.get("c2pa:digital_source_type")]
    if xmp is not None:
        values.append(xmp.text("Iptc4xmpExt:DigitalSourceType"))
    for value in values:
        if value and "trainedalgorithmicmedia" in value.lower():
            return value.rsplit("/", 1)[-1]
    return None


def parse(blocks: Blocks, xmp: XmpFacts | None) -> ParsedMetadata | None:
    ai_flag = _ai_flag(blocks, xmp)
    evidence = _evidence(blocks, xmp)
    descriptions = _descriptions(blocks, xmp)
    job = next(((k, d) for k, d in descriptions if _JOB_ID.search(d)), None)
    service, where = None, None
    if job is not None:
        service, where = MIDJOURNEY, job[0]
    for key, text in evidence:
        vendors = ai_flag is not None and key in _C2PA_EVIDENCE
        if service is None and (found := service_of(text, vendors)):
            service, where = found, key
    if service is None and ai_flag is None:
        return None
    params: dict[str, Any] = {
        "digital_source_type": ai_flag,
        "c2pa_claim_generator": blocks.get("c2pa:claim_generator"),
        "service_evidence": dict(evidence) or None,
    }
    prompt = None
    if service == MIDJOURNEY and descriptions:
        text = job[1] if job else descriptions[0][1]
        prompt, mj = midjourney_prompt(text)
        negative = mj.pop("no", None)
        params.update(mj)
    else:
        negative = None
    source = where or (
        "c2pa:digital_source_type" if "c2pa:digital_source_type" in blocks else "xmp"
    )
    return ParsedMetadata(
        ai_source=service or UNKNOWN_AI,
        prompt=prompt,
        negative_prompt=clean_text(negative),
        generation_params=drop_empty(params),
        source=source,
    )

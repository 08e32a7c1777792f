"""``<file>.json`` sidecars: a generator's own JSON beside the file, or generic fields.

Recognized: a ComfyUI API graph (alone or as ``{"prompt": graph}``) or UI workflow,
InvokeAI metadata, Fooocus parameters, and the flat objects that A1111's API, Diffusers
and many scripts write (see :mod:`curata.ingest.metadata.diffusers`). Other JSON
(photo-service exports and the like) contributes only its description.
"""

from __future__ import annotations

import json

from curata.ingest.metadata import comfyui, diffusers, fooocus, invokeai
from curata.ingest.metadata.result import STABLE_DIFFUSION, Blocks, MetadataError, ParsedMetadata

SOURCE = "sidecar:json"


def parse(blocks: Blocks) -> ParsedMetadata | None:
    text = blocks.get(SOURCE)
    if not text:
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MetadataError(f"{SOURCE}: not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        return None
    if comfyui.is_api_graph(data):
        return comfyui.parse_graph(data, SOURCE, text, [])
    if comfyui.is_api_graph(data.get("prompt")):
        return comfyui.parse_graph(data["prompt"], SOURCE, text, [])
    if isinstance(data.get("nodes"), list) and "links" in data:
        return comfyui.parse_workflow_text(text, SOURCE)
    if "positive_prompt" in data and "generation_mode" in data:
        return invokeai.parse_invokeai_metadata(text, SOURCE)
    if "metadata_scheme" in data or "full_prompt" in data:
        return fooocus.parse_json(data, SOURCE, text)
    return diffusers.read_flat(data, text, SOURCE, STABLE_DIFFUSION)

"""The probe's metadata step: C2PA, sidecars and the generation-metadata parsers.

Runs in the worker after the media prober has filled ``result.blocks``; adds the
``c2pa:*`` and ``sidecar:*`` blocks, then stores what :func:`parse_metadata` found
in ``result.generation``, ``result.tags`` and ``result.warnings``. Never raises for
the file's sake: unreadable metadata is a warning.
"""

from __future__ import annotations

import io
from typing import Any

from curata.ingest.metadata import ParsedMetadata, parse_metadata
from curata.ingest.metadata.c2pa import manifest_blocks
from curata.ingest.metadata.dispatch import normalize_tags
from curata.ingest.sidecars import read_sidecars, sidecar_signature
from curata.models.probe import ProbeResult

# Media whose bytes may carry a C2PA manifest (images are searched by their prober).
_C2PA_MEDIA = ("video", "audio", "document")


def generation_fields(parsed: ParsedMetadata) -> dict[str, Any] | None:
    """The parsed facts as stored on the probe result (tags, warnings and raw blocks
    travel separately); ``None`` when the metadata says nothing."""
    if not (
        parsed.ai_source
        or parsed.prompt
        or parsed.negative_prompt
        or parsed.description
        or parsed.rating is not None
        or parsed.generation_params
    ):
        return None
    fields = parsed.to_dict()
    for key in ("raw", "tags", "warnings"):
        fields.pop(key)
    return fields


def read_metadata(result: ProbeResult, source: io.BytesIO | str) -> None:
    if result.media_type in _C2PA_MEDIA and isinstance(source, io.BytesIO):
        result.blocks.update(manifest_blocks(source.getvalue()))
    sidecars, problems = read_sidecars(result.path)
    result.blocks.update(sidecars)
    result.sidecar_sig = sidecar_signature(result.path)
    parsed = parse_metadata(result.blocks, result.path)
    result.generation = generation_fields(parsed)
    result.warnings += problems + parsed.warnings
    result.tags = normalize_tags(result.tags + parsed.tags, result.warnings)

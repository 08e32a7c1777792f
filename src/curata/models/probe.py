"""The probe's findings about one file: plain data passed from worker processes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from curata.models.assets import MediaType


@dataclass
class ProbeResult:
    """What the probe learned about one file; plain data, cheap to send between processes."""

    path: str
    file_size: int
    mtime: float
    content_hash: str | None = None
    media_type: str = MediaType.UNKNOWN.value
    file_format: str | None = None
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    created_at: float | None = None
    phash: int | None = None
    dhash: int | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    blocks: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    # Generation metadata and sidecars (see curata.ingest.metadata): the parsed facts
    # (ParsedMetadata.to_dict() without the raw blocks, which are in ``blocks``), tags
    # from file metadata, problems that did not fail the file, the sidecar signature.
    generation: dict[str, Any] | None = None
    tags: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sidecar_sig: str | None = None
    # Video: (fraction of the duration, unsigned 64-bit pHash) of sampled frames.
    frame_hashes: list[tuple[float, int]] = field(default_factory=list)

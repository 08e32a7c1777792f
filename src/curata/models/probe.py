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

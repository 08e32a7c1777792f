"""Scan requests, progress events and the end-of-scan summary."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from curata.models.base import Record
from curata.models.common import StrictModel
from curata.models.paths import FsPath


class ScanRequest(StrictModel):
    """What to scan (the arguments of ``Curata.scan`` that transports pass on)."""

    paths: list[FsPath] = Field(min_length=1, description="files or folders to catalog")
    project: str | None = Field(None, description="project to file new assets under")
    include_hidden: bool = Field(False, description="also walk hidden folders and files")


class ScanRoot(Record):
    """A folder (or file) that was scanned, as its resolved real path."""

    path: str
    follow_links: bool = Field(description="scanned with --follow-links (last time)")
    first_scan: datetime
    last_scan: datetime


class ScanProgress(Record):
    """One progress event; ``files_total``/``bytes_total`` are known once discovery ends."""

    phase: str = "scanning"
    files_done: int = 0
    files_total: int | None = None
    bytes_done: int = 0
    bytes_total: int | None = None
    current: FsPath | None = None


class ScanSummary(Record):
    roots: list[FsPath] = Field(default_factory=list)
    project: str | None = None
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    moved: int = 0
    missing: int = 0
    failed: int = 0
    still_failing: int = Field(
        0, description="unchanged files, counted in unchanged, that failed before and still do"
    )
    files_seen: int = 0
    bytes_read: int = 0
    seconds: float = 0.0
    interrupted: bool = False


class CatalogChange(Record):
    """One file a scan changed in the catalog: read for the first time (``new``), whose
    bytes changed (``changed``), found at a new path (``moved``), gone (``missing``), or
    that could not be read (``failed``; see ``curata errors``)."""

    kind: Literal["new", "changed", "moved", "missing", "failed"]
    path: FsPath
    content_hash: str | None = Field(None, description="the asset (none for a failed file)")

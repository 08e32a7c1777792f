"""Exporting a selection to a delivery folder, and finding assets similar to a selection."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import Field, field_validator

from curata.models.assets import Asset
from curata.models.base import Record
from curata.models.common import StrictModel
from curata.models.paths import FsPath
from curata.models.similarity import DEFAULT_THRESHOLD, MAX_DISTANCE, MAX_LIMIT


class ExportMode(StrEnum):
    COPY = "copy"
    HARDLINK = "hardlink"
    SYMLINK = "symlink"


class ExportLayout(StrEnum):
    BY_GROUP = "by_group"
    BY_ROLE = "by_role"
    FLAT = "flat"


class ExportMetadata(StrEnum):
    """What the exported copies carry of their embedded metadata."""

    KEEP = "keep"
    STRIP = "strip"
    SIDECAR_ONLY = "sidecar-only"


class SelectionExportRequest(StrictModel):
    """Write a selection's files and documents to ``export_path``.

    The folder appears only when complete and verified (it is built in a temporary
    folder beside it). It may not be in or over a scanned folder, a cataloged file or
    the catalog, and for a server's clients must lie under its export roots. A
    non-empty ``export_path`` is refused unless ``overwrite``, and even then replaced
    only if it is an earlier curata export (its ``.curata-export.json`` marker proves
    it); a source file that cannot be found fails the export unless ``allow_missing``
    (the missing items are then listed in the manifest). ``zip`` also writes
    ``<export_path>.zip``. ``metadata``: ``keep`` the files as they are; ``strip``
    their embedded generation text and EXIF/XMP/IPTC/C2PA (PNG, JPEG, WebP; the
    originals are never touched) and leave the generation facts out of the sidecars;
    ``sidecar-only``: strip the files, keep the facts in the sidecars. Stripping needs
    ``mode: copy``.
    """

    project_id: str = Field(min_length=1)
    selection_id: str = Field(min_length=1)
    export_path: FsPath = Field(description="the folder to write (its zip is beside it)")
    mode: ExportMode = ExportMode.COPY
    layout: ExportLayout = ExportLayout.BY_GROUP
    overwrite: bool = False
    allow_missing: bool = False
    zip: bool = False
    sidecars: bool = True
    contact_sheet: bool = True
    thumbnail_size: int = Field(256, ge=32, le=1024)
    metadata: ExportMetadata = ExportMetadata.KEEP
    actor: str | None = None

    @field_validator("export_path")
    @classmethod
    def _path(cls, value: str) -> str:
        if not value.strip() or "\x00" in value:
            raise ValueError("not a usable path")
        if len(value) > 4096:
            raise ValueError("a path is at most 4096 characters")
        return value


class ExportedItem(Record):
    position: int
    asset_hash: str
    role: str | None = None
    group: str | None = None
    selection_reason: str | None = None
    quality_notes: str | None = None
    usage_notes: str | None = None
    tags: list[str] = Field(default_factory=list)
    source_path: FsPath | None = None
    exported_path: FsPath | None = Field(None, description="relative to the export folder")
    bytes: int | None = Field(None, description="the size of what was written")
    sha256: str | None = Field(None, description="the SHA-256 of what was written")
    metadata: str | None = Field(
        None, description="kept: the original's bytes; stripped: its metadata removed"
    )
    missing: bool = False


class SelectionExportResult(Record):
    project_id: str
    selection_id: str
    export_path: FsPath
    zip_path: FsPath | None = None
    mode: ExportMode
    layout: ExportLayout
    metadata: ExportMetadata = ExportMetadata.KEEP
    exported_at: datetime
    item_count: int
    exported_count: int
    missing: list[ExportedItem] = Field(default_factory=list)
    files_written: int
    bytes_written: int
    items: list[ExportedItem] = Field(default_factory=list)


class SimilarToItem(Record):
    """A selection item a candidate is within the threshold of."""

    hash: str
    path: FsPath | None = None
    role: str | None = None
    reason: str | None = None
    distance: int


class SelectionSimilarity(Record):
    min_distance: int
    recommendation_score: float
    similar_to_count: int
    similar_to_items: list[SimilarToItem] = Field(default_factory=list)


class SimilarToSelectionResult(Record):
    asset: Asset
    similarity: SelectionSimilarity


class SimilarToSelectionRequest(StrictModel):
    """Assets that look like a selection's items (``Curata.find_similar_to_selection``)."""

    project_id: str = Field(min_length=1, description="the project's id")
    selection_id: str = Field(min_length=1, description="the selection's id")
    threshold: int = Field(
        DEFAULT_THRESHOLD,
        ge=0,
        le=MAX_DISTANCE,
        description="the largest pHash Hamming distance to an item that counts (inclusive)",
    )
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description="at most this many results")
    exclude_existing: bool = Field(True, description="leave out assets already in it")


class SimilarToSelection(Record):
    """``data`` of ``find_similar_to_selection``: ``results`` best first, and the inputs."""

    results: list[SimilarToSelectionResult] = Field(default_factory=list)
    parameters: dict[str, Any] = Field(default_factory=dict)
    selection_size: int = 0
    items_with_hash: int = 0
    total_candidates: int = 0

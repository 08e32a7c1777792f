"""The spec's Asset shape and the asset-level requests (tags, ratings)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from curata.models.base import Record
from curata.models.common import AssetRefs, StrictModel, TagList
from curata.models.common import normalize_tag as normalize_tag  # its historical home
from curata.models.paths import DisplayText, FsPath, JsonDict


class MediaType(StrEnum):
    IMAGE = "image"
    VIDEO = "video"
    AUDIO = "audio"
    DOCUMENT = "document"
    UNKNOWN = "unknown"


class Dimensions(Record):
    width: int
    height: int


class Asset(Record):
    """An asset as the search API returns it (spec: ``Asset``)."""

    content_hash: str
    file_path: FsPath
    media_type: MediaType
    file_size: int
    file_format: str | None = None
    tags: list[str] = Field(default_factory=list)
    ai_source: str | None = None
    quality_rating: int | None = None
    project: str | None = None
    created_at: datetime | None = None
    modified_at: datetime | None = None
    discovered_at: datetime | None = None
    metadata: JsonDict = Field(default_factory=dict)
    missing: bool = Field(
        False, description="every location of the asset is missing (its files are gone)"
    )
    variant_count: int | None = Field(
        None,
        description="with collapse variants: how many matching assets its variant group has "
        "(1 for an asset without variants)",
    )


class AssetLocation(Record):
    path: FsPath
    file_size: int
    mtime: float
    missing: bool = False
    missing_since: datetime | None = None


class AssetDetail(Asset):
    """An asset with everything the catalog knows: every location and hash."""

    locations: list[AssetLocation] = Field(default_factory=list)
    phash: str | None = None
    dhash: str | None = None
    notes: list[DisplayText] = Field(default_factory=list)
    raw_blocks: dict[str, str] = Field(default_factory=dict)


class ErrorLevel(StrEnum):
    """Which ingest records to list: ``error`` (files not cataloged), ``warning``
    (cataloged with problems) or ``all``."""

    ERROR = "error"
    WARNING = "warning"
    ALL = "all"


class IngestErrorsRequest(StrictModel):
    """``Curata.ingest_errors``."""

    level: ErrorLevel = Field(
        ErrorLevel.ERROR,
        description="error: not cataloged; warning: cataloged with problems; all",
    )


class IngestErrorRecord(Record):
    path: FsPath
    reason: DisplayText
    occurred_at: datetime
    level: str = "error"


class TagRequest(StrictModel):
    """Add or remove tags on assets. Tags are case-insensitive; ``key:value`` makes a pair.
    At most 1000 assets and 1000 tags of 1 to 200 characters each."""

    assets: AssetRefs = Field(description="content hashes or cataloged paths")
    tags: TagList = Field(min_length=1)


class TagUpdateResult(Record):
    assets: list[str]
    added: int = 0
    removed: int = 0


class RateRequest(StrictModel):
    assets: AssetRefs = Field(description="content hashes or cataloged paths (at most 1000)")
    rating: int | None = Field(ge=0, le=5, description="0-5; null clears the rating")

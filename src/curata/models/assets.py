"""The spec's Asset shape and the asset-level requests (tags, ratings)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field, field_validator

from curata.models.common import StrictModel
from curata.models.paths import DisplayText, FsPath, JsonDict


class MediaType(StrEnum):
    IMAGE = "image"
    VIDEO = "video"
    AUDIO = "audio"
    DOCUMENT = "document"
    UNKNOWN = "unknown"


class Dimensions(BaseModel):
    width: int
    height: int


class Asset(BaseModel):
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


class AssetLocation(BaseModel):
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


class IngestErrorRecord(BaseModel):
    path: FsPath
    reason: DisplayText
    occurred_at: datetime
    level: str = "error"


def normalize_tag(tag: str) -> str:
    text = " ".join(tag.strip().split()).lower()
    if not text:
        raise ValueError("a tag cannot be empty")
    if ":" in text:
        key, _, value = text.partition(":")
        key, value = key.strip(), value.strip()
        if not key or not value:
            raise ValueError(f"tag {tag!r}: a pair needs a key and a value ('key:value')")
        text = f"{key}:{value}"
    return text


class TagRequest(StrictModel):
    """Add or remove tags on assets. Tags are case-insensitive; ``key:value`` makes a pair."""

    assets: list[FsPath] = Field(min_length=1, description="content hashes or cataloged paths")
    tags: list[str] = Field(min_length=1)

    @field_validator("tags")
    @classmethod
    def _tags(cls, tags: list[str]) -> list[str]:
        return list(dict.fromkeys(normalize_tag(t) for t in tags))


class TagUpdateResult(BaseModel):
    assets: list[str]
    added: int = 0
    removed: int = 0


class RateRequest(StrictModel):
    assets: list[FsPath] = Field(min_length=1, description="content hashes or cataloged paths")
    rating: int = Field(ge=0, le=5)

"""Requests and results of similarity search and duplicate finding.

Distances are Hamming distances between 64-bit pHashes (0-64); a threshold is
inclusive. ``similarity`` is ``1 - distance / 64``.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import ClassVar, Literal

from pydantic import Field

from curata.models.assets import Asset
from curata.models.base import Record
from curata.models.common import StrictModel
from curata.models.paths import FsPath

DEFAULT_THRESHOLD = 10
MAX_DISTANCE = 64
MAX_LIMIT = 1000


class Orientation(StrEnum):
    """How the query image was turned for the match (the matched asset looks like the
    query transformed this way)."""

    ORIGINAL = "original"
    ROTATE_90 = "rotate_90"
    ROTATE_180 = "rotate_180"
    ROTATE_270 = "rotate_270"
    MIRROR = "mirror"
    MIRROR_ROTATE_90 = "mirror_rotate_90"
    MIRROR_ROTATE_180 = "mirror_rotate_180"
    MIRROR_ROTATE_270 = "mirror_rotate_270"


class SimilarRequest(StrictModel):
    """Find assets whose pHash is within ``threshold`` bits of the target's.

    ``target``: a content hash (or a unique prefix of 6+ hex digits), a cataloged
    path, an image file outside the catalog, or a raw pHash as 16 hex digits
    prefixed ``phash:`` (e.g. ``phash:9fee256238984d71``).
    """

    target: FsPath
    threshold: int = Field(DEFAULT_THRESHOLD, ge=0, le=MAX_DISTANCE)
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    invariant: bool = Field(
        False, description="also match mirrored and 90/180/270-degree rotated copies"
    )
    include_target: bool = Field(
        False, description="list the target asset itself when it is cataloged"
    )


class SimilarTarget(Record):
    kind: Literal["asset", "file", "hash"]
    phash: str
    content_hash: str | None = None
    path: FsPath | None = None


class SimilarMatch(Record):
    asset: Asset
    distance: int
    similarity: float
    orientation: Orientation = Orientation.ORIGINAL


class SimilarResult(Record):
    target: SimilarTarget
    threshold: int
    invariant: bool
    total: int = Field(description="matches before the limit was applied")
    results: list[SimilarMatch] = Field(default_factory=list)


class DuplicatesRequest(StrictModel):
    threshold: int = Field(DEFAULT_THRESHOLD, ge=0, le=MAX_DISTANCE)
    exact: bool = Field(False, description="only exact copies (one file at several paths)")


class DuplicateMember(Record):
    """One member of a group: an asset (near-duplicates) or a location (exact copies)."""

    content_hash: str
    path: FsPath
    keeper: bool = False
    distance: int = Field(0, description="Hamming distance to the keeper's pHash")
    width: int | None = None
    height: int | None = None
    quality_rating: int | None = None
    file_size: int
    created_at: datetime | None = None


class DuplicateGroup(Record):
    kind: Literal["exact", "near"]
    size: int
    keeper: DuplicateMember
    reason: str = Field(description="why the keeper was suggested")
    members: list[DuplicateMember] = Field(description="the keeper first")


class DuplicatesResult(Record):
    threshold: int
    exact_only: bool
    group_count: int
    member_count: int
    groups: list[DuplicateGroup] = Field(default_factory=list)

    REPORT_COLUMNS: ClassVar[tuple[str, ...]] = (
        "group",
        "kind",
        "keeper",
        "content_hash",
        "path",
        "distance",
        "width",
        "height",
        "quality_rating",
        "file_size",
        "reason",
    )

    def report_rows(self) -> list[dict[str, object]]:
        """One flat row per member (``REPORT_COLUMNS``), for a CSV report."""
        return [
            {
                "group": number,
                "kind": group.kind,
                "keeper": member.keeper,
                "content_hash": member.content_hash,
                "path": member.path,
                "distance": member.distance,
                "width": member.width,
                "height": member.height,
                "quality_rating": member.quality_rating,
                "file_size": member.file_size,
                "reason": group.reason if member.keeper else "",
            }
            for number, group in enumerate(self.groups, start=1)
            for member in group.members
        ]

"""Requests and results of similarity search and duplicate finding.

Distances are Hamming distances between 64-bit pHashes (0-64); a threshold is
inclusive. ``similarity`` is ``1 - distance / 64``.
"""

from __future__ import annotations

import shlex
from datetime import datetime
from enum import StrEnum
from typing import ClassVar, Literal

from pydantic import Field, model_validator

from curata.models.assets import Asset
from curata.models.base import Record
from curata.models.common import StrictModel
from curata.models.paths import DisplayText, FsPath

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


class SimilarVideosRequest(StrictModel):
    """Videos like a target (see docs/similarity.md, "Video similarity").

    ``target``: a video (cataloged, or a video file): its copies, re-encodes, resizes
    and trims, by the share of their sampled frames that match in order; an image (a
    cataloged one, an image file, or ``phash:`` and 16 hex digits): the videos with a
    frame like it.
    """

    target: FsPath
    threshold: int = Field(
        DEFAULT_THRESHOLD, ge=0, le=MAX_DISTANCE, description="largest distance between frames"
    )
    min_share: float = Field(
        0.6,
        ge=0.0,
        le=1.0,
        description="video targets: the share of the shorter video's frames that must match "
        "in order",
    )
    limit: int = Field(50, ge=1, le=MAX_LIMIT)


class VideoRelation(StrEnum):
    """How a matched video relates to the target."""

    COPY = "copy"  # about as long as the target video: a re-encode or a resize
    TRIM = "trim"  # shorter than the target video: a part of it
    CONTAINS = "contains"  # longer than the target video: the target is a part of it
    FRAME = "frame"  # the target is an image: the video has a frame like it


class VideoMatch(Record):
    asset: Asset
    relation: VideoRelation
    distance: int = Field(
        description="frame target: the nearest frame's distance; video: the median over "
        "the matched frames"
    )
    matched: int = Field(description="frames matched (in order, for a video target)")
    share: float | None = Field(
        None, description="video target: matched frames / the shorter video's frames"
    )
    offset: float | None = Field(
        None,
        description="video target: where the target's start falls in this video (seconds; "
        "negative: this video starts inside the target)",
    )
    frame_time: float | None = Field(
        None, description="frame target: when this video's nearest frame is (seconds)"
    )


class SimilarVideosResult(Record):
    target: SimilarTarget
    mode: Literal["video", "frame"] = Field(
        description="video: copies of a video target; frame: videos containing an image"
    )
    frames: int = Field(description="the target's informative frames (1 for an image)")
    threshold: int
    min_share: float
    total: int = Field(description="matches before the limit was applied")
    results: list[VideoMatch] = Field(default_factory=list)


class DuplicateTier(StrEnum):
    """What kind of duplicates a group holds (see docs/similarity.md)."""

    EXACT = "exact"  # the same SHA-256 at several locations
    SAME_PIXELS = "same-pixels"  # different files, identical decoded pixels
    NEAR = "near"  # pHash within the threshold of the keeper's
    VARIANT = "variant"  # the same prompt and model, other seed or parameters


DEFAULT_TIERS = (DuplicateTier.EXACT, DuplicateTier.SAME_PIXELS, DuplicateTier.NEAR)


class KeeperCriterion(StrEnum):
    """The criteria of the keeper rule (:mod:`curata.similarity.keeper`)."""

    RATING = "rating"
    GENERATION = "generation"
    ORIGINAL = "original"
    RESOLUTION = "resolution"
    FILE_SIZE = "file_size"
    EARLIEST = "earliest"


DEFAULT_KEEPER_ORDER = tuple(KeeperCriterion)


class DuplicatesRequest(StrictModel):
    """Duplicate groups, paged. ``tiers`` picks the kinds (default: exact, same-pixels
    and near; ``variant`` on request); ``exact`` is short for ``tiers=["exact"]``."""

    threshold: int = Field(DEFAULT_THRESHOLD, ge=0, le=MAX_DISTANCE)
    exact: bool = Field(False, description="only exact copies (one file at several paths)")
    tiers: list[DuplicateTier] = Field(
        default_factory=lambda: list(DEFAULT_TIERS), min_length=1, max_length=4
    )
    keeper_order: list[KeeperCriterion] = Field(
        default_factory=lambda: list(DEFAULT_KEEPER_ORDER),
        min_length=1,
        max_length=6,
        json_schema_extra={"uniqueItems": True},
        description="the keeper rule's criteria, first decides first (content hash last)",
    )
    limit: int = Field(100, ge=1, le=MAX_LIMIT, description="groups per page")
    offset: int = Field(0, ge=0, le=10**9, description="groups to skip")
    compact: bool = Field(
        False, description="members with hash, path and distances only (no details)"
    )

    @model_validator(mode="after")
    def _distinct(self) -> DuplicatesRequest:
        if len(set(self.keeper_order)) != len(self.keeper_order):
            raise ValueError("keeper_order lists a criterion twice")
        if self.exact:
            self.tiers = [DuplicateTier.EXACT]
        return self


class MemberDetails(Record):
    """What the keeper rule compared (left out of compact answers)."""

    width: int | None = None
    height: int | None = None
    quality_rating: int | None = None
    file_size: int
    created_at: datetime | None = None
    generation: bool = Field(False, description="carries generation metadata")


class DuplicateMember(Record):
    """One member of a group: an asset, or a location (exact copies)."""

    content_hash: str
    path: FsPath
    keeper: bool = False
    match: DuplicateTier = Field(description="how this member duplicates the keeper")
    distance: int | None = Field(
        None, description="Hamming distance to the keeper's pHash (None: no pHash)"
    )
    nearest: int | None = Field(
        None, description="Hamming distance to the nearest other member (None: no pHash)"
    )
    details: MemberDetails | None = None


class DuplicateGroup(Record):
    kind: DuplicateTier
    size: int
    keeper: DuplicateMember
    reason: str = Field(description="the criterion that decided the keeper")
    explanation: DisplayText = Field(description="the group and its keeper, in one sentence")
    members: list[DuplicateMember] = Field(description="the keeper first")


class LowDetailAsset(Record):
    """An image whose pHash carries too little information to compare (flat, tiny)."""

    content_hash: str
    path: FsPath
    phash: str
    width: int | None = None
    height: int | None = None


class DuplicatesResult(Record):
    threshold: int
    tiers: list[DuplicateTier]
    keeper_order: list[KeeperCriterion]
    group_count: int = Field(description="groups before paging")
    member_count: int = Field(description="members of all groups before paging")
    offset: int = 0
    limit: int = MAX_LIMIT
    compact: bool = False
    groups: list[DuplicateGroup] = Field(default_factory=list)
    low_detail_count: int = Field(0, description="low-detail images, never near-duplicates")
    low_detail: list[LowDetailAsset] = Field(
        default_factory=list, description="the first ``limit`` of them"
    )

    REPORT_COLUMNS: ClassVar[tuple[str, ...]] = (
        "group",
        "kind",
        "keeper",
        "match",
        "content_hash",
        "path",
        "distance",
        "nearest",
        "width",
        "height",
        "quality_rating",
        "file_size",
        "reason",
    )

    def report_rows(self) -> list[dict[str, object]]:
        """One flat row per member (``REPORT_COLUMNS``), for a CSV report."""
        rows: list[dict[str, object]] = []
        for number, group in enumerate(self.groups, start=self.offset + 1):
            for member in group.members:
                d = member.details
                rows.append(
                    {
                        "group": number,
                        "kind": group.kind.value,
                        "keeper": member.keeper,
                        "match": member.match.value,
                        "content_hash": member.content_hash,
                        "path": member.path,
                        "distance": member.distance,
                        "nearest": member.nearest,
                        "width": d.width if d else None,
                        "height": d.height if d else None,
                        "quality_rating": d.quality_rating if d else None,
                        "file_size": d.file_size if d else None,
                        "reason": group.explanation if member.keeper else "",
                    }
                )
        return rows

    def shell_script(self, move_to: str | None = None) -> str:
        """A reviewable POSIX shell script for this page of groups (curata runs nothing).

        curata never deletes or moves a file. This is for the user to read, edit and run
        themselves: one ``rm`` line (or ``mv -n`` into ``move_to``) per member that is
        not its group's keeper, under a comment naming the group, its tier and why the
        keeper was chosen. Variant groups (same prompt, other seed) are not duplicates:
        their lines are commented out. Paths are quoted for ``sh``; a name that is not
        UTF-8 stays its exact bytes when the text is written with ``surrogateescape``.
        """
        lines = [SCRIPT_HEADER]
        if move_to is not None:
            lines.append(f"mkdir -p -- {shlex.quote(move_to)}")
        for number, group in enumerate(self.groups, start=self.offset + 1):
            about = " ".join(group.explanation.split())  # a newline in a name ends no comment
            lines.append(f"\n# group {number} ({group.kind.value}): {about}")
            lines.append(f"# keep: {' '.join(shlex.quote(group.keeper.path).split())}")
            prefix = "# " if group.kind is DuplicateTier.VARIANT else ""
            for member in group.members:
                if member.keeper:
                    continue
                path = shlex.quote(member.path)
                if move_to is None:
                    lines.append(f"{prefix}rm -- {path}")
                else:
                    lines.append(f"{prefix}mv -n -- {path} {shlex.quote(move_to)}/")
        return "\n".join(lines) + "\n"


SCRIPT_HEADER = """#!/bin/sh
# Written by `curata dupes`: review every line before running it with `sh FILE`.
# curata itself deletes and moves nothing. Keepers are never listed.
set -eu
"""


class ResolveRequest(StrictModel):
    """Settle one duplicate group without deleting anything: merge the others' tags,
    rating and selection memberships into the keeper (as asked) and tag each other
    ``duplicate-of:<first 12 hex digits of the keeper's hash>``."""

    keeper: FsPath = Field(description="the asset to keep: content hash, prefix or path")
    others: list[FsPath] = Field(min_length=1, max_length=MAX_LIMIT)
    merge_tags: bool = Field(True, description="the keeper gets the others' user tags")
    merge_rating: bool = Field(True, description="the keeper gets the highest rating")
    merge_selections: bool = Field(
        True, description="the keeper joins the selections that hold one of the others"
    )


class UndoResolveRequest(StrictModel):
    resolution_id: int = Field(ge=1, le=2**62)


class ResolveResult(Record):
    """What a resolution changed (or, after an undo, put back). No file was touched."""

    resolution_id: int
    keeper: str
    others: list[str]
    tags_added: dict[str, list[str]] = Field(description="content hash -> tags it got")
    rating: int | None = Field(None, description="the keeper's rating set by the merge")
    selections_joined: list[str] = Field(
        default_factory=list, description="project/selection the keeper was added to"
    )
    undone: bool = False

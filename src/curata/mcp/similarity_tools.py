"""Tools for visually similar assets and duplicates."""

from __future__ import annotations

from pydantic import Field

from curata.mcp.tools import CurataTool
from curata.models.similarity import (
    DuplicatesResult,
    ResolveRequest,
    ResolveResult,
    SimilarResult,
    SimilarVideosRequest,
    SimilarVideosResult,
    UndoResolveRequest,
)
from curata.models.transport import DuplicatesQuery, SimilarQuery


class DuplicatesToolQuery(DuplicatesQuery):
    """``find_duplicates`` for an assistant: compact answers unless asked otherwise."""

    compact: bool = Field(True, description="members with hash, path and distances only")


TOOLS = (
    CurataTool(
        name="find_similar",
        title="Find similar assets",
        description=(
            "Assets that look like a target, by perceptual hash. target: a content hash "
            "(or unique prefix), a cataloged file path, an image file on this machine, or "
            "'phash:' + 16 hex digits. threshold: Hamming distance 0-64, inclusive "
            "(default 10; about 6 for near-identical, 12-16 for loosely similar). "
            "invariant=true also matches mirrored and rotated copies. filters (the "
            "search_assets filters) restricts the candidates, e.g. one project or "
            "quality_rating >= 3. Each result has the asset, distance, similarity (1 - "
            "distance/64) and which orientation matched."
        ),
        arguments=SimilarQuery,
        result=SimilarResult,
        run=lambda cur, args, _r: cur.find_similar(
            args.model_dump(exclude={"filters"}), filters=args.filters
        ),
    ),
    CurataTool(
        name="find_similar_videos",
        title="Find similar videos",
        description=(
            "Videos like a target, from the perceptual hashes of frames sampled every half "
            "second (at most 32 per video). A video target (content hash, cataloged path or "
            "a video file on this machine): its re-encodes, resizes and trims, with the "
            "share of the shorter video's frames that match in order (min_share, default "
            "0.6), the relation (copy, trim, contains) and the offset in seconds. An image "
            "target (or 'phash:' + 16 hex digits): the videos with a frame within threshold "
            "bits of it (default 10) and when that frame is."
        ),
        arguments=SimilarVideosRequest,
        result=SimilarVideosResult,
        run=lambda cur, args, _r: cur.find_similar_videos(args.model_dump()),
    ),
    CurataTool(
        name="find_duplicates",
        title="Find duplicates",
        description=(
            "Groups of duplicates, largest first, in tiers: exact (one file at several "
            "paths), same-pixels (different files, identical pixels), near (perceptual "
            "hash within threshold bits of the group's keeper), variant (same prompt and "
            "model; only when tiers lists it). Each group names its keeper, the criterion "
            "that decided (rating, generation metadata, original over a derivative, "
            "resolution, file size, age) and explains itself; each member has its "
            "distance to the keeper and to its nearest member. Paged by limit/offset; "
            "compact (default here) leaves out member details. Flat or tiny images are "
            "listed apart (low_detail). curata never deletes anything: report the groups "
            "to the user."
        ),
        arguments=DuplicatesToolQuery,
        result=DuplicatesResult,
        run=lambda cur, args, _r: cur.find_duplicates(
            args.model_dump(exclude={"filters"}), filters=args.filters
        ),
    ),
    CurataTool(
        name="resolve_duplicates",
        title="Resolve duplicates",
        description=(
            "Settle one duplicate group in the catalog after the user chose the keeper: "
            "the keeper gets the others' user tags (merge_tags), the highest rating "
            "(merge_rating) and their selection memberships (merge_selections); each other "
            "asset is tagged duplicate-of:<first 12 hex digits of the keeper's hash>. "
            "keeper and others are content hashes, prefixes or cataloged paths. No file is "
            "deleted or moved. Returns what changed and a resolution_id for "
            "undo_duplicate_resolution."
        ),
        arguments=ResolveRequest,
        result=ResolveResult,
        run=lambda cur, args, _r: cur.resolve_duplicates(args),
        read_only=False,
        idempotent=False,
    ),
    CurataTool(
        name="undo_duplicate_resolution",
        title="Undo a duplicate resolution",
        description=(
            "Take back one resolve_duplicates by its resolution_id: exactly the tags and "
            "selection items it added are removed and the keeper's rating is restored. A "
            "resolution can be undone once (conflict afterwards)."
        ),
        arguments=UndoResolveRequest,
        result=ResolveResult,
        run=lambda cur, args, _r: cur.undo_duplicate_resolution(args),
        read_only=False,
        idempotent=False,
    ),
)

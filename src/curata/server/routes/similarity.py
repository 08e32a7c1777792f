"""Similar assets and duplicate groups (perceptual hashes)."""

from __future__ import annotations

from fastapi import APIRouter

from curata.models import Response
from curata.models.similarity import (
    DuplicatesResult,
    ResolveRequest,
    ResolveResult,
    SimilarResult,
    SimilarVideosResult,
)
from curata.models.transport import DuplicatesQuery
from curata.server.deps import CurataDep, EnvelopeResponse, envelope
from curata.server.errors import error_responses
from curata.server.models import SimilarHttpQuery, SimilarVideosHttpQuery

router = APIRouter(tags=["similarity"])


@router.post(
    "/similar",
    response_model=Response[SimilarResult],
    responses=error_responses(404, 422),
    summary="Assets visually similar to one asset or pHash",
)
def find_similar(query: SimilarHttpQuery, curata: CurataDep) -> EnvelopeResponse:
    """Assets whose 64-bit pHash is within ``threshold`` bits (inclusive) of the target's,
    nearest first; ``similarity`` = 1 - distance/64. ``invariant`` also matches mirrored
    and rotated copies; ``filters`` (search filters) restricts the candidates."""
    return envelope(
        curata.find_similar(query.model_dump(exclude={"filters"}), filters=query.filters)
    )


@router.post(
    "/similar/videos",
    response_model=Response[SimilarVideosResult],
    responses=error_responses(404, 422),
    summary="Videos that are copies of a video, or contain an image",
)
def find_similar_videos(query: SimilarVideosHttpQuery, curata: CurataDep) -> EnvelopeResponse:
    """A video target: its re-encodes, resizes and trims, by the share of their sampled
    frames that match in order (``min_share`` of the shorter video). An image target (or
    ``phash:``): the videos with a frame within ``threshold`` of it."""
    return envelope(curata.find_similar_videos(query.model_dump()))


@router.post(
    "/duplicates",
    response_model=Response[DuplicatesResult],
    responses=error_responses(422),
    summary="Duplicate groups in tiers, each with its keeper",
)
def find_duplicates(query: DuplicatesQuery, curata: CurataDep) -> EnvelopeResponse:
    """Largest group first, one page (``limit``/``offset``) of the ``tiers`` asked for,
    each with its keeper, the criterion that decided and an explanation (see
    docs/similarity.md); ``compact`` leaves out member details. Nothing is ever deleted."""
    return envelope(
        curata.find_duplicates(query.model_dump(exclude={"filters"}), filters=query.filters)
    )


@router.post(
    "/duplicates/resolve",
    response_model=Response[ResolveResult],
    responses=error_responses(404, 422),
    summary="Settle a duplicate group in the catalog (no file is touched)",
)
def resolve_duplicates(request: ResolveRequest, curata: CurataDep) -> EnvelopeResponse:
    """Merge the others' tags, rating and selection memberships into the keeper (as
    asked), tag each other ``duplicate-of:<hash prefix>``, and record it so that it can
    be undone. No file is deleted, moved or rewritten."""
    return envelope(curata.resolve_duplicates(request))


@router.post(
    "/duplicates/resolutions/{resolution_id}/undo",
    response_model=Response[ResolveResult],
    responses=error_responses(404, 409, 422),
    summary="Take back one resolution",
)
def undo_duplicate_resolution(resolution_id: int, curata: CurataDep) -> EnvelopeResponse:
    """Remove exactly the tags and selection items that resolution added and restore the
    keeper's rating."""
    return envelope(curata.undo_duplicate_resolution(resolution_id))

"""Automatic best-artwork selection: pick, score, strategy, provider priorities, fetch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from curata.models import Response
from curata.models.autoselect import (
    ArtMediaType,
    AssetScore,
    AutoSelectResult,
    FetchRequest,
    FetchResult,
    LockRequest,
    LockState,
    PolicyRequest,
    PriorityResetRequest,
    PriorityTable,
    ProviderPriority,
    ScoreRequest,
    SelectionPolicy,
    SelectRequest,
    StrategyInfo,
)
from curata.models.transport import StrategyRequest
from curata.server.deps import CurataDep, EnvelopeResponse, envelope
from curata.server.errors import error_responses

router = APIRouter(prefix="/artwork", tags=["artwork"])


@router.post(
    "/select",
    response_model=Response[AutoSelectResult],
    responses=error_responses(422),
    summary="Pick the best artwork per asset type",
)
def select_best_assets(request: SelectRequest, curata: CurataDep) -> EnvelopeResponse:
    """Candidates per provider -> per asset type the winner (tier, score, reason) and the
    ranked runners-up; duplicates of ``existing_assets`` are skipped and reported."""
    return envelope(curata.select_best_assets(request))


@router.post(
    "/score",
    response_model=Response[AssetScore],
    responses=error_responses(422),
    summary="Score one candidate",
)
def score_asset(request: ScoreRequest, curata: CurataDep) -> EnvelopeResponse:
    return envelope(curata.score_asset(request))


@router.get(
    "/policy", response_model=Response[SelectionPolicy], summary="The stored selection policy"
)
def get_policy(curata: CurataDep) -> EnvelopeResponse:
    """``spec`` (the default: the specification's rules only), ``kodi`` or ``custom``,
    with the extras it turns on."""
    return envelope(curata.get_policy())


@router.put(
    "/policy",
    response_model=Response[SelectionPolicy],
    responses=error_responses(422),
    summary="Store the selection policy",
)
def set_policy(request: PolicyRequest, curata: CurataDep) -> EnvelopeResponse:
    """Extras (min_resolution, fallback_languages, prefer_textless,
    prefer_original_language) are given for ``custom`` only."""
    return envelope(curata.set_policy(request))


@router.get("/strategy", response_model=Response[StrategyInfo], summary="Selection strategy")
def get_strategy(curata: CurataDep) -> EnvelopeResponse:
    return envelope(curata.get_strategy())


@router.put(
    "/strategy",
    response_model=Response[StrategyInfo],
    responses=error_responses(422),
    summary="Set the selection strategy",
)
def set_strategy(request: StrategyRequest, curata: CurataDep) -> EnvelopeResponse:
    return envelope(curata.set_strategy(request.strategy))


@router.get(
    "/strategy/balanced",
    response_model=Response[bool],
    summary="Whether the balanced strategy is in use",
)
def is_balanced(curata: CurataDep) -> EnvelopeResponse:
    return envelope(curata.is_balanced())


@router.get(
    "/priorities",
    response_model=Response[PriorityTable],
    responses=error_responses(422),
    summary="Effective provider order per media type and asset type",
)
def get_priorities(
    curata: CurataDep,
    media_type: Annotated[ArtMediaType | None, Query(description="only this one")] = None,
) -> EnvelopeResponse:
    return envelope(curata.get_priorities(media_type.value if media_type else None))


@router.put(
    "/priorities",
    response_model=Response[PriorityTable],
    responses=error_responses(422),
    summary="Store a custom provider order",
)
def set_priority(request: ProviderPriority, curata: CurataDep) -> EnvelopeResponse:
    """Switches the strategy to custom."""
    return envelope(curata.set_priority(request))


@router.post(
    "/priorities/reset",
    response_model=Response[PriorityTable],
    responses=error_responses(422),
    summary="Remove custom provider orders",
)
def reset_priorities(request: PriorityResetRequest, curata: CurataDep) -> EnvelopeResponse:
    return envelope(curata.reset_priorities(request))


@router.post(
    "/fetch",
    response_model=Response[FetchResult],
    responses=error_responses(403, 404, 422, 502, 507),
    summary="Download the best artwork for one item into its folder",
)
def fetch_artwork(request: FetchRequest, curata: CurataDep) -> EnvelopeResponse:
    """Asks the providers (API keys from the server's configuration), picks, and writes
    the winners under Kodi names in ``into``; existing and locked art is kept."""
    return envelope(curata.fetch_artwork(request))


@router.post(
    "/locks",
    response_model=Response[LockState],
    responses=error_responses(403, 404, 422, 507),
    summary="Lock or unlock asset types in an item folder",
)
def lock_artwork(request: LockRequest, curata: CurataDep) -> EnvelopeResponse:
    return envelope(curata.lock_artwork(request))

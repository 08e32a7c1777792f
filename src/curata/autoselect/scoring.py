"""Scoring one candidate on its own, and picking the keeper of a duplicate cluster."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from curata.autoselect import rules
from curata.autoselect.select import tier_phrase
from curata.errors import InvalidRequest, invalid_from_pydantic
from curata.models.autoselect import (
    MAX_COUNT,
    MAX_EDGE,
    AssetCandidate,
    AssetScore,
    AssetType,
    _normalize_language,
)
from curata.similarity import keeper
from curata.similarity.keeper import Candidate


def score_asset(
    asset: AssetCandidate | Mapping[str, Any],
    asset_type: AssetType | str | None = None,
    provider_name: str = "",
    provider_order: Sequence[str] = (),
    preferred_language: str = "en",
) -> AssetScore:
    """The spec's ``scoreAsset``: tier, display score and reason of one candidate, with
    the parts they come from. ``provider_priority`` is the provider's index in
    ``provider_order`` (``len(provider_order)`` when it is not listed)."""
    try:
        candidate = (
            asset if isinstance(asset, AssetCandidate) else AssetCandidate.model_validate(asset)
        )
        preferred = _normalize_language(preferred_language) or ""
        kind = AssetType(asset_type if asset_type is not None else candidate.asset_type)
    except ValidationError as exc:
        raise invalid_from_pydantic(exc, "asset") from None
    except ValueError as exc:
        raise InvalidRequest(str(exc), field="asset_type") from None
    width, height = candidate.width or 0, candidate.height or 0
    language_cls = rules.language_class(candidate.language, preferred)
    hd = rules.is_hd(width, height, candidate.quality, candidate.metadata)
    tier = rules.tier_of(language_cls, hd)
    pixels = width * height
    res_score = rules.resolution_score(pixels)
    ar_score = rules.aspect_ratio_score(
        rules.aspect_ratio_of(width, height, candidate.aspect_ratio), kind
    )
    votes = candidate.votes or 0
    v_score = rules.vote_score(votes)
    order = list(provider_order)
    priority = order.index(provider_name) if provider_name in order else len(order)
    parts = [tier_phrase(tier, language_cls == rules.NEUTRAL)]
    if votes:
        parts.append(f"community votes ({votes})")
    if pixels:
        parts.append(f"{width}x{height}")
    return AssetScore(
        tier=tier,
        score=rules.display_score(tier, res_score, ar_score, v_score),
        reason=", ".join(parts),
        language_score=rules.LANGUAGE_SCORES[language_cls],
        hd=hd,
        resolution=pixels,
        resolution_score=res_score,
        aspect_ratio_score=ar_score,
        vote_score=v_score,
        votes=votes,
        provider_priority=priority,
    )


_KEEPER_INTS = (
    ("width", MAX_EDGE),
    ("height", MAX_EDGE),
    ("file_size", MAX_COUNT),
    ("votes", MAX_COUNT),
)
_GENERATION_FIELDS = ("prompt", "ai_source", "generation")


def _field(item: Any, name: str) -> Any:
    return item.get(name) if isinstance(item, Mapping) else getattr(item, name, None)


def _keeper_candidate(i: int, item: Any) -> Candidate:
    url = _field(item, "url")
    if not isinstance(url, str) or not url:
        raise InvalidRequest("a non-empty string is required", field=f"candidates[{i}].url")
    values = []
    for name, top in _KEEPER_INTS:
        value = _field(item, name)
        if value is not None and (type(value) is not int or not 0 <= value <= top):
            raise InvalidRequest(f"must be an integer in 0..{top}", field=f"candidates[{i}].{name}")
        values.append(value)
    width, height, size, votes = values
    created = _field(item, "created_at")
    if isinstance(created, datetime):
        created = created.timestamp()
    if created is not None and (
        isinstance(created, bool)
        or not isinstance(created, int | float)
        or not math.isfinite(created)
    ):
        raise InvalidRequest(
            "must be a finite number or a datetime", field=f"candidates[{i}].created_at"
        )
    generation = any(_field(item, name) for name in _GENERATION_FIELDS)
    return Candidate(url, width, height, votes or None, size or 0, created, generation)


def pick_cluster_keeper(
    candidates: Sequence[Any], order: Sequence[str] = keeper.DEFAULT_ORDER
) -> Any:
    """The copy to keep in a cluster of near-duplicates: the same rule as the duplicate
    finder (:mod:`curata.similarity.keeper`, ``order`` as there).

    Each candidate is a mapping (or an object with these attributes):

    - ``url`` (str, required): the file path or content hash, the last tie-breaker;
    - ``width``, ``height`` (int >= 0 or None): pixels;
    - ``file_size`` (int >= 0 or None);
    - ``votes`` (int >= 0 or None): the user's rating (0 or None = unrated);
    - ``created_at`` (epoch seconds or a datetime, optional);
    - ``prompt``, ``ai_source`` or ``generation`` (optional): any of them set means the
      copy carries generation metadata.

    Other keys are ignored, so catalog rows can be passed as they are. Returns the
    chosen item itself; the result does not depend on the order of ``candidates``
    (candidates equal in every field are interchangeable).
    """
    items = list(candidates)
    if not items:
        raise InvalidRequest("a cluster needs at least one candidate", field="candidates")
    cands = [_keeper_candidate(i, item) for i, item in enumerate(items)]
    try:
        best, _why = keeper.pick_keeper(cands, order)
    except ValueError as exc:
        raise InvalidRequest(str(exc), field="order") from None
    return items[best]

"""Scoring one candidate on its own, and picking the keeper of a duplicate cluster."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from pydantic import ValidationError

from curata.autoselect import rules
from curata.autoselect.rows import N_COLUMNS, TYPES, languages, make_row
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


def kernel() -> Any:
    """The numba kernel ``pick_cluster_keeper`` runs on, imported on first use."""
    from curata.autoselect import kernel as module

    return module


_KEEPER_INTS = (
    ("width", MAX_EDGE),
    ("height", MAX_EDGE),
    ("file_size", MAX_COUNT),
    ("votes", MAX_COUNT),
)


def _field(item: Any, name: str) -> Any:
    return item.get(name) if isinstance(item, Mapping) else getattr(item, name, None)


def pick_cluster_keeper(candidates: Sequence[Any]) -> Any:
    """The copy to keep in a cluster of near-duplicates, by the auto-selection rules.

    Each candidate is a mapping (or an object with these attributes):

    - ``url`` (str, required): the file path or content hash, the last tie-breaker;
    - ``width``, ``height`` (int >= 0 or None): pixels;
    - ``file_size`` (int >= 0 or None);
    - ``votes`` (int >= 0 or None): the user's rating (0 or None = unrated);
    - ``quality`` ("sd"/"hd"/"4k") and ``metadata`` (dict) optional, for HD hints.

    Other keys are ignored, so catalog rows can be passed as they are. Every copy is a
    local, language-neutral candidate: HD copies (an edge >= 1920 px) win, then a
    significantly higher rating (> 50% more), then a significantly larger size
    (> 10% more pixels), then the smallest ``url``. Returns the chosen item itself;
    the result does not depend on the order of ``candidates``.
    """
    items = list(candidates)
    if not items:
        raise InvalidRequest("a cluster needs at least one candidate", field="candidates")
    k = kernel()
    parts = []
    keys = []
    for i, item in enumerate(items):
        url = _field(item, "url")
        if not isinstance(url, str) or not url:
            raise InvalidRequest("a non-empty string is required", field=f"candidates[{i}].url")
        values = []
        for name, top in _KEEPER_INTS:
            value = _field(item, name)
            if value is not None and (type(value) is not int or not 0 <= value <= top):
                raise InvalidRequest(
                    f"must be an integer in 0..{top}", field=f"candidates[{i}].{name}"
                )
            values.append(value or 0)
        width, height, size, votes = values
        hd = rules.is_hd(width, height, _field(item, "quality"), _field(item, "metadata"))
        parts.append(make_row("thumb", hd, votes, width, height, None, url))
        keys.append((url, width, height, size, votes))
    n = len(items)
    rows = np.frombuffer(b"".join(parts), np.int64).reshape(n, N_COLUMNS)
    codes = np.full(len(languages()), rules.OTHER, np.int64)
    codes[0] = k.L_NEUTRAL  # language id 0 is "no language"
    layout = k.layout(n, len(TYPES))

    def winner(keyrank: np.ndarray) -> np.ndarray:
        return k.rank_groups(
            rows,
            np.array([n], np.int64),
            np.zeros(n, np.int64),
            codes,
            np.zeros((len(TYPES), 1), np.int64),
            np.zeros((len(TYPES), 3), np.int64),
            keyrank,
            False,
        )

    out = winner(np.zeros(0, np.int64))
    if out[layout["key_tie"]][0]:  # the same URL twice: order by every field instead
        order = sorted(range(n), key=keys.__getitem__)
        out = winner(np.argsort(np.array(order, np.int64)).astype(np.int64))
    return items[int(out[layout["order"]][0])]

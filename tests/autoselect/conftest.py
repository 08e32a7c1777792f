"""Helpers for the auto-selection tests: candidate builders and an independent oracle."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from curata.autoselect import select_best_assets
from curata.autoselect.policy import EXTRAS, named, with_overrides
from curata.autoselect.select import SelectionOutcome
from curata.errors import invalid_from_pydantic
from curata.models.autoselect import PolicyOverrides
from tests.autoselect.provider_server import (
    AUDIODB_KEY,
    FANART_KEY,
    TMDB_KEY,
    TVDB_KEY,
    ProviderServer,
    serve,
)


def cand(url: str, asset_type: str = "poster", **fields: Any) -> dict[str, Any]:
    return {"url": url, "asset_type": asset_type, **fields}


def select(results: dict[str, list[dict[str, Any]]], **kwargs: Any) -> SelectionOutcome:
    """select_best_assets for a movie; policy extras given as keywords (min_resolution,
    fallback_languages, ...) are applied to the named policy (default spec)."""
    extras = {k: kwargs.pop(k) for k in EXTRAS if k in kwargs}
    if extras:
        base = named(kwargs.pop("policy", "spec"))
        try:
            overrides = PolicyOverrides.model_validate(extras)
        except ValidationError as exc:
            raise invalid_from_pydantic(exc) from None
        kwargs["policy"] = with_overrides(base, overrides)
    return select_best_assets(results, kwargs.pop("media_type", "movie"), **kwargs)


def ranked_urls(outcome: SelectionOutcome, asset_type: str = "poster") -> list[str]:
    return [p.url for p in outcome[asset_type].ranked]


def reference_choose(items: list[dict[str, Any]]) -> dict[str, Any]:
    """Successive filtering written out plainly from DESIGN.md, as a test oracle.

    Each item has tier, votes, pixels, priority and key (already computed).
    """
    best = min(i["tier"] for i in items)
    pool = [i for i in items if i["tier"] == best]
    leader = max(i["votes"] for i in pool)
    if leader:
        # drop the significantly lower: leader - v > 50% of v
        pool = [i for i in pool if i["votes"] == 0 or not (leader - i["votes"] > i["votes"] / 2)]
    top = max(i["pixels"] for i in pool)
    if top:
        pool = [i for i in pool if i["pixels"] == 0 or not (top - i["pixels"] > i["pixels"] / 10)]
    first = min(i["priority"] for i in pool)
    pool = [i for i in pool if i["priority"] == first]
    return min(pool, key=lambda i: i["key"])


def reference_rank(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    left = list(items)
    out = []
    while left:
        winner = reference_choose(left)
        out.append(winner)
        left.remove(winner)
    return out


@pytest.fixture
def worked_example() -> dict[str, list[dict[str, Any]]]:
    """The spec's "Example Scenario" input, as written there."""
    return {
        "tmdb": [
            cand("https://image.tmdb.org/t/p/original/poster1.jpg", width=2000, height=3000,
                 language="en", votes=42, quality="hd"),
            cand("https://image.tmdb.org/t/p/original/poster2.jpg", width=1000, height=1500,
                 language="en", votes=15),
        ],
        "fanart_tv": [
            cand("https://assets.fanart.tv/fanart/movies/1/movieposter/p.jpg", width=1000,
                 height=1426, language="en", votes=125),
        ],
    }  # fmt: skip


PROVIDER_ENV = (
    "CURATA_TMDB_API_KEY", "TMDB_API_KEY", "CURATA_FANART_TV_API_KEY", "FANART_TV_API_KEY",
    "FANARTTV_API_KEY", "CURATA_TVDB_API_KEY", "TVDB_API_KEY", "CURATA_THEAUDIODB_API_KEY",
    "THEAUDIODB_API_KEY", "CURATA_TVDB_PIN",
)  # fmt: skip


@pytest.fixture
def providers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ProviderServer]:
    """The loopback provider server, with curata's provider settings pointing at it."""
    monkeypatch.setenv("CURATA_HOME", str(tmp_path / "curata-home"))
    for name in PROVIDER_ENV:
        monkeypatch.delenv(name, raising=False)
    for server in serve():
        base = server.base
        monkeypatch.setenv("CURATA_TMDB_URL", f"{base}/3")
        monkeypatch.setenv("CURATA_TMDB_IMAGE_URL", f"{base}/t/p/original")
        monkeypatch.setenv("TMDB_API_KEY", TMDB_KEY)
        monkeypatch.setenv("CURATA_FANART_TV_URL", f"{base}/v3")
        monkeypatch.setenv("FANART_TV_API_KEY", FANART_KEY)
        monkeypatch.setenv("CURATA_TVDB_URL", f"{base}/v4")
        monkeypatch.setenv("TVDB_API_KEY", TVDB_KEY)
        monkeypatch.setenv("CURATA_THEAUDIODB_URL", f"{base}/api/v1/json")
        monkeypatch.setenv("THEAUDIODB_API_KEY", AUDIODB_KEY)
        monkeypatch.setenv("CURATA_MUSICBRAINZ_URL", f"{base}/caa")
        yield server

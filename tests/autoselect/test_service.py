"""Strategy and priorities persisted in the catalog, reached through Curata."""

from __future__ import annotations

from pathlib import Path

import pytest

from curata import Curata
from curata.errors import InvalidRequest
from tests.autoselect.conftest import cand


def _request(**overrides: object) -> dict:
    return {
        "provider_results": {
            "tmdb": [cand("t", width=1000, height=1500)],
            "fanart_tv": [cand("f", width=1000, height=1500)],
            "local": [cand("l", width=1000, height=1500)],
        },
        "media_type": "movie",
        **overrides,
    }


def test_strategy_defaults_to_balanced_and_persists(db_path: Path) -> None:
    with Curata(database=db_path) as cur:
        assert cur.get_strategy().data.strategy == "balanced"
        assert cur.is_balanced().data is True
        assert cur.set_strategy("custom").data.balanced is False
    with Curata(database=db_path) as cur:  # a new process would see the same
        assert cur.get_strategy().data.strategy == "custom"
        assert cur.is_balanced().data is False
        with pytest.raises(InvalidRequest) as err:
            cur.set_strategy("random")
        assert err.value.field == "strategy"


def test_custom_priority_per_type_with_fallback_to_media_and_balanced(cur: Curata) -> None:
    assert [w.url for w in _ranked(cur)] == ["f", "t", "l"]  # balanced
    table = cur.set_priority(
        {"media_type": "movie", "asset_type": "poster", "providers": ["local", "tmdb"],
         "disabled": ["fanart_tv"]}
    ).data  # fmt: skip
    assert table.strategy == "custom"
    entries = {(e.media_type, e.asset_type): e for e in table.entries}
    assert entries[("movie", "poster")].providers == ["local", "tmdb"]
    assert entries[("movie", "poster")].source == "custom"
    assert entries[("movie", "fanart")].source == "balanced"
    result = cur.select_best_assets(_request()).data.results["poster"]
    assert [r.candidate.url for r in [result.winner, *result.runners_up]] == ["l", "t"]
    assert [(s.provider, s.reason) for s in result.skipped] == [
        ("fanart_tv", "provider fanart_tv is disabled")
    ]
    # A media-wide custom order applies to types without their own.
    cur.set_priority({"media_type": "movie", "asset_type": "*", "providers": ["tmdb"]})
    fanart = _request(
        provider_results={"tmdb": [cand("t", "fanart")], "fanart_tv": [cand("f", "fanart")]}
    )
    assert cur.select_best_assets(fanart).data.results["fanart"].winner.provider == "tmdb"
    # Back to balanced: the rows stay but are not used.
    cur.set_strategy("balanced")
    assert [w.url for w in _ranked(cur)] == ["f", "t", "l"]
    cur.set_strategy("custom")
    assert [w.url for w in _ranked(cur)] == ["l", "t"]
    # Reset one type, then everything.
    cur.reset_priorities({"media_type": "movie", "asset_type": "poster"})
    assert [w.url for w in _ranked(cur)] == ["t", "f", "l"]  # the '*' row: tmdb first
    table = cur.reset_priorities().data
    assert all(e.source == "balanced" for e in table.entries)


def _ranked(cur: Curata) -> list:
    result = cur.select_best_assets(_request()).data.results["poster"]
    return [r.candidate for r in [result.winner, *result.runners_up]]


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        ({"media_type": "movie", "asset_type": "poster", "providers": []}, "providers"),
        ({"media_type": "book", "asset_type": "poster", "providers": ["x"]}, "media_type"),
        ({"media_type": "movie", "asset_type": "wallpaper", "providers": ["x"]}, "asset_type"),
        (
            {"media_type": "movie", "asset_type": "*", "providers": ["a"], "disabled": ["a"]},
            "",
        ),
    ],
)
def test_bad_priorities_are_rejected(cur: Curata, request_: dict, field: str) -> None:
    with pytest.raises(InvalidRequest) as err:
        cur.set_priority(request_)
    assert (err.value.field or "") == field
    assert cur.get_strategy().data.strategy == "balanced"  # nothing was written


def test_score_asset_through_the_facade(cur: Curata) -> None:
    score = cur.score_asset(
        {"asset": cand("p", width=2000, height=3000, language="de"), "provider_name": "tmdb",
         "provider_order": ["fanart_tv", "tmdb"], "preferred_language": "de"}
    ).data  # fmt: skip
    assert (score.tier, score.provider_priority, score.language_score) == (1, 1, 1.0)


def test_select_request_validates_provider_names_in_candidates(cur: Curata) -> None:
    with pytest.raises(InvalidRequest) as err:
        cur.select_best_assets(
            {"provider_results": {"tmdb": [cand("x", provider="fanart_tv")]}, "media_type": "movie"}
        )
    assert err.value.field == "provider_results"


@pytest.mark.postgres
def test_strategy_and_priorities_on_postgresql(pg_database: str) -> None:
    with Curata(database=pg_database) as cur:
        cur.set_priority({"media_type": "tv", "asset_type": "banner", "providers": ["tvdb"]})
        cur.set_priority({"media_type": "tv", "asset_type": "banner", "providers": ["local"]})
    with Curata(database=pg_database) as cur:
        assert cur.get_strategy().data.strategy == "custom"
        entries = {(e.media_type, e.asset_type): e for e in cur.get_priorities("tv").data.entries}
        assert entries[("tv", "banner")].providers == ["local"]
        cur.set_strategy("balanced")
        assert cur.is_balanced().data is True

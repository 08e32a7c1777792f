"""The spec's "Missing Data" table, one test per row, and its tie scenario."""

from __future__ import annotations

from curata.autoselect import score_asset
from tests.autoselect.conftest import cand, ranked_urls, select


def test_missing_dimensions_use_0x0_and_tiers_still_work() -> None:
    # Row "Dimensions: use 0x0, tier calculation still works".
    score = score_asset(cand("a", language="en", quality="hd"), "poster", "tmdb")
    assert (score.resolution, score.tier, score.resolution_score) == (0, 1, 0.0)
    assert score_asset(cand("b", language="en"), "poster", "tmdb").tier == 2
    # ...and no size is never "significantly below": votes and priority decide.
    results = {"tmdb": [cand("sized", width=2000, height=3000)], "fanart_tv": [cand("bare")]}
    assert ranked_urls(select(results)) == ["sized", "bare"]  # HD (tier 1) first
    results = {"tmdb": [cand("sized", width=1000, height=1500)], "fanart_tv": [cand("bare")]}
    assert ranked_urls(select(results)) == ["bare", "sized"]  # same tier: fanart_tv first


def test_missing_votes_skip_the_vote_comparison_and_use_resolution() -> None:
    # Row "Votes: skip vote comparison, use resolution".
    results = {
        "tmdb": [
            cand("voted", votes=300, width=1000, height=1500),
            cand("no-votes", width=1200, height=1800),
        ]
    }
    winner = select(results)["poster"].winner
    assert winner.url == "no-votes"
    assert "Highest resolution (1200x1800)" in winner.reason


def test_missing_language_is_neutral() -> None:
    # Row "Language: treat as language-neutral (score 0.5)".
    score = score_asset(cand("a"), "poster", "tmdb", preferred_language="de")
    assert (score.language_score, score.tier) == (0.5, 2)
    results = {"tmdb": [cand("fr", language="fr", votes=90), cand("none", votes=1)]}
    assert (
        select(results, preferred_language="de", fallback_languages=[])["poster"].winner.url
        == "none"
    )


def test_missing_quality_checks_dimensions_and_metadata_hints() -> None:
    # Row "Quality field: check dimensions and metadata hints".
    assert score_asset(cand("a", width=1920, height=1080), "fanart", "tmdb").hd
    assert score_asset(cand("b", width=500, height=700, metadata={"src": "BluRay"}), "poster").hd
    assert not score_asset(cand("c", width=500, height=700), "poster").hd


def test_missing_metadata_relies_on_dimensions() -> None:
    # Row "Metadata: no HD hint detection, rely on dimensions".
    assert score_asset(cand("a", width=2000, height=3000), "poster").tier == 1
    assert score_asset(cand("b", width=1000, height=1426), "poster").tier == 2


def test_all_factors_equal_falls_back_to_provider_priority() -> None:
    # "Tie Scenarios": same tier, votes and resolution (or all missing): priority.
    results = {
        "local": [cand("l", votes=10, width=1000, height=1500)],
        "tmdb": [cand("t", votes=10, width=1000, height=1500)],
        "fanart_tv": [cand("f", votes=10, width=1000, height=1500)],
    }
    assert ranked_urls(select(results)) == ["f", "t", "l"]
    bare = {"local": [cand("l")], "tmdb": [cand("t")], "fanart_tv": [cand("f")]}
    assert ranked_urls(select(bare)) == ["f", "t", "l"]
    tv = {"tmdb": [cand("t")], "tvdb": [cand("v")], "fanart_tv": [cand("f")]}
    assert ranked_urls(select(tv, media_type="tv")) == ["f", "v", "t"]

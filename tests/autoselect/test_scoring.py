"""score_asset and pick_cluster_keeper."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curata.autoselect import pick_cluster_keeper, score_asset
from curata.errors import InvalidRequest
from curata.similarity.keeper import Candidate, pick_keeper
from tests.autoselect.conftest import cand


def test_score_asset_reports_every_part() -> None:
    score = score_asset(
        cand("p", width=2000, height=3000, language="en", votes=42, quality="hd"),
        "poster",
        "tmdb",
        ["fanart_tv", "tmdb", "tvdb"],
        "en",
    )
    assert score.tier == 1
    assert score.score == 1.0
    assert score.reason == "Best quality in preferred language, community votes (42), 2000x3000"
    assert (score.language_score, score.hd, score.resolution) == (1.0, True, 6_000_000)
    assert (score.resolution_score, score.aspect_ratio_score) == (0.85, 1.0)
    assert (score.vote_score, score.provider_priority) == (0.42, 1)


def test_score_asset_tier_four_display_score() -> None:
    score = score_asset(cand("p", width=640, height=360, language="fr"), "fanart", "x", [], "de")
    # (5-4)/4 + 0.2*0.2 (360p) + 0.1*1.0 (16:9) + 0
    assert score.score == pytest.approx(0.25 + 0.04 + 0.1)
    assert score.provider_priority == 0
    assert score.reason == "Best available, 640x360"


def test_score_asset_rejects_bad_input() -> None:
    with pytest.raises(InvalidRequest) as err:
        score_asset({"url": "x", "asset_type": "poster", "votes": -1}, "poster", "tmdb")
    assert err.value.field == "asset.votes"
    with pytest.raises(InvalidRequest) as err:
        score_asset(cand("x"), "wallpaper", "tmdb")
    assert err.value.field == "asset_type"


CLUSTER = [
    {"url": "/a/small.jpg", "width": 800, "height": 600, "votes": 5, "content_hash": "1"},
    {"url": "/a/big.jpg", "width": 1600, "height": 1200, "votes": None, "content_hash": "2"},
    {"url": "/a/hd.jpg", "width": 1920, "height": 1080, "votes": 1, "content_hash": "3"},
    {"url": "/a/rated.jpg", "width": 1700, "height": 1200, "votes": 4, "content_hash": "4"},
]


def test_cluster_keeper_is_the_duplicate_finders_rule() -> None:
    """One keeper rule for both (the old one put HD copies first)."""
    assert pick_cluster_keeper(CLUSTER)["content_hash"] == "1"  # the highest rating
    unrated = [dict(c, votes=None) for c in CLUSTER]
    assert pick_cluster_keeper(unrated)["content_hash"] == "3"  # then resolution
    prompt = [dict(c, prompt="a fox" if c["content_hash"] == "2" else None) for c in unrated]
    assert pick_cluster_keeper(prompt)["content_hash"] == "2"  # generation metadata first
    dated = [dict(c, created_at=float(c["content_hash"])) for c in unrated]
    # without metadata, the later, larger copies derive from the earliest one
    assert pick_cluster_keeper(dated)["content_hash"] == "1"
    assert pick_cluster_keeper(dated, order=("resolution",))["content_hash"] == "3"
    for cluster in (CLUSTER, unrated, prompt, dated):
        cands = [
            Candidate(c["url"], c["width"], c["height"], c["votes"], 0, c.get("created_at"),
                      bool(c.get("prompt")))
            for c in cluster
        ]  # fmt: skip
        assert pick_cluster_keeper(cluster) is cluster[pick_keeper(cands)[0]]


def test_cluster_keeper_in_every_order() -> None:
    for order in itertools.permutations(CLUSTER):
        assert pick_cluster_keeper(order)["content_hash"] == "1"


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "url": st.sampled_from(["/a", "/b", "/c", "/d", "/e"]),
                "width": st.sampled_from([None, 640, 1000, 1050, 1920]),
                "height": st.sampled_from([None, 480, 800, 1080]),
                "votes": st.sampled_from([None, 0, 1, 2, 3, 4, 5]),
            }
        ),
        min_size=1,
        max_size=8,
        unique_by=lambda c: c["url"],
    ),
    st.randoms(use_true_random=False),
)
def test_cluster_keeper_does_not_depend_on_order(cluster: list, rng) -> None:
    expected = pick_cluster_keeper(cluster)
    shuffled = list(cluster)
    rng.shuffle(shuffled)
    assert pick_cluster_keeper(shuffled) is expected


def test_cluster_keeper_validates_its_input() -> None:
    with pytest.raises(InvalidRequest) as err:
        pick_cluster_keeper([{"url": "/a"}, {"url": "/b", "width": -1}])
    assert err.value.field == "candidates[1].width"
    with pytest.raises(InvalidRequest):
        pick_cluster_keeper([])
    with pytest.raises(InvalidRequest) as err:
        pick_cluster_keeper([{"url": "/a", "votes": 2**64}])
    assert err.value.field == "candidates[0].votes"
    with pytest.raises(InvalidRequest) as err:
        pick_cluster_keeper([{"path": "/a"}])
    assert err.value.field == "candidates[0].url"
    with pytest.raises(InvalidRequest) as err:
        pick_cluster_keeper([{"url": "/a", "created_at": "yesterday"}])
    assert err.value.field == "candidates[0].created_at"
    with pytest.raises(InvalidRequest) as err:
        pick_cluster_keeper([{"url": "/a"}], order=("hd",))
    assert err.value.field == "order"

"""select_best_assets: the worked example, the within-tier rules and order independence."""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curata.autoselect import ProviderPriorities, select_best_assets
from curata.errors import InvalidRequest
from curata.models.autoselect import AssetCandidate, Strategy
from tests.autoselect.conftest import cand, ranked_urls, reference_rank, select


def test_worked_example_follows_the_rules_not_the_document(worked_example: dict) -> None:
    # The spec's example calls the fanart.tv poster (1000x1426, no quality field, no
    # hint) "HD by aspect" and lets it win on votes. Its own rules say otherwise: HD
    # needs an edge >= 1920 px, quality hd/4k or a metadata hint, so that poster is
    # tier 2 (preferred language only). TMDB poster 1 (2000x3000, quality hd, English)
    # is the only tier-1 candidate and wins. DESIGN.md: the rules win over the example.
    outcome = select(worked_example)
    poster = outcome["poster"]
    assert poster.winner is not None
    assert poster.winner.url.endswith("poster1.jpg")
    assert poster.winner.provider == "tmdb"
    assert poster.winner.tier == 1
    assert poster.winner.reason == "Best quality in preferred language"
    assert poster.winner.score == 1.0
    assert poster.winner.rank_score == 1.0
    # In tier 2 the fanart.tv poster's 125 likes beat TMDB poster 2's 15 votes.
    assert [p.tier for p in poster.ranked] == [1, 2, 2]
    assert poster.runners_up[0].provider == "fanart_tv"
    assert poster.runners_up[0].reason == "Preferred language, High community votes (125)"
    assert poster.runners_up[0].rank_score > poster.runners_up[1].rank_score


def test_votes_decide_when_significant() -> None:
    outcome = select({"tmdb": [cand("a", votes=10), cand("b", votes=16)]})
    assert outcome["poster"].winner.url == "b"
    assert "High community votes (16)" in outcome["poster"].winner.reason


def test_votes_within_half_fall_through_to_resolution() -> None:
    results = {
        "tmdb": [
            cand("a", votes=15, width=1000, height=1500),
            cand("b", votes=10, width=1200, height=1800),
        ]
    }
    winner = select(results)["poster"].winner
    assert winner.url == "b"
    assert winner.reason == "Language-neutral, Highest resolution (1200x1800)"


def test_resolution_within_ten_percent_falls_through_to_provider_priority() -> None:
    results = {
        "tmdb": [cand("t", width=1050, height=1500)],  # 5% more pixels
        "fanart_tv": [cand("f", width=1000, height=1500)],
    }
    winner = select(results)["poster"].winner
    assert (winner.provider, winner.url) == ("fanart_tv", "f")  # balanced: fanart_tv first
    assert winner.reason == "Language-neutral, Preferred provider (fanart_tv)"


def test_all_factors_equal_uses_provider_priority_then_the_stable_key() -> None:
    results = {"tmdb": [cand("z"), cand("y")], "local": [cand("a")]}
    outcome = select(results)
    # tmdb before local; between the two tmdb posters the stable key (the URL)
    assert ranked_urls(outcome) == ["y", "z", "a"]
    assert outcome["poster"].winner.reason == (
        "Language-neutral, Equal on every rule; first by stable key"
    )


def test_equal_url_keys_fall_back_to_the_urls() -> None:
    # The same URL from two unlisted providers: the keys tie, the provider names decide.
    results = {"zeta": [cand("same")], "alpha": [cand("same")]}
    outcome = select(results)
    assert [p.provider for p in outcome["poster"].ranked] == ["alpha", "zeta"]


def test_unlisted_provider_ranks_after_listed_ones() -> None:
    outcome = select({"somewhere": [cand("a")], "local": [cand("b")]})
    assert ranked_urls(outcome) == ["b", "a"]


def _triple(order: tuple[int, ...]) -> dict[str, list[dict[str, Any]]]:
    # Same tier, same size; the providers' priority is fanart_tv < tmdb < local.
    items = [
        ("fanart_tv", cand("a10", votes=10)),
        ("tmdb", cand("b14", votes=14)),
        ("local", cand("c20", votes=20)),
    ]
    out: dict[str, list[dict[str, Any]]] = {}
    for i in order:
        provider, item = items[i]
        out[provider] = [item]
    return out


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_votes_10_14_20_give_one_answer_in_every_order(order: tuple[int, ...]) -> None:
    # The spec's comparator is cyclic here: 10~14 and 14~20 are "not significant" (so
    # provider priority decides: 10 beats 14, 14 beats 20), yet 20 beats 10 on votes.
    # Successive filtering: the leader has 20; 10 is significantly below it and drops;
    # 14 and 20 remain and tmdb (14) beats local (20) on priority. Then 20, then 10.
    outcome = select(_triple(order))
    assert ranked_urls(outcome) == ["b14", "c20", "a10"]
    assert outcome["poster"].winner.reason == "Language-neutral, Preferred provider (tmdb)"


def test_no_votes_are_not_compared() -> None:
    # 0 votes means no votes: the unrated copy is not "significantly below" 100 votes.
    results = {
        "tmdb": [cand("rated", votes=100, width=1000, height=1500)],
        "fanart_tv": [cand("unrated", votes=0, width=2000, height=3000)],
    }
    assert select(results)["poster"].winner.url == "unrated"


# ---- order independence --------------------------------------------------------------------

providers = st.sampled_from(["fanart_tv", "tmdb", "local", "other"])
candidate = st.fixed_dictionaries(
    {
        "provider": providers,
        "language": st.sampled_from([None, "en", "de", "xx", "fr"]),
        "votes": st.sampled_from([0, 1, 2, 3, 5, 8, 10, 14, 15, 20, 21, 30, 42, 125]),
        "width": st.sampled_from([0, 500, 1000, 1050, 1100, 1920, 2000]),
        "height": st.sampled_from([0, 700, 1426, 1500, 1600, 3000]),
        "quality": st.sampled_from([None, "sd", "hd"]),
    }
)


def _as_results(items: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for n, item in enumerate(items):
        fields = {k: v for k, v in item.items() if k != "provider" and k != "key"}
        out.setdefault(item["provider"], []).append(cand(item.get("key", f"u{n}"), **fields))
    return out


@settings(max_examples=300, deadline=None)
@given(st.lists(candidate, min_size=1, max_size=12), st.randoms(use_true_random=False))
def test_any_permutation_gives_the_same_winner_and_ranking(
    items: list[dict[str, Any]], rng: random.Random
) -> None:
    for n, item in enumerate(items):
        item["key"] = f"u{n:02d}"
    expected = ranked_urls(select(_as_results(items)))
    shuffled = list(items)
    rng.shuffle(shuffled)
    results = _as_results(shuffled)
    providers_shuffled = dict(sorted(results.items(), key=lambda kv: rng.random()))
    assert ranked_urls(select(providers_shuffled)) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(candidate, min_size=1, max_size=12))
def test_ranking_matches_an_independent_oracle(items: list[dict[str, Any]]) -> None:
    _check_against_oracle(items)


def _check_against_oracle(items: list[dict[str, Any]]) -> None:
    order = {"fanart_tv": 0, "tmdb": 1, "local": 2}
    oracle = []
    for n, item in enumerate(items):
        item.setdefault("key", f"u{n:02d}")
        preferred = item["language"] in (None, "en", "xx")
        hd = item["width"] >= 1920 or item["height"] >= 1920 or item["quality"] == "hd"
        oracle.append(
            {
                "url": item["key"],
                "tier": (1 if hd else 2) if preferred else (3 if hd else 4),
                "votes": item["votes"],
                "pixels": item["width"] * item["height"],
                "priority": order.get(item["provider"], 3),
                "key": (item["key"], item["provider"]),
            }
        )
    outcome = select(_as_results(items))
    assert ranked_urls(outcome) == [i["url"] for i in reference_rank(oracle)]
    assert [p.tier for p in outcome["poster"].ranked] == [i["tier"] for i in reference_rank(oracle)]


# ---- several providers and types -------------------------------------------------------------


def test_several_providers_and_asset_types() -> None:
    results = {
        "tmdb": [
            cand("tp", "poster", width=2000, height=3000, language="de", votes=3),
            cand("tf", "fanart", width=1920, height=1080, language="en", votes=9),
        ],
        "fanart_tv": [
            cand("fp", "poster", width=1000, height=1426, language="de", votes=40),
            cand("ff", "fanart", width=1920, height=1080, language="", votes=2),
            cand("fl", "clearlogo", width=800, height=310, language="de"),
        ],
    }
    outcome = select(results, preferred_language="de", policy="kodi", min_resolution={})
    assert outcome.policy.name == "custom"  # kodi with an override
    assert set(outcome) == {"poster", "fanart", "clearlogo"}
    assert outcome["poster"].winner.url == "tp"  # tier 1 (German + HD)
    assert outcome["fanart"].winner.url == "ff"  # textless fanart beats text in tier 1
    assert outcome["fanart"].winner.reason == "Best quality, language-neutral, textless"
    assert outcome["clearlogo"].winner.url == "fl"
    assert outcome.winners().keys() == {"poster", "fanart", "clearlogo"}


def test_requested_types_only_and_empty_ones_reported() -> None:
    results = {"tmdb": [cand("p", "poster"), cand("f", "fanart")]}
    outcome = select(results, asset_types=["fanart", "banner"])
    assert list(outcome) == ["fanart", "banner"]
    assert outcome["fanart"].winner.url == "f"
    assert outcome["banner"].winner is None
    assert outcome["banner"].ranked == []


def test_models_and_dicts_give_the_same_result(worked_example: dict) -> None:
    as_models = {
        p: [AssetCandidate.model_validate(c) for c in items] for p, items in worked_example.items()
    }
    assert ranked_urls(select(as_models)) == ranked_urls(select(worked_example))


# ---- what users of artwork tools ask for ------------------------------------------------------


def test_fallback_language_chain() -> None:
    # No German art and nothing neutral: English (the fallback) counts as preferred.
    results = {
        "tmdb": [
            cand("fr-hd", width=2000, height=3000, language="fr", votes=50),
            cand("en-sd", width=1000, height=1500, language="en", votes=1),
        ]
    }
    outcome = select(results, preferred_language="de", fallback_languages=["en"])
    assert outcome["poster"].winner.url == "en-sd"
    assert outcome["poster"].language == "en"
    assert outcome["poster"].winner.reason == "Fallback language (en)"
    assert outcome["poster"].winner.tier == 2
    # The chain is configurable: French first, or none at all (plain spec tiers).
    assert (
        select(results, preferred_language="de", fallback_languages=["fr", "en"])[
            "poster"
        ].winner.url
        == "fr-hd"
    )
    plain = select(results, preferred_language="de", fallback_languages=[])
    assert plain["poster"].winner.url == "fr-hd"  # tier 3 (HD) beats tier 4
    assert plain["poster"].language == "preferred"


def test_neutral_art_comes_before_the_fallback_language() -> None:
    results = {"tmdb": [cand("en", language="en", votes=90), cand("none", language=None)]}
    chosen = select(results, preferred_language="de", fallback_languages=["en"])
    assert chosen["poster"].winner.url == "none"


def test_textless_preference_for_fanart_and_landscape_only() -> None:
    fanart = {
        "tmdb": [
            cand("text", "fanart", width=1920, height=1080, language="en", votes=500),
            cand("clean", "fanart", width=1920, height=1080, language=None, votes=1),
        ]
    }
    assert select(fanart, prefer_textless=True)["fanart"].winner.url == "clean"
    assert select(fanart)["fanart"].winner.url == "text"  # the spec: votes decide
    poster = {"tmdb": [{**c, "asset_type": "poster"} for c in fanart["tmdb"]]}
    assert select(poster, prefer_textless=True)["poster"].winner.url == "text"


def test_minimum_resolution_per_type() -> None:
    results = {
        "tmdb": [
            cand("tiny", width=300, height=450, language="en", votes=999),
            cand("ok", width=1000, height=1500, language="en", votes=1),
            cand("unknown", language="en"),
        ]
    }
    outcome = select_best_assets(results, "movie", policy="kodi")  # poster 500x700
    assert ranked_urls(outcome) == ["ok", "unknown"]  # a tie: the stable key
    (skipped,) = outcome["poster"].skipped
    assert skipped.candidate.url == "tiny"
    assert skipped.reason == "below the minimum size 500x700 (300x450)"
    custom = select(results, min_resolution={"poster": (1200, 0)})
    assert ranked_urls(custom) == ["unknown"]
    assert ranked_urls(select(results))[0] == "tiny"  # the spec has no minimum


def test_locked_types_are_never_replaced() -> None:
    results = {"tmdb": [cand("p", "poster"), cand("f", "fanart")]}
    outcome = select(results, locked_asset_types=["poster"])
    assert outcome["poster"].locked
    assert outcome["poster"].winner is None
    assert [s.reason for s in outcome["poster"].skipped] == ["asset type locked by the user"]
    assert outcome["fanart"].winner.url == "f"


def test_custom_priorities_and_disabled_providers() -> None:
    results = {"tmdb": [cand("t")], "fanart_tv": [cand("f")], "local": [cand("l")]}
    custom = ProviderPriorities.from_rows(
        Strategy.CUSTOM, [("movie", "poster", ["local", "tmdb"], ["fanart_tv"])]
    )
    outcome = select(results, priorities=custom)
    assert ranked_urls(outcome) == ["l", "t"]
    assert outcome["poster"].provider_order == ("local", "tmdb")
    assert [(s.provider, s.reason) for s in outcome["poster"].skipped] == [
        ("fanart_tv", "provider fanart_tv is disabled")
    ]
    # The same custom rows are ignored under the balanced strategy.
    balanced = ProviderPriorities.from_rows(
        Strategy.BALANCED, [("movie", "poster", ["local", "tmdb"], ["fanart_tv"])]
    )
    assert ranked_urls(select(results, priorities=balanced)) == ["f", "t", "l"]


# ---- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"media_type": "book"}, "media_type"),
        ({"preferred_language": "de DE"}, "preferred_language"),
        ({"asset_types": ["wallpaper"]}, "asset_types"),
        ({"hamming_threshold": 65}, "hamming_threshold"),
        ({"min_resolution": {"poster": (10,)}}, "min_resolution.poster"),
        ({"locked_asset_types": ["nope"]}, "locked_asset_types"),
    ],
)
def test_bad_options_name_the_field(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidRequest) as err:
        select({"tmdb": [cand("a")]}, **kwargs)
    assert err.value.field == field


@pytest.mark.parametrize(
    ("field", "value"),
    [("width", 10**6 + 1), ("height", 2**63), ("votes", 2**64), ("file_size", 2**60)],
)
def test_numbers_beyond_the_bounds_are_rejected(field: str, value: int) -> None:
    # Found by the server's schema fuzzing: sizes and counts must stay within 64 bits.
    with pytest.raises(InvalidRequest) as err:
        select({"tmdb": [cand("a", **{field: value})]})
    assert err.value.field == f"provider_results.tmdb.0.{field}"
    with pytest.raises(InvalidRequest) as err:
        select({"tmdb": [cand("a")]}, min_resolution={"poster": (2**63, 1)})
    assert err.value.field == "min_resolution.poster.width"


def test_bad_candidate_names_its_path() -> None:
    with pytest.raises(InvalidRequest) as err:
        select({"tmdb": [cand("a"), cand("b", width="wide")]})
    assert err.value.field == "provider_results.tmdb.1.width"
    with pytest.raises(InvalidRequest) as err:
        select({"tmdb": [cand("a", colour="red")]})
    assert err.value.field == "provider_results.tmdb.0.colour"
    with pytest.raises(InvalidRequest) as err:
        select({"tmdb": [{"asset_type": "poster"}]})
    assert err.value.field == "provider_results.tmdb.0.url"


def test_large_candidate_sets_match_the_oracle() -> None:
    # The spec's "performance with large candidate sets": correctness at scale (speed
    # is measured by benchmarks/autoselect.py, not asserted here).
    rng = random.Random(11)
    items = []
    for n in range(600):
        items.append(
            {
                "provider": rng.choice(["fanart_tv", "tmdb", "local", "other"]),
                "language": rng.choice([None, "en", "de", "fr"]),
                "votes": rng.choice([0, 0, 1, 5, 9, 10, 14, 20, 42, 125, 300]),
                "width": rng.choice([0, 500, 1000, 1080, 1100, 1920, 2000]),
                "height": rng.choice([0, 700, 1426, 1500, 1650, 3000]),
                "quality": rng.choice([None, None, "hd"]),
                "key": f"https://img.example/{n:04d}.jpg",
            }
        )
    _check_against_oracle(items)


def test_empty_input() -> None:
    assert dict(select({})) == {}
    outcome = select({"tmdb": []}, asset_types=["poster"])
    assert outcome["poster"].winner is None and outcome["poster"].skipped == []

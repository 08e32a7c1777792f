"""Duplicate detection: against existing art (the spec's three rules) and among candidates."""

from __future__ import annotations

import itertools

from curata.autoselect.duplicates import duplicate_clusters, hamming
from tests.autoselect.conftest import cand, ranked_urls, select

HASH = "8f373714acfcf4d0"
NEAR = "8f373714acfcf4d3"  # 2 bits away


def test_same_provider_and_url_as_existing_art() -> None:
    results = {"tmdb": [cand("https://t/p1.jpg"), cand("https://t/p2.jpg")]}
    outcome = select(results, existing_assets=[{"provider": "tmdb", "url": "https://t/p1.jpg"}])
    assert ranked_urls(outcome) == ["https://t/p2.jpg"]
    (skipped,) = outcome["poster"].skipped
    assert skipped.reason == "already present (same provider and URL: https://t/p1.jpg)"
    # Another provider with that URL is not the same asset by this rule.
    other = select(results, existing_assets=[{"provider": "fanart_tv", "url": "https://t/p1.jpg"}])
    assert len(other["poster"].ranked) == 2


def test_same_dimensions_and_file_size_as_existing_art() -> None:
    results = {
        "local": [
            cand("/a/poster.jpg", width=1000, height=1500, file_size=123_456),
            cand("/a/other.jpg", width=1000, height=1500, file_size=999),
        ]
    }
    existing = [{"width": 1000, "height": 1500, "file_size": 123_456}]
    outcome = select(results, existing_assets=existing)
    assert ranked_urls(outcome) == ["/a/other.jpg"]
    assert "same size and file size" in outcome["poster"].skipped[0].reason
    # Without a file size on the candidate the rule cannot apply.
    bare = {"tmdb": [cand("x", width=1000, height=1500)]}
    assert ranked_urls(select(bare, existing_assets=existing)) == ["x"]


def test_same_perceptual_hash_and_hamming_threshold() -> None:
    results = {"local": [cand("/a/p.jpg", perceptual_hash=NEAR), cand("/a/q.jpg")]}
    exact = [{"perceptual_hash": NEAR}]
    assert ranked_urls(select(results, existing_assets=exact)) == ["/a/q.jpg"]
    near = [{"perceptual_hash": HASH}]
    assert len(select(results, existing_assets=near)["poster"].ranked) == 2
    assert ranked_urls(select(results, existing_assets=near, hamming_threshold=2)) == ["/a/q.jpg"]
    assert len(select(results, existing_assets=near, hamming_threshold=1)["poster"].ranked) == 2
    assert hamming(HASH, NEAR) == 2


def test_duplicates_among_candidates_keep_the_best_in_any_order() -> None:
    items = [
        ("tmdb", cand("https://t/a.jpg", width=1000, height=1500, votes=3)),
        ("local", cand("/m/poster.jpg", width=2000, height=3000, perceptual_hash=HASH)),
        ("local", cand("/m/poster-copy.jpg", width=1000, height=1500, perceptual_hash=HASH)),
        ("tmdb", cand("https://t/a.jpg", width=1000, height=1500, votes=3)),
    ]
    for order in itertools.permutations(items):
        results: dict = {}
        for provider, item in order:
            results.setdefault(provider, []).append(item)
        outcome = select(results)
        assert ranked_urls(outcome) == ["/m/poster.jpg", "https://t/a.jpg"]
        reasons = sorted(s.reason for s in outcome["poster"].skipped)
        assert reasons == [
            "duplicate of local /m/poster.jpg (same perceptual hash)",
            "duplicate of tmdb https://t/a.jpg (same provider and URL)",
        ]


def test_duplicates_are_per_asset_type() -> None:
    results = {"tmdb": [cand("same", "poster"), cand("same", "keyart")]}
    outcome = select(results)
    assert outcome["poster"].winner.url == "same"
    assert outcome["keyart"].winner.url == "same"


def test_duplicate_clusters_link_through_any_rule() -> None:
    arts = [
        ("p", "u1", 10, 10, 5, None),
        ("p", "u2", 10, 10, 5, HASH),  # same size as 0
        ("q", "u3", 0, 0, None, NEAR),  # near hash of 1
        ("p", "u4", 20, 20, 5, None),
    ]
    assert duplicate_clusters(arts, 0) == [[0, 1]]
    assert duplicate_clusters(arts, 2) == [[0, 1, 2]]


# ---- defects of the issue: each reason names the rule that matched ----------------------


def test_existing_asset_type_is_respected() -> None:
    # An existing *fanart* of the same size and file size is no reason to skip a poster.
    results = {"local": [cand("/a/poster.jpg", width=1920, height=1080, file_size=500)]}
    fanart = [{"asset_type": "fanart", "width": 1920, "height": 1080, "file_size": 500}]
    assert ranked_urls(select(results, existing_assets=fanart)) == ["/a/poster.jpg"]
    poster = [{**fanart[0], "asset_type": "poster"}]
    assert ranked_urls(select(results, existing_assets=poster)) == []
    untyped = [{k: v for k, v in fanart[0].items() if k != "asset_type"}]
    assert ranked_urls(select(results, existing_assets=untyped)) == []  # any type


def test_existing_url_without_provider_is_same_url() -> None:
    results = {"tmdb": [cand("https://t/p1.jpg")]}
    outcome = select(results, existing_assets=[{"url": "https://t/p1.jpg"}])
    (skipped,) = outcome["poster"].skipped
    assert skipped.reason == "already present (same URL: https://t/p1.jpg)"


def test_near_hash_is_reported_by_its_distance() -> None:
    one_bit = "8f373714acfcf4d1"
    results = {"local": [cand("/a/p.jpg", perceptual_hash=one_bit)]}
    outcome = select(results, existing_assets=[{"perceptual_hash": HASH}], hamming_threshold=1)
    (skipped,) = outcome["poster"].skipped
    assert skipped.reason == f"already present (perceptual hash 1 bit away (threshold 1): {HASH})"
    exact = select(results, existing_assets=[{"perceptual_hash": one_bit}], hamming_threshold=1)
    assert exact["poster"].skipped[0].reason.startswith("already present (same perceptual hash")

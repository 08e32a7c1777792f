"""The spec's rules as pure functions: language, HD, tiers, thresholds and scores."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curata.autoselect import rules
from curata.autoselect.assettypes import EXPECTED_ASPECT_RATIO, expected_aspect_ratio
from curata.models.autoselect import AssetType

# ---- language ------------------------------------------------------------------------


@pytest.mark.parametrize("language", [None, "", "xx", "00", "null"])
def test_language_neutral_values_score_half(language: str | None) -> None:
    assert rules.language_score(language, "de") == 0.5


def test_exact_language_scores_one_and_others_zero() -> None:
    assert rules.language_score("de", "de") == 1.0
    assert rules.language_score("en", "de") == 0.0
    assert rules.language_class("fr", "de") == rules.OTHER


# ---- HD ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("width", "height", "hd"),
    [(1920, 1080, True), (1080, 1920, True), (1919, 1080, False), (1000, 1426, False),
     (None, None, False), (3840, 2160, True)],
)  # fmt: skip
def test_hd_by_resolution(width: int | None, height: int | None, hd: bool) -> None:
    assert rules.is_hd(width, height, None, {}) is hd


@pytest.mark.parametrize(("quality", "hd"), [("hd", True), ("4k", True), ("sd", False)])
def test_hd_by_quality_field(quality: str, hd: bool) -> None:
    assert rules.is_hd(500, 700, quality, {}) is hd


@pytest.mark.parametrize(
    "metadata",
    [
        {"source": "BluRay"},
        {"release": "Movie.2019.1080p.BluRay.x264"},
        {"note": "an HD scan"},
        {"tags": ["poster", "uhd"]},
        {"nested": {"deeper": "2160p remaster"}},
        {"label": "4K"},
    ],
)
def test_hd_hints_are_whole_words_in_values(metadata: dict) -> None:
    assert rules.has_hd_hint(metadata)
    assert rules.is_hd(100, 100, None, metadata)


@pytest.mark.parametrize(
    "metadata",
    [
        {"path": "/media/HD/poster.jpg"},  # a path: never searched
        {"url": "https://example.org/bluray/1080p.jpg"},
        {"file": "C:\\art\\4K\\poster.jpg"},
        {"dynamic_range": "HDR"},  # HD is a substring of another word
        {"name": "poster_hd"},  # underscore joins words
        {"HD": "no"},  # keys are not searched
        {"count": 1080},  # numbers are not text
        {"text": "shd 10800p"},
    ],
)
def test_no_hd_hint_in_paths_other_words_or_keys(metadata: dict) -> None:
    assert not rules.has_hd_hint(metadata)
    assert not rules.is_hd(100, 100, None, metadata)


@pytest.mark.parametrize(
    ("language_cls", "hd", "tier"),
    [
        (rules.EXACT, True, 1),
        (rules.NEUTRAL, True, 1),
        (rules.EXACT, False, 2),
        (rules.NEUTRAL, False, 2),
        (rules.OTHER, True, 3),
        (rules.OTHER, False, 4),
    ],
)
def test_every_tier_combination(language_cls: int, hd: bool, tier: int) -> None:
    assert rules.tier_of(language_cls, hd) == tier


# ---- thresholds ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("votes", "leader", "below"),
    [
        (10, 15, False),  # difference 5 is exactly 50% of 10: not more than 50%
        (10, 16, True),
        (14, 20, False),
        (10, 20, True),
        (42, 125, True),
        (0, 125, False),  # 0 means no votes: never compared
        (5, 0, False),
    ],
)
def test_vote_significance(votes: int, leader: int, below: bool) -> None:
    assert rules.votes_significantly_below(votes, leader) is below


@pytest.mark.parametrize(
    ("pixels", "best", "below"),
    [(1000, 1100, False), (1000, 1101, True), (0, 5000, False), (5000, 0, False)],
)
def test_resolution_significance(pixels: int, best: int, below: bool) -> None:
    assert rules.resolution_significantly_below(pixels, best) is below


@given(st.integers(1, 10**9), st.integers(1, 10**9))
def test_vote_rule_is_the_spec_threshold(a: int, b: int) -> None:
    spec = abs(a - b) > min(a, b) * 0.5
    assert spec == (
        rules.votes_significantly_below(min(a, b), max(a, b))
        or rules.votes_significantly_below(max(a, b), min(a, b))
    )


# ---- scores -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pixels", "score"),
    [
        (7680 * 4320, 1.0),
        (3840 * 2160, 0.95),
        (2560 * 1440, 0.85),
        (1920 * 1080, 0.75),
        (1280 * 720, 0.6),
        (854 * 480, 0.4),
        (640 * 360, 0.2),
        (320 * 360, 0.1),
        (0, 0.0),
    ],
)
def test_resolution_score_table(pixels: int, score: float) -> None:
    assert rules.resolution_score(pixels) == pytest.approx(score)


@pytest.mark.parametrize(
    ("ratio", "score"), [(0.675, 1.0), (0.70, 0.9), (0.73, 0.7), (0.80, 0.4), (1.0, 0.0)]
)
def test_aspect_ratio_bands_for_posters(ratio: float, score: float) -> None:
    assert rules.aspect_ratio_score(ratio, "poster") == score


def test_expected_ratios_of_the_spec_and_every_type_has_one() -> None:
    assert [expected_aspect_ratio(t) for t in ("poster", "fanart", "banner", "clearlogo")] == [
        0.675,
        1.778,
        5.4,
        1.0,
    ]
    assert set(EXPECTED_ASPECT_RATIO) == set(AssetType)
    assert rules.aspect_ratio_score(None, "poster") == 0.0
    with pytest.raises(ValueError, match="unknown asset type"):
        expected_aspect_ratio("wallpaper")


def test_display_score_saturates_at_one_in_tier_one() -> None:
    assert rules.display_score(1, 0.0, 0.0, 0.0) == 1.0
    assert rules.display_score(1, 1.0, 1.0, 1.0) == 1.0
    assert rules.display_score(4, 0.0, 0.0, 0.0) == 0.25
    assert rules.display_score(4, 1.0, 1.0, 1.0) == pytest.approx(0.7)
    assert rules.vote_score(250) == 1.0
    assert rules.vote_score(None) == 0.0


@given(st.lists(st.integers(1, 4), min_size=1, max_size=40))
def test_rank_score_strictly_decreases_down_a_ranked_list(tiers: list[int]) -> None:
    ranked = sorted(tiers)  # a ranked list has its tiers in order
    sizes = {t: ranked.count(t) for t in ranked}
    scores = [rules.rank_score(t, ranked[:i].count(t), sizes[t]) for i, t in enumerate(ranked)]
    assert all(a > b for a, b in itertools.pairwise(scores))
    assert all(0 < s <= 1 for s in scores)
    assert (scores[0] == 1.0) == (ranked[0] == 1)

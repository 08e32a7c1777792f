"""The spec's six example queries on catalogs built for them, with known answers.

Each catalog holds assets that match and near misses that differ from a match in one
respect; the expected lists are written out by hand, in the order the request asks
for (ties broken by content hash ascending).
"""

from __future__ import annotations

from typing import Any

import pytest

from curata.search.examples import SPEC_EXAMPLES
from tests.search.conftest import Builder, search_names, sha

PORTRAITS = {
    "p_simple_q5": {"tags": ["portrait"], "quality_rating": 5},
    "p_pair_q4": {"tags": ["subject:portrait"], "quality_rating": 4},
    "p_upper_q4": {"tags": ["PORTRAIT", "dark"], "quality_rating": 4},
    "p_low_q3": {"tags": ["portrait"], "quality_rating": 3},
    "p_unrated": {"tags": ["portrait"]},
    "p_video_q5": {"tags": ["portrait"], "quality_rating": 5, "media_type": "video"},
    "p_plural_q5": {"tags": ["portraits"], "quality_rating": 5},
    "p_key_only_q5": {"tags": ["portrait:yes"], "quality_rating": 5},
}

CYBERPUNK = {
    "c_june": {"tags": ["cyberpunk"], "created": "2024-06-10"},
    "c_start_day": {"tags": ["style:cyberpunk"], "created": "2024-05-01T00:00:00"},
    "c_nsfw": {"tags": ["cyberpunk", "nsfw"], "created": "2024-07-01"},
    "c_explicit_pair": {"tags": ["cyberpunk", "content:explicit"], "created": "2024-07-02"},
    "c_april": {"tags": ["cyberpunk"], "created": "2024-04-30T23:59:59"},
    "c_audio": {"tags": ["cyberpunk"], "created": "2024-06-11", "media_type": "audio"},
    "c_may": {"tags": ["cyberpunk", "neon"], "created": "2024-05-20"},
}

SD = "stable-diffusion"
FULL = {"seed": 42, "cfg_scale": 7.5, "steps": 30}
DRAGONS = {
    "d_match": {"ai_source": SD, "prompt": "A Fantasy dragon, flying", "params": FULL},
    "d_match_2": {"ai_source": SD, "prompt": "dragon; fantasy castle at dusk", "params": FULL},
    "d_dragonfly": {"ai_source": SD, "prompt": "dragonfly in a fantasy garden", "params": FULL},
    "d_no_cfg": {"ai_source": SD, "prompt": "fantasy dragon", "params": {"seed": 1}},
    "d_null_seed": {
        "ai_source": SD,
        "prompt": "fantasy dragon",
        "params": {"seed": None, "cfg_scale": 7},
    },
    "d_midjourney": {"ai_source": "midjourney", "prompt": "fantasy dragon", "params": FULL},
    "d_no_prompt": {"ai_source": SD, "params": FULL},
    "d_one_word": {"ai_source": SD, "prompt": "a fantasy knight", "params": FULL},
}

BASE_4 = {"tags": ["character", "fantasy", "elf"], "quality_rating": 3}
FANTASY = {
    "f_elf": BASE_4,
    "f_wizard_pair": {
        "tags": ["character", "fantasy", "class:wizard"],
        "quality_rating": 4,
        "width": 1200,
        "height": 1400,
    },
    "f_sketch": {**BASE_4, "tags": [*BASE_4["tags"], "sketch"]},
    "f_wip_pair": {**BASE_4, "tags": [*BASE_4["tags"], "status:wip"]},
    "f_wide": {**BASE_4, "width": 1920, "height": 1080},
    "f_narrow": {**BASE_4, "width": 1024, "height": 1300},
    "f_small": {**BASE_4, "width": 800, "height": 800},
    "f_no_any": {"tags": ["character", "fantasy", "dwarf"], "quality_rating": 5},
    "f_q2": {**BASE_4, "quality_rating": 2},
    "f_no_character": {"tags": ["fantasy", "warrior"], "quality_rating": 5},
    "f_no_dims": {**BASE_4, "width": None, "height": None},
}

PAIRS_5 = ["subject:portrait", "lighting:neon", "mood:mysterious"]
NOIR = {
    "t_noir": {"tags": [*PAIRS_5, "style:noir", "character_count:2"], "quality_rating": 4},
    "t_cyber": {"tags": [*PAIRS_5, "style:cyberpunk", "character_count:1"], "quality_rating": 5},
    "t_three": {"tags": [*PAIRS_5, "style:noir", "character_count:3.0"], "quality_rating": 4},
    "t_baroque": {"tags": [*PAIRS_5, "style:baroque", "character_count:2"], "quality_rating": 5},
    "t_five": {"tags": [*PAIRS_5, "style:noir", "character_count:5"], "quality_rating": 5},
    "t_many": {"tags": [*PAIRS_5, "style:noir", "character_count:many"], "quality_rating": 5},
    "t_no_mood": {
        "tags": ["subject:portrait", "lighting:neon", "style:noir", "character_count:2"],
        "quality_rating": 5,
    },
    "t_simple": {
        "tags": ["portrait", "lighting:neon", "mood:mysterious", "style:noir", "character_count:2"],
        "quality_rating": 5,
    },
    "t_q3": {"tags": [*PAIRS_5, "style:noir", "character_count:2"], "quality_rating": 3},
}

CITY = ["environment:urban", "weather:rain"]
URBAN = {
    "u_night_blue": {"tags": [*CITY, "time_of_day:night", "color_palette:blue-purple"]},
    "u_twilight": {"tags": [*CITY, "time_of_day:twilight", "color_palette:Deep-BLUE"]},
    "u_red": {"tags": [*CITY, "time_of_day:night", "color_palette:red-orange"]},
    "u_wip": {"tags": [*CITY, "time_of_day:night", "color_palette:blue", "wip"]},
    "u_test_pair": {"tags": [*CITY, "time_of_day:night", "color_palette:blue", "stage:test"]},
    "u_day": {"tags": [*CITY, "time_of_day:day", "color_palette:blue"]},
    "u_no_palette": {"tags": [*CITY, "time_of_day:night", "blue"]},
    "u_forest": {
        "tags": ["environment:forest", "weather:rain", "time_of_day:night", "color_palette:blue"]
    },
}


def by_hash(*names: str) -> list[str]:
    """Names in content-hash order (the tie-break)."""
    return sorted(names, key=sha)


EXPECTED: list[tuple[dict[str, Any], list[str]]] = [
    (PORTRAITS, ["p_simple_q5", *by_hash("p_pair_q4", "p_upper_q4")]),
    (CYBERPUNK, ["c_june", "c_may", "c_start_day"]),
    (DRAGONS, by_hash("d_match", "d_match_2")),
    (FANTASY, by_hash("f_elf", "f_wizard_pair")),
    (NOIR, by_hash("t_noir", "t_cyber", "t_three")),
    (URBAN, by_hash("u_night_blue", "u_twilight")),
]
CASES: list[tuple[str, dict[str, Any], dict[str, Any], list[str]]] = [
    (f"{n} {title}", assets, request, expected)
    for n, ((title, request), (assets, expected)) in enumerate(
        zip(SPEC_EXAMPLES.items(), EXPECTED, strict=True), start=1
    )
]


@pytest.mark.parametrize(
    ("title", "assets", "request_", "expected"), CASES, ids=[c[0] for c in CASES]
)
def test_spec_example(
    build: Builder,
    title: str,
    assets: dict[str, Any],
    request_: dict[str, Any],
    expected: list[str],
) -> None:
    cur, hashes = build(assets)
    response = cur.search_assets(request_).data
    assert response.total_count == len(expected), title
    assert search_names(cur, hashes, request_) == expected
    assert response.facets is not None
    assert sum(f.count for f in response.facets.media_types) == len(expected)


def test_examples_order_defaults_to_newest_first(build: Builder) -> None:
    """Examples 3 and 4 give no sort: results come newest first."""
    cur, hashes = build(
        {
            "old": {"tags": ["x"], "created": "2023-01-01"},
            "new": {"tags": ["x"], "created": "2024-01-01"},
            "mid": {"tags": ["x"], "created": "2023-06-01"},
        }
    )
    assert search_names(cur, hashes, {"filters": {"tags": ["x"]}}) == ["new", "mid", "old"]

"""The pure parts: compiling filters, and what an asset offers to them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from curata.models.search import SearchFilters, parse_iso
from curata.search.query import Range, TagTerm, compile_filters
from curata.search.rules import file_name, metadata_keys, words


@pytest.mark.parametrize(
    ("name", "key", "value"),
    [("portrait", None, "portrait"), ("style:noir", "style", "noir"), ("t:12:30", "t", "12:30")],
)
def test_tag_terms(name: str, key: str | None, value: str) -> None:
    assert TagTerm.parse(name) == TagTerm(key, value)


def test_a_term_without_colon_matches_simple_tags_and_pair_values() -> None:
    term = TagTerm.parse("portrait")
    assert term.matches(None, "portrait")
    assert term.matches("subject", "portrait")
    assert not term.matches(None, "portraits")
    pair = TagTerm.parse("subject:portrait")
    assert pair.matches("subject", "portrait")
    assert not pair.matches(None, "portrait")
    assert not pair.matches("style", "portrait")


def test_ranges_are_inclusive_and_never_hold_missing_values() -> None:
    r = Range(1, 3)
    assert [r.contains(v) for v in (0.5, 1, 2, 3, 3.5, None, float("nan"))] == [
        False,
        True,
        True,
        True,
        False,
        False,
        False,
    ]
    assert Range(None, 3).contains(-100) and Range(2, None).contains(1e9)


def test_dates() -> None:
    day = datetime(2024, 5, 1, tzinfo=UTC).timestamp()
    assert parse_iso("2024-05-01") == day
    assert parse_iso("2024-05-01", end=True) == pytest.approx(day + 86400, abs=1e-3)
    assert parse_iso("2024-05-01T12:00:00Z") == day + 12 * 3600
    assert parse_iso("2024-05-01T12:00:00+02:00") == day + 10 * 3600
    assert parse_iso("2024-05-01T12:00:00") == day + 12 * 3600
    with pytest.raises(ValueError, match="ISO 8601"):
        parse_iso("01/05/2024")


def test_compiled_filters_are_normalized() -> None:
    q = compile_filters(
        SearchFilters.model_validate(
            {
                "tags": ["Portrait", "Style: Noir"],
                "exclude_tags": ["NSFW"],
                "file_formats": [".JPG", "png", "jpeg"],
                "ai_source": ["MidJourney"],
                "tag_values": {"Style": "Cyberpunk", "mood": ["Dark", "dark"]},
                "tag_ranges": {"character_count": {"min": 1}},
                "prompt_keywords": ["Red Dragon", "dragon"],
                "has_metadata": ["CFG_Scale"],
                "date_range": {"start": "2024-05-01", "end": "2024-05-02"},
                "dimensions": {"aspect_ratio": {"max": 1.5}},
            }
        )
    )
    assert q.all_tags == [TagTerm(None, "portrait"), TagTerm("style", "noir")]
    assert q.none_tags == [TagTerm(None, "nsfw")]
    assert q.formats == {"jpeg", "png"}
    assert q.sources == {"midjourney"}
    assert q.tag_values == {"style": {"cyberpunk"}, "mood": {"dark"}}
    assert q.tag_ranges == {"character_count": Range(1, None)}
    assert q.prompt_words == ["red", "dragon"]
    assert q.metadata_keys == ["cfg_scale"]
    start = datetime(2024, 5, 1, tzinfo=UTC).timestamp()
    columns = dict(q.columns)
    assert columns["created_at"].lo == start
    assert columns["created_at"].hi == pytest.approx(start + 2 * 86400, abs=1e-3)
    assert columns["aspect_ratio"] == Range(None, 1.5)
    assert compile_filters(SearchFilters()).is_empty()


def test_words() -> None:
    assert words("A Fantasy dragon, flying; DRAGON-fly") == [
        "a",
        "fantasy",
        "dragon",
        "flying",
        "fly",
    ]
    assert words("Ünïcode café") == ["ünïcode", "café"]
    assert words(None) == [] and words("") == []


def test_metadata_keys() -> None:
    meta = {"generation_params": {"Seed": 1, "cfg_scale": None, "steps": ""}, "notes": [], "x": 0}
    keys = metadata_keys(meta, prompt="p", width=1, height=2)
    assert keys == {"generation_params", "seed", "x", "prompt", "dimensions"}
    assert metadata_keys(None, negative_prompt="n", duration=1.5) == {"negative_prompt", "duration"}
    assert metadata_keys({}, width=10) == set()


def test_file_names() -> None:
    assert file_name("/a/b/c.png") == "c.png"
    assert file_name("c.png") == "c.png"

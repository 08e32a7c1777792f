"""Every way a search request can be wrong: an InvalidRequest naming the field path
and the reason, raised before anything runs."""

from __future__ import annotations

from typing import Any

import pytest

from curata import Curata, InvalidRequest
from curata.search import matching_ids, regexes
from curata.search.index import index_for
from tests.search.conftest import Builder

BAD: list[tuple[str, dict[str, Any], str, str]] = [
    ("unknown top-level field", {"filter": {}}, "filter", "Extra inputs"),
    ("unknown filter", {"filters": {"colour": "red"}}, "filters.colour", "Extra inputs"),
    (
        "unknown range bound",
        {"filters": {"file_size": {"least": 3}}},
        "filters.file_size.least",
        "Extra inputs",
    ),
    ("media type", {"filters": {"media_type": "picture"}}, "filters.media_type", "image"),
    ("sort field", {"sort_by": "popularity"}, "sort_by", "created_date"),
    ("order", {"order": "up"}, "order", "asc"),
    ("limit above 1000", {"limit": 1001}, "limit", "1000"),
    ("negative limit", {"limit": -1}, "limit", "greater than or equal to 0"),
    ("negative offset", {"offset": -5}, "offset", "greater than or equal to 0"),
    ("limit not a number", {"limit": "many"}, "limit", "integer"),
    (
        "rating min > max",
        {"filters": {"quality_rating": {"min": 5, "max": 2}}},
        "filters.quality_rating",
        "greater than max",
    ),
    (
        "size min > max",
        {"filters": {"file_size": {"min": 10, "max": 1}}},
        "filters.file_size",
        "greater than max",
    ),
    (
        "width min > max",
        {"filters": {"dimensions": {"width": {"min": 2000, "max": 100}}}},
        "filters.dimensions.width",
        "greater than max",
    ),
    (
        "aspect min > max",
        {"filters": {"dimensions": {"aspect_ratio": {"min": 2, "max": 1}}}},
        "filters.dimensions.aspect_ratio",
        "greater than max",
    ),
    (
        "tag range min > max",
        {"filters": {"tag_ranges": {"character_count": {"min": 3, "max": 1}}}},
        "filters.tag_ranges.character_count",
        "greater than max",
    ),
    ("empty range", {"filters": {"file_size": {}}}, "filters.file_size", "give min, max"),
    (
        "infinite bound",
        {"filters": {"file_size": {"max": float("inf")}}},
        "filters.file_size",
        "finite",
    ),
    (
        "text for a number",
        {"filters": {"file_size": {"max": "5"}}},
        "filters.file_size.max",
        "number",
    ),
    (
        "date not ISO",
        {"filters": {"date_range": {"start": "May 1st"}}},
        "filters.date_range.start",
        "ISO 8601",
    ),
    (
        "date impossible",
        {"filters": {"date_range": {"end": "2024-02-30"}}},
        "filters.date_range.end",
        "ISO 8601",
    ),
    (
        "start after end",
        {"filters": {"date_range": {"start": "2024-06-02", "end": "2024-06-01"}}},
        "filters.date_range",
        "after end",
    ),
    ("empty date range", {"filters": {"date_range": {}}}, "filters.date_range", "give start"),
    (
        "invalid filename regex",
        {"filters": {"filename_pattern": "img_(["}},
        "filters.filename_pattern",
        "invalid regular expression",
    ),
    (
        "oversize filename regex",
        {"filters": {"filename_pattern": "a" * 257}},
        "filters.filename_pattern",
        "at most 256",
    ),
    (
        "empty filename regex",
        {"filters": {"filename_pattern": ""}},
        "filters.filename_pattern",
        "empty",
    ),
    (
        "invalid tag pattern",
        {"filters": {"tag_patterns": {"color_palette": "*blue"}}},
        "filters.tag_patterns.color_palette",
        "invalid regular expression",
    ),
    (
        "empty tag",
        {"filters": {"tags": ["portrait", "  "]}},
        "filters.tags.1",
        "cannot be empty",
    ),
    (
        "half a pair",
        {"filters": {"exclude_tags": ["style:"]}},
        "filters.exclude_tags.0",
        "key and a value",
    ),
    (
        "tag value key with colon",
        {"filters": {"tag_values": {"a:b": "c"}}},
        "filters.tag_values",
        "cannot hold ':'",
    ),
    (
        "tag value empty list",
        {"filters": {"tag_values": {"style": []}}},
        "filters.tag_values.style",
        "at least 1 item",
    ),
    (
        "content hash not hex",
        {"filters": {"content_hash": "xyz123"}},
        "filters.content_hash",
        "hexadecimal",
    ),
    (
        "content hash too short",
        {"filters": {"content_hash": "abc"}},
        "filters.content_hash",
        "6 to 64",
    ),
    (
        "keyword without a word",
        {"filters": {"prompt_keywords": ["!!"]}},
        "filters.prompt_keywords",
        "no word",
    ),
    ("tags not a list", {"filters": {"tags": "portrait"}}, "filters.tags", "list"),
    ("facets not a flag", {"facets": "sometimes"}, "facets", "boolean"),
]


@pytest.mark.parametrize(("title", "request_", "field", "reason"), BAD, ids=[b[0] for b in BAD])
def test_invalid_request_names_field(
    cur: Curata, title: str, request_: dict[str, Any], field: str, reason: str
) -> None:
    with pytest.raises(InvalidRequest) as caught:
        cur.search_assets(request_)
    assert caught.value.field == field, title
    assert reason in caught.value.message, (title, caught.value.message)
    assert not index_for(cur.catalog).loaded, "nothing may run for an invalid request"


def test_filters_for_other_services_are_validated(cur: Curata) -> None:
    with pytest.raises(InvalidRequest) as caught:
        matching_ids(cur.catalog, {"quality_rating": {"min": 9, "max": 1}})
    assert caught.value.field == "filters.quality_rating"


def test_limits_at_the_edges_are_accepted(build: Builder) -> None:
    cur, _ = build({"one": {"tags": ["x"]}})
    assert cur.search_assets({"limit": 1000}).data.total_count == 1
    assert cur.search_assets({"limit": 0}).data.results == []
    assert cur.search_assets({"offset": 10**9}).data.results == []


def test_catastrophic_pattern_is_stopped(build: Builder, monkeypatch: pytest.MonkeyPatch) -> None:
    """A pattern with exponential backtracking over a long file name stops at the time
    bound and says which field did it."""
    monkeypatch.setattr(regexes, "REGEX_SECONDS", 0.2)
    cur, _ = build({"long": {"path": "/library/" + "a" * 40 + "!.png"}})
    with pytest.raises(InvalidRequest) as caught:
        cur.search_assets({"filters": {"filename_pattern": "^(a|aa)+$"}})
    assert caught.value.field == "filters.filename_pattern"
    assert "did not finish within 0.2 s" in caught.value.message
    assert cur.search_assets({"filters": {"filename_pattern": "^a+!"}}).data.total_count == 1


def test_catastrophic_tag_pattern_is_stopped(
    build: Builder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(regexes, "REGEX_SECONDS", 0.2)
    cur, _ = build({"long": {"tags": ["palette:" + "a" * 40 + "!"]}})
    with pytest.raises(InvalidRequest) as caught:
        cur.search_assets({"filters": {"tag_patterns": {"palette": "^(a|aa)+$"}}})
    assert caught.value.field == "filters.tag_patterns.palette"

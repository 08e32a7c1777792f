"""The search API's types (spec: ``search-api.md``) and saved searches.

Requests are strict: unknown fields, unknown enum values, empty or inverted ranges,
dates that are not ISO 8601, ``limit`` above 1000, a negative ``offset`` and regexes
that do not compile or are too long are rejected with the field path named. Values
are normalized on the way in (tags lower-cased, formats without a leading dot), so
the engine compares like with like.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from enum import StrEnum

import regex
from pydantic import BaseModel, Field, field_validator, model_validator

from curata.models.assets import Asset, MediaType, normalize_tag
from curata.models.common import StrictModel

MAX_LIMIT = 1000
DEFAULT_LIMIT = 50
MAX_PATTERN_LENGTH = 256
MAX_LIST_LENGTH = 1000
TOP_TAG_FACETS = 50

# Spellings of a format people type, mapped to the canonical names the catalog stores.
FORMAT_ALIASES = {
    "jpg": "jpeg",
    "jpe": "jpeg",
    "jfif": "jpeg",
    "tif": "tiff",
    "htm": "html",
    "md": "markdown",
    "txt": "text",
}


class SortField(StrEnum):
    CREATED_DATE = "created_date"
    MODIFIED_DATE = "modified_date"
    DISCOVERED_DATE = "discovered_date"
    QUALITY_RATING = "quality_rating"
    FILE_SIZE = "file_size"
    FILENAME = "filename"
    WIDTH = "width"
    HEIGHT = "height"


class SortOrder(StrEnum):
    ASC = "asc"
    DESC = "desc"


class RangeFilter(StrictModel):
    """An inclusive numeric range; either bound may be left out, not both."""

    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _bounds(self) -> RangeFilter:
        for name in ("min", "max"):
            value = getattr(self, name)
            if value is not None and not math.isfinite(value):
                raise ValueError(f"{name} must be a finite number")
        if self.min is None and self.max is None:
            raise ValueError("give min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min:g}) is greater than max ({self.max:g})")
        return self

    def contains(self, value: float | None) -> bool:
        """Whether ``value`` lies in the range (a missing value never does)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return False
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)


class DimensionFilter(StrictModel):
    width: RangeFilter | None = None
    height: RangeFilter | None = None
    aspect_ratio: RangeFilter | None = Field(None, description="width / height, e.g. 1.77 for 16:9")


def parse_iso(value: str, *, end: bool = False) -> float:
    """UTC epoch seconds of an ISO 8601 date or date-time (naive means UTC).

    A bare date as the ``end`` of a range means the whole of that day.
    """
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
            return moment.timestamp() + (86400 - 1e-6 if end else 0.0)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"{value!r} is not an ISO 8601 date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


class DateRange(StrictModel):
    """Created between ``start`` and ``end`` (inclusive, ISO 8601; a bare end date
    includes that whole day)."""

    start: str | None = None
    end: str | None = None

    @field_validator("start", "end")
    @classmethod
    def _iso(cls, value: str | None) -> str | None:
        if value is not None:
            parse_iso(value)
        return value

    @model_validator(mode="after")
    def _order(self) -> DateRange:
        if self.start is None and self.end is None:
            raise ValueError("give start, end or both")
        start, end = self.bounds()
        if start is not None and end is not None and start > end:
            raise ValueError(f"start {self.start} is after end {self.end}")
        return self

    def bounds(self) -> tuple[float | None, float | None]:
        """``(start, end)`` as UTC epoch seconds."""
        return (
            None if self.start is None else parse_iso(self.start),
            None if self.end is None else parse_iso(self.end, end=True),
        )


def compile_pattern(pattern: str, *, ignore_case: bool) -> regex.Pattern[str]:
    """A compiled regex, or a ``ValueError`` saying why the pattern is refused."""
    if not pattern:
        raise ValueError("the pattern is empty")
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise ValueError(
            f"the pattern is {len(pattern)} characters long; at most {MAX_PATTERN_LENGTH}"
        )
    flags = regex.V0 | (regex.IGNORECASE if ignore_case else 0)
    try:
        return regex.compile(pattern, flags)
    except (regex.error, OverflowError, RecursionError) as exc:
        raise ValueError(f"invalid regular expression: {exc}") from None


def _tag_list(values: list[str]) -> list[str]:
    return list(dict.fromkeys(normalize_tag(v) for v in values))


def _word(value: str, what: str) -> str:
    text = value.strip().lower()
    if not text:
        raise ValueError(f"{what} cannot be empty")
    return text


class SearchFilters(StrictModel):
    """Every filter of the spec; all given filters must hold (AND)."""

    media_type: MediaType | None = None
    file_formats: list[str] | None = Field(None, max_length=MAX_LIST_LENGTH)
    file_size: RangeFilter | None = None
    dimensions: DimensionFilter | None = None
    quality_rating: RangeFilter | None = None

    tags: list[str] | None = Field(None, max_length=MAX_LIST_LENGTH, description="all of")
    any_tags: list[str] | None = Field(None, max_length=MAX_LIST_LENGTH, description="any of")
    exclude_tags: list[str] | None = Field(None, max_length=MAX_LIST_LENGTH, description="none of")

    tag_values: dict[str, str | list[str]] | None = None
    tag_ranges: dict[str, RangeFilter] | None = None
    tag_patterns: dict[str, str] | None = None

    ai_source: list[str] | None = Field(None, max_length=MAX_LIST_LENGTH)
    project: str | None = None
    content_hash: str | None = None
    has_metadata: list[str] | None = Field(None, max_length=MAX_LIST_LENGTH)

    date_range: DateRange | None = None

    filename_pattern: str | None = None
    prompt_keywords: list[str] | None = Field(None, max_length=MAX_LIST_LENGTH)

    @field_validator("tags", "any_tags", "exclude_tags")
    @classmethod
    def _tags(cls, values: list[str] | None) -> list[str] | None:
        return None if values is None else _tag_list(values)

    @field_validator("file_formats")
    @classmethod
    def _formats(cls, values: list[str] | None) -> list[str] | None:
        if values is None:
            return None
        out = []
        for value in values:
            text = _word(value, "a format").lstrip(".")
            out.append(FORMAT_ALIASES.get(text, text))
        return list(dict.fromkeys(out))

    @field_validator("ai_source", "has_metadata")
    @classmethod
    def _words(cls, values: list[str] | None) -> list[str] | None:
        if values is None:
            return None
        return list(dict.fromkeys(_word(v, "an entry") for v in values))

    @field_validator("prompt_keywords")
    @classmethod
    def _keywords(cls, values: list[str] | None) -> list[str] | None:
        if values is None:
            return None
        out = []
        for value in values:
            if not regex.search(r"\w", value):
                raise ValueError(f"keyword {value!r} has no word characters")
            out.append(value.strip().lower())
        return list(dict.fromkeys(out))

    @field_validator("project")
    @classmethod
    def _project(cls, value: str | None) -> str | None:
        return None if value is None else _word(value, "project")

    @field_validator("content_hash")
    @classmethod
    def _hash(cls, value: str | None) -> str | None:
        if value is None:
            return None
        text = value.strip().lower()
        if not regex.fullmatch(r"[0-9a-f]{6,64}", text):
            raise ValueError("a content hash is 6 to 64 hexadecimal digits (a prefix matches)")
        return text

    @field_validator("tag_values")
    @classmethod
    def _tag_values(cls, values: dict[str, str | list[str]] | None) -> dict[str, list[str]] | None:
        if values is None:
            return None
        out: dict[str, list[str]] = {}
        for key, wanted in values.items():
            items = [wanted] if isinstance(wanted, str) else wanted
            if not items:
                raise ValueError(f"{key}: give at least one value")
            out[_key(key)] = [_value(v, key) for v in items]
        return out  # type: ignore[return-value]

    @field_validator("tag_ranges")
    @classmethod
    def _tag_ranges(cls, values: dict[str, RangeFilter] | None) -> dict[str, RangeFilter] | None:
        return None if values is None else {_key(k): v for k, v in values.items()}

    @field_validator("tag_patterns")
    @classmethod
    def _tag_patterns(cls, values: dict[str, str] | None) -> dict[str, str] | None:
        if values is None:
            return None
        out = {}
        for key, pattern in values.items():
            try:
                compile_pattern(pattern, ignore_case=True)
            except ValueError as exc:
                raise ValueError(f"{key}: {exc}") from None
            out[_key(key)] = pattern
        return out

    @field_validator("filename_pattern")
    @classmethod
    def _filename(cls, value: str | None) -> str | None:
        if value is not None:
            compile_pattern(value, ignore_case=False)
        return value

    def is_empty(self) -> bool:
        return not self.model_dump(exclude_none=True)


def _key(key: str) -> str:
    text = " ".join(key.strip().split()).lower()
    if not text or ":" in text:
        raise ValueError(f"tag key {key!r} must be non-empty and without ':'")
    return text


def _value(value: str, key: str) -> str:
    return normalize_tag(f"{key}:{value}").partition(":")[2]


class SearchRequest(StrictModel):
    filters: SearchFilters = Field(default_factory=SearchFilters)
    sort_by: SortField = SortField.CREATED_DATE
    order: SortOrder = SortOrder.DESC
    limit: int = Field(DEFAULT_LIMIT, ge=0, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)
    facets: bool = Field(True, description="compute facets of the result set")


class TagCount(BaseModel):
    tag: str
    count: int


class SourceCount(BaseModel):
    source: str
    count: int


class RatingCount(BaseModel):
    rating: int
    count: int


class TypeCount(BaseModel):
    type: str
    count: int


class ProjectCount(BaseModel):
    project: str
    count: int


class FormatCount(BaseModel):
    format: str
    count: int


class SearchFacets(BaseModel):
    """Counts over the whole result set (not only the returned page)."""

    tags: list[TagCount] = Field(default_factory=list)
    ai_sources: list[SourceCount] = Field(default_factory=list)
    quality_ratings: list[RatingCount] = Field(default_factory=list)
    media_types: list[TypeCount] = Field(default_factory=list)
    projects: list[ProjectCount] = Field(default_factory=list)
    file_formats: list[FormatCount] = Field(default_factory=list)


class SearchResponse(BaseModel):
    total_count: int
    results: list[Asset] = Field(default_factory=list)
    facets: SearchFacets | None = None
    query_time_ms: float = 0.0


class SavedSearchRequest(StrictModel):
    """Create or replace-by-name a saved search ("smart album") in a project or globally."""

    name: str = Field(min_length=1, max_length=200)
    project: str | None = Field(None, description="project id or name; none means global")
    description: str | None = None
    request: SearchRequest

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        text = value.strip()
        if not text:
            raise ValueError("a name cannot be blank")
        return text


class SavedSearchUpdate(StrictModel):
    """Change a saved search: any of its new name, description or request."""

    name: str = Field(min_length=1, description="the current name")
    project: str | None = None
    new_name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    request: SearchRequest | None = None

    @model_validator(mode="after")
    def _something(self) -> SavedSearchUpdate:
        if self.new_name is None and self.description is None and self.request is None:
            raise ValueError("give new_name, description or request")
        return self


class SavedSearch(BaseModel):
    name: str
    project: str | None = None
    description: str | None = None
    request: SearchRequest
    created_at: datetime
    updated_at: datetime

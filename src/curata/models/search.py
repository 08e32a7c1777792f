"""The search API's types (spec: ``search-api.md``) and saved searches.

Requests are strict: unknown fields, unknown enum values, empty or inverted ranges,
dates that are not ISO 8601, ``limit`` above 1000, an ``offset`` outside 0..10**9,
tags that are not :data:`~curata.models.common.Tag` and regexes that do not compile
or are too large (:mod:`curata.models.patterns`, checked before compiling) are
rejected with the field path named. Values are normalized on the way in (tags
lower-cased, formats without a leading dot), so the engine compares like with like.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import regex
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    create_model,
    field_validator,
    model_validator,
)

from curata.models.ai_sources import resolve, valid_names
from curata.models.assets import Asset, MediaType
from curata.models.base import Record
from curata.models.common import (
    MAX_OFFSET,
    MAX_TAG_LENGTH,
    MAX_TAGS,
    TAG_KEY_SCHEMA,
    NonBlank,
    StrictModel,
    TagList,
    TagValue,
    one_of_given,
    tag_key,
)
from curata.models.fields import (
    FACET_COLUMNS,
    GROUP_MODELS,
    FolderPath,
    facet_key,
    filter_fields,
)
from curata.models.fields import DateRange as DateRange
from curata.models.fields import RangeFilter as RangeFilter
from curata.models.fields import parse_iso as parse_iso
from curata.models.paths import FsPath
from curata.models.patterns import MAX_PATTERN_LENGTH as MAX_PATTERN_LENGTH
from curata.models.patterns import compile_pattern

MAX_LIMIT = 1000
DEFAULT_LIMIT = 50
MAX_LIST_LENGTH = 1000
MAX_PATTERNS = 16  # keys of tag_patterns
TOP_TAG_FACETS = 50
TOP_VALUE_FACETS = 20

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


class Collapse(StrEnum):
    """Results folded into one per group: ``variants``, one per prompt + model."""

    VARIANTS = "variants"


def _listed(value: Any) -> Any:
    """A single tag value stands for a list of one."""
    return [value] if isinstance(value, str) else value


#: The values wanted for one key of ``tag_values``: one or a list of them.
TagValues = Annotated[
    list[TagValue],
    Field(min_length=1, max_length=MAX_TAGS),
    BeforeValidator(
        _listed,
        json_schema_input_type=TagValue
        | Annotated[list[TagValue], Field(min_length=1, max_length=MAX_TAGS)],
    ),
]


def _keys_first(values: Any) -> Any:
    """Check the keys of a ``tag_*`` mapping before its values are read, so that an
    error about a value never quotes a key that is not a valid one."""
    if isinstance(values, dict):
        for position, key in enumerate(values):
            if not isinstance(key, str):
                raise ValueError(f"key {position + 1} is not text")
            try:
                tag_key(key)
            except ValueError as exc:
                raise ValueError(f"key {position + 1}: {exc}") from None
    return values


def _normal_keys(values: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if values is None else {tag_key(k): v for k, v in values.items()}


def _keys_field(most: int) -> Any:
    """At most ``most`` tag keys, each matching the tag key schema."""
    return Field(max_length=most, json_schema_extra={"propertyNames": TAG_KEY_SCHEMA})


def _pattern_check(ignore_case: bool) -> Callable[[str], str]:
    """A check that ``pattern`` is a regex that :func:`compile_pattern` accepts (kept as
    text)."""

    def check(pattern: str) -> str:
        compile_pattern(pattern, ignore_case=ignore_case)
        return pattern

    return check


# Mappings of tag keys (checked first, then normalized) to values.
TagValuesByKey = Annotated[
    dict[str, TagValues],
    _keys_field(MAX_TAGS),
    BeforeValidator(_keys_first),
    AfterValidator(_normal_keys),
]
RangesByKey = Annotated[
    dict[str, RangeFilter],
    _keys_field(MAX_TAGS),
    BeforeValidator(_keys_first),
    AfterValidator(_normal_keys),
]
PatternsByKey = Annotated[
    dict[str, Annotated[str, AfterValidator(_pattern_check(ignore_case=True))]],
    _keys_field(MAX_PATTERNS),
    BeforeValidator(_keys_first),
    AfterValidator(_normal_keys),
]
FilenamePattern = Annotated[str, AfterValidator(_pattern_check(ignore_case=False))]
# An entry of a list of words (formats, sources, metadata keys, prompt keywords).
Word = Annotated[NonBlank, Field(max_length=MAX_TAG_LENGTH)]


def _source_name(value: str) -> str:
    resolve(value)  # a known name, family or alias (else the list of valid ones)
    return value.strip().lower()


#: An AI source, family or alias (:func:`~curata.models.ai_sources.valid_names`).
SourceName = Annotated[
    str,
    Field(max_length=MAX_TAG_LENGTH),
    AfterValidator(_source_name),
    WithJsonSchema({"type": "string", "enum": valid_names()}),
]


def _word(value: str, what: str) -> str:
    text = value.strip().lower()
    if not text:
        raise ValueError(f"{what} cannot be empty")
    return text


if TYPE_CHECKING:
    _RegistryFilters = StrictModel
else:
    # the numeric and date filters of the field registry (curata.models.fields)
    _RegistryFilters = create_model("_RegistryFilters", __base__=StrictModel, **filter_fields())
DimensionFilter = GROUP_MODELS["dimensions"]
GenerationFilter = GROUP_MODELS["generation"]


class SearchFilters(_RegistryFilters):
    """Every filter of the spec; all given filters must hold (AND). The numeric and
    date filters (``file_size``, ``quality_rating``, ``dimensions``, ``duration``,
    ``date_range``, ``generation``) come from :data:`curata.models.fields.FIELDS`."""

    media_type: MediaType | None = None
    file_formats: list[Word] | None = Field(None, max_length=MAX_LIST_LENGTH)

    tags: TagList | None = Field(None, description="all of")
    any_tags: TagList | None = Field(None, description="any of")
    exclude_tags: TagList | None = Field(None, description="none of")

    tag_values: TagValuesByKey | None = None
    tag_ranges: RangesByKey | None = None
    tag_patterns: PatternsByKey | None = None

    ai_source: list[SourceName] | None = Field(
        None,
        max_length=MAX_LIST_LENGTH,
        description="made by one of these AI sources: names (comfyui, automatic1111, ...), "
        "families (stable-diffusion, hosted) or aliases (forge, dalle3, ...)",
    )
    project: Word | None = None
    content_hash: Word | None = Field(
        None,
        description="a content hash or a prefix of one (6 to 64 hexadecimal digits)",
        json_schema_extra={"pattern": "^\\s*[0-9A-Fa-f]{6,64}\\s*$"},
    )
    has_metadata: list[Word] | None = Field(None, max_length=MAX_LIST_LENGTH)

    filename_pattern: FilenamePattern | None = None
    prompt_keywords: list[Word] | None = Field(None, max_length=MAX_LIST_LENGTH)

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

    @field_validator("ai_source")
    @classmethod
    def _sources(cls, values: list[str] | None) -> list[str] | None:
        if values is None:
            return None
        return list(dict.fromkeys(name for v in values for name in resolve(v)))

    @field_validator("has_metadata")
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

    def is_empty(self) -> bool:
        return not self.model_dump(exclude_none=True)


class SearchRequest(StrictModel):
    filters: SearchFilters = Field(default_factory=SearchFilters)
    sort_by: SortField = SortField.CREATED_DATE
    order: SortOrder = SortOrder.DESC
    limit: int = Field(DEFAULT_LIMIT, ge=0, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)
    facets: bool = Field(True, description="compute facets of the result set")
    collapse: Collapse | None = Field(
        None,
        description="variants: one result per variant group (same prompt and model, any "
        "seed or other parameters), the first in the requested order, with the group's "
        "size in variant_count; total_count and facets count these results",
    )


class TagCount(Record):
    tag: str
    count: int


class SourceCount(Record):
    source: str
    count: int


class RatingCount(Record):
    rating: int
    count: int


class TypeCount(Record):
    type: str
    count: int


class ProjectCount(Record):
    project: str
    count: int


class FormatCount(Record):
    format: str
    count: int


class ValueCount(Record):
    value: float
    count: int


class SearchFacets(Record):
    """Counts over the whole result set (not only the returned page)."""

    tags: list[TagCount] = Field(default_factory=list)
    ai_sources: list[SourceCount] = Field(default_factory=list)
    quality_ratings: list[RatingCount] = Field(default_factory=list)
    media_types: list[TypeCount] = Field(default_factory=list)
    projects: list[ProjectCount] = Field(default_factory=list)
    file_formats: list[FormatCount] = Field(default_factory=list)
    values: dict[str, list[ValueCount]] = Field(
        default_factory=dict,
        description="counts by value of the numeric fields that have facets, by filter path "
        f"(the {TOP_VALUE_FACETS} most frequent values each): "
        + ", ".join(facet_key(c) for c in FACET_COLUMNS),
    )


class SearchResponse(Record):
    total_count: int
    results: list[Asset] = Field(default_factory=list)
    facets: SearchFacets | None = None
    query_time_ms: float = 0.0


MAX_FOLDER_CHILDREN = 1000


class FolderRequest(StrictModel):
    """The subfolders of one folder (or the catalog's scan roots), for browsing by folder."""

    path: FolderPath | None = Field(
        None, description="an absolute folder; omit for the folders the catalog scanned"
    )
    limit: int = Field(200, ge=1, le=MAX_FOLDER_CHILDREN, description="subfolders at most")


class FolderCount(Record):
    path: FsPath
    name: str = Field(description="the last part of the path, for people")
    count: int = Field(description="assets with a location in this folder or below it")


class FolderListing(Record):
    """A folder's subfolders that hold cataloged files, by name, each with its count
    (what the ``folder`` search filter finds); without ``path``, the scan roots."""

    path: FsPath | None = None
    count: int = Field(description="assets in the folder or below it (roots: all of them)")
    files: int = Field(0, description="assets with a location directly in the folder")
    children: list[FolderCount] = Field(default_factory=list)
    child_count: int = Field(0, description="subfolders before the limit")
    truncated: bool = False


class SavedSearchRequest(StrictModel):
    """Create or replace-by-name a saved search ("smart album") in a project or globally."""

    name: NonBlank = Field(min_length=1, max_length=200)
    project: str | None = Field(None, description="project id or name; none means global")
    description: str | None = None
    request: SearchRequest
    replace: bool = Field(
        False,
        description="replace the request (and the description, if given) of a saved search "
        "of that name instead of refusing it",
    )

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        text = value.strip()
        if not text:
            raise ValueError("a name cannot be blank")
        return text


class SavedSearchUpdate(StrictModel):
    """Change a saved search: any of its new name, description or request."""

    model_config = ConfigDict(
        json_schema_extra={"anyOf": one_of_given("new_name", "description", "request")}
    )

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


class SavedSearch(Record):
    name: str
    project: str | None = None
    description: str | None = None
    request: SearchRequest
    created_at: datetime
    updated_at: datetime

"""The field registry of the search engine: one declaration per searchable column.

An :class:`IndexColumn` names a per-asset value the in-memory index holds (where the
catalog keeps it: an ``assets`` column or a path into the asset's JSON metadata) and a
:class:`SearchField` a filter on one of them: where it sits in the request
(``filters.duration``, ``filters.generation.steps``), the shape of its value, and the
:class:`Condition` it compiles to, which both tests a whole column (``mask``, the
index) and one value (``match``, the test oracle). Everything else derives from
:data:`FIELDS` and :data:`COLUMNS`: the request model's fields, the index's columns, the
catalog's column list, the snapshot format, the CLI options, the MCP description and
the filter table of ``docs/search.md``. Adding a numeric filter on a stored value is
one :class:`SearchField` (and its column, if the index does not hold it yet). A filter
on a set of terms per asset (``folder``: the folders of its locations) is the same: its
column has kind ``"terms"``, held by a term index of :mod:`curata.search.index`.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any, ClassVar

import numpy as np
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

from curata.models.common import StrictModel, one_of_given
from curata.models.paths import PATH_OBJECT_SCHEMA, FsPath

MAX_EXACT_VALUES = 1000
# Integers beyond this are not exact as the index's float64 values.
EXACT_LIMIT = 2**63


class RangeFilter(StrictModel):
    """An inclusive numeric range; either bound may be left out, not both."""

    model_config = ConfigDict(json_schema_extra={"anyOf": one_of_given("min", "max")})

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


#: What :func:`parse_iso` reads, in JSON Schema.
ISO_DATE: dict[str, Any] = {
    "type": "string",
    "anyOf": [{"format": "date"}, {"format": "date-time"}],
}


class DateRange(StrictModel):
    """Created between ``start`` and ``end`` (inclusive, ISO 8601; a bare end date
    includes that whole day)."""

    model_config = ConfigDict(json_schema_extra={"anyOf": one_of_given("start", "end")})

    start: str | None = Field(None, json_schema_extra=ISO_DATE)
    end: str | None = Field(None, json_schema_extra=ISO_DATE)

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


def _exact_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{value!r} is not an integer")
    if abs(value) >= EXACT_LIMIT:
        raise ValueError(f"{value} is out of range (|value| < 2**63)")
    return value


def _exact_list(value: Any) -> Any:
    values = value if isinstance(value, list) else [value]
    if not 1 <= len(values) <= MAX_EXACT_VALUES:
        raise ValueError(f"give 1 to {MAX_EXACT_VALUES} values")
    return [_exact_int(v) for v in values]


#: One integer or a list of them (any of).
ExactValues = Annotated[
    list[int],
    BeforeValidator(_exact_list, json_schema_input_type=int | list[int]),
]


def as_number(value: Any) -> float | None:
    """A stored value as the index's float: numbers and numeric text, else None
    (booleans, non-finite numbers, other text, objects)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        result = float(value)
    elif isinstance(value, str):
        try:
            result = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return result if math.isfinite(result) else None


MAX_FOLDER_LENGTH = 4096


def folder_path(value: str) -> str:
    """A folder as the ``folder`` filter compares it: absolute and normalized (no ``.``,
    ``..``, repeated or trailing separators). Pure: it is not resolved on disk; the
    catalog's locations are resolved real paths, so give a real path."""
    if "\0" in value:
        raise ValueError("a folder path cannot hold a NUL character")
    if len(value) > MAX_FOLDER_LENGTH:
        raise ValueError(f"a folder path is at most {MAX_FOLDER_LENGTH} characters")
    if not os.path.isabs(value):
        raise ValueError(f"{value!r} is not an absolute folder path")
    return os.sep + os.path.normpath(value).lstrip(os.sep)


#: A folder path: a string or the path object of a name that is not UTF-8.
FolderPath = Annotated[
    FsPath,
    AfterValidator(folder_path),
    WithJsonSchema(
        {
            "anyOf": [
                {
                    "type": "string",
                    "pattern": "^/[^\\u0000]*$",
                    "maxLength": MAX_FOLDER_LENGTH,
                    "description": "an absolute folder",
                },
                PATH_OBJECT_SCHEMA,
            ]
        }
    ),
]


def under(path: str, folder: str) -> bool:
    """Whether ``path`` is ``folder`` or inside it, at a folder boundary (``/a/bc`` is
    not inside ``/a/b``); both normalized."""
    return path == folder or path.startswith(folder if folder.endswith(os.sep) else folder + os.sep)


# --- conditions: what a filter's value compiles to ------------------------------------


@dataclass(frozen=True)
class Range:
    """Inclusive bounds; ``None`` is open. A missing value (NaN) is never inside."""

    lo: float | None = None
    hi: float | None = None
    request: ClassVar[Any] = RangeFilter

    @classmethod
    def of(cls, value: Any) -> Range:
        if isinstance(value, DateRange):
            return cls(*value.bounds())
        return cls(value.min, value.max)

    def contains(self, value: float | None) -> bool:
        if value is None or value != value:  # NaN: no value
            return False
        return (self.lo is None or value >= self.lo) and (self.hi is None or value <= self.hi)

    match = contains

    def mask(self, values: np.ndarray) -> np.ndarray:
        keep: np.ndarray = ~np.isnan(values)
        if self.lo is not None:
            keep &= values >= self.lo
        if self.hi is not None:
            keep &= values <= self.hi
        return keep


@dataclass(frozen=True)
class Dates(Range):
    """A :class:`Range` given as ISO 8601 dates."""

    request: ClassVar[Any] = DateRange


@dataclass(frozen=True)
class OneOf:
    """Equal to one of the values (integers, compared as the index's floats)."""

    values: frozenset[float]
    request: ClassVar[Any] = ExactValues

    @classmethod
    def of(cls, value: Any) -> OneOf:
        return cls(frozenset(float(v) for v in value))

    def match(self, value: float | None) -> bool:
        return value is not None and value in self.values

    def mask(self, values: np.ndarray) -> np.ndarray:
        return np.isin(values, np.fromiter(self.values, float, len(self.values)))


@dataclass(frozen=True)
class Flag:
    """A yes/no value held as 1.0 / 0.0."""

    wanted: bool
    request: ClassVar[Any] = bool

    @classmethod
    def of(cls, value: Any) -> Flag:
        return cls(bool(value))

    def match(self, value: float | None) -> bool:
        return value is not None and value == float(self.wanted)

    def mask(self, values: np.ndarray) -> np.ndarray:
        equal: np.ndarray = values == float(self.wanted)
        return equal


@dataclass(frozen=True)
class Under:
    """Some term of the asset (a folder of one of its locations) is ``folder`` or
    inside it. Tested on a term index's distinct terms (``select``), not on a column."""

    folder: str
    request: ClassVar[Any] = FolderPath

    @classmethod
    def of(cls, value: Any) -> Under:
        return cls(value)

    def match(self, terms: Iterable[str] | None) -> bool:
        return any(under(t, self.folder) for t in terms or ())

    def select(self, terms: Sequence[str]) -> list[int]:
        """Positions of the terms inside the folder."""
        return [i for i, t in enumerate(terms) if under(t, self.folder)]


#: The conditions tested on a column (``mask``); :class:`Under` is tested on terms.
ColumnCondition = Range | OneOf | Flag
Condition = ColumnCondition | Under


# --- the registry -------------------------------------------------------------------


@dataclass(frozen=True)
class IndexColumn:
    """A per-asset value the index holds.

    ``source``: an ``assets`` column name, a value the catalog computes (``missing``:
    1 when every location is missing; see ``curata.catalog.search``), a path into the
    asset's JSON metadata (``("generation_params", "steps")``), or None for a value the
    index derives itself (``aspect_ratio``). ``kind``: ``"number"`` (float64, NaN for
    none), ``"code"`` (dictionary-coded text) or ``"terms"`` (a set of text per asset:
    a term index of that name, which :mod:`curata.search.index` derives from
    ``source``). ``facet``: a number also counted by value in the facets.
    """

    name: str
    source: str | tuple[str, ...] | None
    kind: str = "number"
    facet: bool = False


@dataclass(frozen=True)
class SearchField:
    """A filter on one index column: ``filters.<group>.<name>`` or ``filters.<name>``."""

    name: str
    column: str
    query: type[Range] | type[OneOf] | type[Flag] | type[Under]
    description: str
    group: str | None = None

    @property
    def path(self) -> str:
        return self.name if self.group is None else f"{self.group}.{self.name}"

    def value(self, filters: Any) -> Any:
        """This field's value in validated filters (None: not given)."""
        holder = filters if self.group is None else getattr(filters, self.group, None)
        return None if holder is None else getattr(holder, self.name, None)

    def compile(self, value: Any) -> Condition:
        return self.query.of(value)


_GEN = ("generation_params",)

COLUMNS: tuple[IndexColumn, ...] = (
    IndexColumn("media_type", "media_type", "code"),
    IndexColumn("file_format", "file_format", "code"),
    IndexColumn("ai_source", "ai_source", "code"),
    IndexColumn("project_id", "project_id", "code"),
    IndexColumn("file_size", "file_size"),
    IndexColumn("width", "width"),
    IndexColumn("height", "height"),
    IndexColumn("aspect_ratio", None),
    IndexColumn("duration", "duration"),
    IndexColumn("quality_rating", "quality_rating"),
    IndexColumn("created_at", "created_at"),
    IndexColumn("modified_at", "modified_at"),
    IndexColumn("discovered_at", "discovered_at"),
    IndexColumn("updated_at", "updated_at"),
    IndexColumn("missing", "missing"),
    IndexColumn("folders", "locations", "terms"),  # the folder of each location
    IndexColumn("gen_seed", (*_GEN, "seed")),
    IndexColumn("gen_steps", (*_GEN, "steps"), facet=True),
    IndexColumn("gen_cfg_scale", (*_GEN, "cfg_scale"), facet=True),
    IndexColumn("gen_denoise", (*_GEN, "denoise"), facet=True),
    IndexColumn("gen_width", (*_GEN, "width"), facet=True),
    IndexColumn("gen_height", (*_GEN, "height"), facet=True),
    IndexColumn("variant", ("variant_key",), "code"),
)

FIELDS: tuple[SearchField, ...] = (
    SearchField("file_size", "file_size", Range, "file size in bytes"),
    SearchField("quality_rating", "quality_rating", Range, "rating 0-5"),
    SearchField("width", "width", Range, "pixels", group="dimensions"),
    SearchField("height", "height", Range, "pixels", group="dimensions"),
    SearchField(
        "aspect_ratio",
        "aspect_ratio",
        Range,
        "width / height, e.g. 1.77 for 16:9",
        group="dimensions",
    ),
    SearchField("duration", "duration", Range, "seconds (video, audio)"),
    SearchField(
        "date_range",
        "created_at",
        Dates,
        "created between start and end, ISO 8601 (a bare end date includes that day)",
    ),
    SearchField(
        "missing",
        "missing",
        Flag,
        "true: only assets whose every location is missing; false: only assets with a "
        "file present; not given (the default): both",
    ),
    SearchField(
        "folder",
        "folders",
        Under,
        "a location in this folder or below it (an absolute path; /a/b does not take in /a/bc)",
    ),
    SearchField(
        "seed", "gen_seed", OneOf, "generation seed, exact (any of a list)", group="generation"
    ),
    SearchField("steps", "gen_steps", Range, "sampling steps", group="generation"),
    SearchField("cfg_scale", "gen_cfg_scale", Range, "CFG scale", group="generation"),
    SearchField("denoise", "gen_denoise", Range, "denoising strength", group="generation"),
    SearchField("width", "gen_width", Range, "generation width", group="generation"),
    SearchField("height", "gen_height", Range, "generation height", group="generation"),
)

COLUMN_BY_NAME = {c.name: c for c in COLUMNS}
NUMBER_COLUMNS = tuple(c.name for c in COLUMNS if c.kind == "number")
CODE_COLUMNS = tuple(c.name for c in COLUMNS if c.kind == "code")
FACET_COLUMNS = tuple(c.name for c in COLUMNS if c.facet)
TERM_COLUMNS = tuple(c.name for c in COLUMNS if c.kind == "terms")
STORED_COLUMNS = tuple(c for c in COLUMNS if c.source is not None and c.kind != "terms")


def facet_key(column: str) -> str:
    """The name a value facet is listed under: the path of the field on that column."""
    return next(f.path for f in FIELDS if f.column == column)


def groups() -> dict[str | None, list[SearchField]]:
    """The fields by request group (None: top-level filters), in declaration order."""
    out: dict[str | None, list[SearchField]] = {}
    for f in FIELDS:
        out.setdefault(f.group, []).append(f)
    return out


def registry_hash() -> str:
    """A digest of every declaration the index's layout depends on (the snapshot format)."""
    text = json.dumps(
        [
            [[c.name, c.source, c.kind, c.facet] for c in COLUMNS],
            [[f.path, f.column, f.query.__name__] for f in FIELDS],
        ]
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _null_fields(fields: list[SearchField]) -> dict[str, Any]:
    return {
        f.name: (f.query.request | None, Field(None, description=f.description)) for f in fields
    }


# The model name of each group of fields (the OpenAPI schema's name).
GROUP_NAMES = {"dimensions": "DimensionFilter", "generation": "GenerationFilter"}


def _group_model(group: str, fields: list[SearchField]) -> type[StrictModel]:
    model: type[StrictModel] = create_model(
        GROUP_NAMES[group], __base__=StrictModel, **_null_fields(fields)
    )
    return model


#: The model of each group of filters (``dimensions``, ``generation``).
GROUP_MODELS = {g: _group_model(g, fs) for g, fs in groups().items() if g is not None}


def filter_fields() -> dict[str, Any]:
    """The registry's fields of :class:`~curata.models.search.SearchFilters`, as
    ``create_model`` takes them: top-level ones, and one model per group."""
    out: dict[str, Any] = {}
    for group, fields in groups().items():
        if group is None:
            out.update(_null_fields(fields))
            continue
        names = ", ".join(f.name for f in fields)
        out[group] = (
            GROUP_MODELS[group] | None,
            Field(None, description=f"{group} filters: {names}"),
        )
    return out


# --- the registry described: the MCP tool's text and the docs' table -----------------

_SHAPES = {
    Range: "{min, max}",
    Dates: "{start, end}",
    OneOf: "N or [N, ...]",
    Flag: "true/false",
    Under: "path",
}
DOC_START = "<!-- field registry: start (generated: python -m curata.models.fields) -->"
DOC_END = "<!-- field registry: end -->"


def describe() -> str:
    """One sentence per group, for tool descriptions."""
    parts = []
    for group, fields in groups().items():
        listed = "; ".join(f"{f.name} {_SHAPES[f.query]} ({f.description})" for f in fields)
        parts.append(listed if group is None else f"{group} {{{listed}}}")
    return "; ".join(parts)


def markdown_table() -> str:
    """The filter table of ``docs/search.md`` for the registry's fields, with its markers."""
    rows = [
        f"| `{f.path}` | {_SHAPES[f.query]} | {f.description}"
        + ("" if f.query in (Flag, Under) else "; assets without a value never match")
        + " |"
        for f in FIELDS
    ]
    return "\n".join(
        [
            DOC_START,
            "",
            "| filter | value | matches assets ... |",
            "|---|---|---|",
            *rows,
            "",
            DOC_END,
        ]
    )


def replace_marked(text: str, start_marker: str, end_marker: str, block: str) -> str:
    """``text`` with everything from ``start_marker`` to ``end_marker`` (both included)
    replaced by ``block``: how the generated tables of the docs are kept current."""
    start, end = text.index(start_marker), text.index(end_marker) + len(end_marker)
    return text[:start] + block + text[end:]


def rewrite_doc(text: str) -> str:
    """``text`` with the generated table between its markers replaced."""
    return replace_marked(text, DOC_START, DOC_END, markdown_table())


if __name__ == "__main__":
    import sys
    from pathlib import Path

    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/search.md")
    target.write_text(rewrite_doc(target.read_text(encoding="utf-8")), encoding="utf-8")

"""Compiling validated :class:`SearchFilters` into a plain query: no I/O, no catalog.

The compiled :class:`Query` holds everything the engine needs in the form it compares
against: dates as UTC epoch seconds, regexes compiled, tag entries split into
``(key, value)`` terms, prompt keywords split into words. Every rule about what a
filter *means* lives here or in :mod:`curata.search.rules`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import regex

from curata.models.fields import FIELDS, ColumnCondition, Range, Under
from curata.models.patterns import compile_pattern
from curata.models.search import SearchFilters
from curata.search.rules import words

__all__ = ["Pattern", "Query", "Range", "TagTerm", "compile_filters"]


@dataclass(frozen=True)
class TagTerm:
    """One ``tags``/``any_tags``/``exclude_tags`` entry.

    ``key`` None (an entry without a colon): matches the simple tag ``value`` and every
    pair whose value is ``value``. Otherwise it matches the pair ``key:value`` only.
    """

    key: str | None
    value: str

    @classmethod
    def parse(cls, name: str) -> TagTerm:
        key, sep, value = name.partition(":")
        return cls(key, value) if sep else cls(None, name)

    def matches(self, tag_key: str | None, tag_value: str) -> bool:
        """Whether a tag (``tag_key`` None for a simple tag) satisfies this term."""
        if self.key is None:
            return tag_value == self.value
        return tag_key == self.key and tag_value == self.value


@dataclass(frozen=True)
class Pattern:
    """A compiled regex and the request field it came from (for time-out errors)."""

    field: str
    compiled: regex.Pattern[str]


@dataclass
class Query:
    """A search's filters, compiled. Empty containers / ``None`` mean "no constraint"."""

    media_type: str | None = None
    formats: frozenset[str] | None = None
    columns: list[tuple[str, ColumnCondition]] = field(default_factory=list)  # (index column, test)
    terms: list[tuple[str, Under]] = field(default_factory=list)  # (term index, test)
    all_tags: list[TagTerm] = field(default_factory=list)
    any_tags: list[TagTerm] | None = None
    none_tags: list[TagTerm] = field(default_factory=list)
    tag_values: dict[str, frozenset[str]] = field(default_factory=dict)
    tag_ranges: dict[str, Range] = field(default_factory=dict)
    tag_patterns: dict[str, Pattern] = field(default_factory=dict)
    sources: frozenset[str] | None = None
    project: str | None = None
    hash_prefix: str | None = None
    metadata_keys: list[str] = field(default_factory=list)
    filename: Pattern | None = None
    prompt_words: list[str] = field(default_factory=list)

    def is_empty(self) -> bool:
        return self == Query()


def compile_filters(filters: SearchFilters) -> Query:
    """The :class:`Query` of validated filters (validation already named bad fields)."""
    q = Query()
    if filters.media_type is not None:
        q.media_type = filters.media_type.value
    if filters.file_formats is not None:
        q.formats = frozenset(filters.file_formats)
    for f in FIELDS:
        value = f.value(filters)
        if value is not None:
            condition = f.compile(value)
            if isinstance(condition, Under):
                q.terms.append((f.column, condition))
            else:
                q.columns.append((f.column, condition))
    q.all_tags = [TagTerm.parse(t) for t in filters.tags or ()]
    if filters.any_tags is not None:
        q.any_tags = [TagTerm.parse(t) for t in filters.any_tags]
    q.none_tags = [TagTerm.parse(t) for t in filters.exclude_tags or ()]
    q.tag_values = {k: frozenset(v) for k, v in (filters.tag_values or {}).items()}
    q.tag_ranges = {k: Range(r.min, r.max) for k, r in (filters.tag_ranges or {}).items()}
    q.tag_patterns = {
        k: Pattern(f"filters.tag_patterns.{k}", compile_pattern(p, ignore_case=True))
        for k, p in (filters.tag_patterns or {}).items()
    }
    if filters.ai_source is not None:
        q.sources = frozenset(filters.ai_source)
    q.project = filters.project
    q.hash_prefix = filters.content_hash
    q.metadata_keys = list(filters.has_metadata or ())
    if filters.filename_pattern is not None:
        q.filename = Pattern(
            "filters.filename_pattern", compile_pattern(filters.filename_pattern, ignore_case=False)
        )
    q.prompt_words = list(
        dict.fromkeys(w for keyword in filters.prompt_keywords or () for w in words(keyword))
    )
    return q

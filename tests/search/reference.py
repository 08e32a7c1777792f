"""The search semantics written the slow, obvious way, to check the engine against.

Deliberately independent of ``curata.search``: plain Python over a list of records,
following the spec and DESIGN.md's decisions word by word. The numeric and date filters
of the field registry (``curata.models.fields``) are evaluated one value at a time by
each declaration's own ``match``, on the value read from where the declaration says it
is stored (the engine runs the vectorized ``mask`` over the index's columns).
"""

from __future__ import annotations

import math
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import PurePosixPath
from typing import Any

from curata.models.fields import COLUMN_BY_NAME, FACET_COLUMNS, FIELDS, as_number, facet_key
from curata.models.search import SearchRequest


@dataclass
class Record:
    """One asset as the reference sees it (tags normalized, paths primary first)."""

    content_hash: str
    media_type: str = "image"
    file_format: str | None = "png"
    file_size: int = 1000
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    ai_source: str | None = None
    quality_rating: int | None = None
    project_id: str | None = None
    created_at: float | None = None
    modified_at: float | None = None
    discovered_at: float = 0.0
    prompt: str | None = None
    negative_prompt: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    missing: bool = False  # every location missing


def column_value(a: Record, column: str) -> Any:
    """The record's value of a registry column, read where the declaration keeps it."""
    if COLUMN_BY_NAME[column].kind == "terms":  # folders: of the locations
        return [os.path.dirname(p) for p in a.paths]
    if column == "aspect_ratio":
        return None if a.width is None or not a.height else a.width / a.height
    source = COLUMN_BY_NAME[column].source
    if isinstance(source, str):
        value = getattr(a, source)
        return float(value) if isinstance(value, bool) else as_number(value)
    value: Any = a.meta
    for key in source or ():
        value = value.get(key) if isinstance(value, dict) else None
    return as_number(value)


def _in(r: Any, value: float | None) -> bool:
    if r is None:
        return True
    if value is None:
        return False
    return (r.min is None or value >= r.min) and (r.max is None or value <= r.max)


def _has_term(tags: list[str], term: str) -> bool:
    if ":" in term:
        return term in tags
    return any(t == term or (":" in t and t.split(":", 1)[1] == term) for t in tags)


def _pair_values(tags: list[str], key: str) -> list[str]:
    return [t.split(":", 1)[1] for t in tags if ":" in t and t.split(":", 1)[0] == key]


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _filled(value: Any) -> bool:
    return value not in (None, "", [], {})


def _metadata_keys(a: Record) -> set[str]:
    keys = {k.lower() for k, v in a.meta.items() if _filled(v)}
    params = a.meta.get("generation_params")
    if isinstance(params, dict):
        keys |= {k.lower() for k, v in params.items() if _filled(v)}
    if a.prompt:
        keys.add("prompt")
    if a.negative_prompt:
        keys.add("negative_prompt")
    if a.width is not None and a.height is not None:
        keys.add("dimensions")
    if a.duration is not None:
        keys.add("duration")
    return keys


def _epoch(text: str, end: bool) -> float:
    if len(text) == 10:
        d = date.fromisoformat(text)
        start = datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp()
        return start + 86400 - 1e-6 if end else start
    moment = datetime.fromisoformat(text)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def _name(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def matches(a: Record, request: SearchRequest, projects: dict[str, str]) -> bool:
    f = request.filters
    tags = a.tags
    checks = [
        f.media_type is None or a.media_type == f.media_type.value,
        f.file_formats is None or a.file_format in f.file_formats,
        all(_has_term(tags, t) for t in f.tags or []),
        f.any_tags is None or any(_has_term(tags, t) for t in f.any_tags),
        not any(_has_term(tags, t) for t in f.exclude_tags or []),
        f.ai_source is None or (a.ai_source or "").lower() in f.ai_source,
        f.content_hash is None or a.content_hash.startswith(f.content_hash),
        all(k in _metadata_keys(a) for k in f.has_metadata or []),
    ]
    if not all(checks):
        return False
    for declared in FIELDS:
        wanted = declared.value(f)
        if wanted is not None and not declared.compile(wanted).match(
            column_value(a, declared.column)
        ):
            return False
    for key, values in (f.tag_values or {}).items():
        if not any(f"{key}:{v}" in tags for v in values):
            return False
    for key, r in (f.tag_ranges or {}).items():
        numbers = [_number(v) for v in _pair_values(tags, key)]
        if not any(n is not None and _in(r, n) for n in numbers):
            return False
    for key, pattern in (f.tag_patterns or {}).items():
        if not any(re.search(pattern, v, re.IGNORECASE) for v in _pair_values(tags, key)):
            return False
    if f.project is not None and projects.get(f.project, f.project) != a.project_id:
        return False
    if f.folder is not None and not any(  # also checked by its declaration: here by parts
        PurePosixPath(p).parent.is_relative_to(f.folder) for p in a.paths
    ):
        return False
    if f.date_range is not None:  # also checked by its declaration: here on its own terms
        if a.created_at is None:
            return False
        start, end = f.date_range.start, f.date_range.end
        if start is not None and a.created_at < _epoch(start, False):
            return False
        if end is not None and a.created_at > _epoch(end, True):
            return False
    if f.filename_pattern is not None and not any(
        re.search(f.filename_pattern, _name(p)) for p in a.paths
    ):
        return False
    if f.prompt_keywords:
        words = set(re.findall(r"\w+", (a.prompt or "").lower()))
        wanted = [w for k in f.prompt_keywords for w in re.findall(r"\w+", k.lower())]
        if not all(w in words for w in wanted):
            return False
    return True


def _sort_value(a: Record, field_name: str) -> Any:
    return {
        "created_date": a.created_at,
        "modified_date": a.modified_at,
        "discovered_date": a.discovered_at,
        "quality_rating": a.quality_rating,
        "file_size": a.file_size,
        "filename": _name(a.paths[0]) if a.paths else None,
        "width": a.width,
        "height": a.height,
    }[field_name]


def ordered(records: list[Record], request: SearchRequest) -> list[Record]:
    """All records in the request's order: field (missing last), then hash ascending."""
    by_hash = sorted(records, key=lambda a: a.content_hash)
    field_name = request.sort_by.value
    present = [a for a in by_hash if _sort_value(a, field_name) is not None]
    missing = [a for a in by_hash if _sort_value(a, field_name) is None]
    present.sort(key=lambda a: _sort_value(a, field_name), reverse=request.order.value == "desc")
    return present + missing


def variant_of(a: Record) -> Any:
    """The record's variant key, read where the registry's ``variant`` column says."""
    value: Any = a.meta
    for key in COLUMN_BY_NAME["variant"].source or ():
        value = value.get(key) if isinstance(value, dict) else None
    return value


def collapsed(found: list[Record]) -> tuple[list[Record], dict[str, int]]:
    """The first record of each variant key (in order) and every kept record's group
    size; a record without a key is a group of its own."""
    sizes = Counter(variant_of(a) for a in found)
    kept, seen = [], set()
    for a in found:
        key = variant_of(a)
        if key is None or key not in seen:
            kept.append(a)
            seen.add(key)
    return kept, {a.content_hash: sizes[variant_of(a)] if variant_of(a) else 1 for a in kept}


def run(
    records: list[Record], request: SearchRequest, projects: dict[str, str] | None = None
) -> tuple[list[Record], list[str]]:
    """``(all matching records in order, hashes of the requested page)``; with
    ``collapse``, the matching records are the first of each variant group."""
    found = ordered([a for a in records if matches(a, request, projects or {})], request)
    if request.collapse is not None:
        found = collapsed(found)[0]
    page = found[request.offset : request.offset + request.limit]
    return found, [a.content_hash for a in page]


def _ranked(counter: Counter[Any], top: int | None = None) -> list[tuple[Any, int]]:
    items = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    return items[:top] if top is not None else items


def facets(found: list[Record]) -> dict[str, list[tuple[Any, int]]]:
    ratings = Counter(a.quality_rating for a in found if a.quality_rating is not None)
    return {
        "tags": _ranked(Counter(t for a in found for t in set(a.tags)), 50),
        "ai_sources": _ranked(Counter(a.ai_source for a in found if a.ai_source)),
        "quality_ratings": sorted(ratings.items(), reverse=True),
        "media_types": _ranked(Counter(a.media_type for a in found)),
        "projects": _ranked(Counter(a.project_id for a in found if a.project_id)),
        "file_formats": _ranked(Counter(a.file_format for a in found if a.file_format)),
        "values": {
            facet_key(column): _ranked(
                Counter(v for a in found if (v := column_value(a, column)) is not None),
                20,
            )
            for column in FACET_COLUMNS
        },
    }

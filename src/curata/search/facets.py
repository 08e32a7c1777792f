"""Facets: counts over the whole result set (not the page).

Tags (the 50 most frequent, pairs as ``key:value``), AI sources, quality ratings,
media types, projects, file formats and the values of the registry's facet columns
(generation steps, CFG, ..., the 20 most frequent, ties by value); each list by count
descending then name,
ratings by rating descending. The whole catalog's counts are cached until it changes;
a result set larger than half the catalog is counted through its complement.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from curata.models.ai_sources import canonical
from curata.models.fields import FACET_COLUMNS, facet_key
from curata.models.search import (
    TOP_TAG_FACETS,
    TOP_VALUE_FACETS,
    FormatCount,
    ProjectCount,
    RatingCount,
    SearchFacets,
    SourceCount,
    TagCount,
    TypeCount,
    ValueCount,
)
from curata.search.index import SearchIndex


@dataclass
class Counts:
    tags: np.ndarray
    coded: dict[str, np.ndarray]
    ratings: dict[int, int]

    def minus(self, other: Counts) -> Counts:
        ratings = {r: c - other.ratings.get(r, 0) for r, c in self.ratings.items()}
        return Counts(
            self.tags - other.tags,
            {k: v - other.coded[k] for k, v in self.coded.items()},
            ratings,
        )


def _count(index: SearchIndex, rows: np.ndarray, tags: np.ndarray | None = None) -> Counts:
    """Counts over ``rows``; ``tags`` when the tag counts are known already."""
    cols = index.columns
    coded = {
        name: np.bincount(codes[rows] + 1, minlength=len(cols.dicts[name]) + 1)[1:]
        for name, codes in cols.codes.items()
    }
    ratings = cols.floats["quality_rating"][rows]
    rated = ratings[~np.isnan(ratings)].astype(np.int64)
    lowest = int(rated.min()) if len(rated) else 0
    counts = np.bincount(rated - lowest)
    return Counts(
        index.tags.count(rows) if tags is None else tags,
        coded,
        {lowest + r: int(c) for r, c in enumerate(counts.tolist()) if c},
    )


def _catalog_counts(index: SearchIndex) -> Counts:
    cached = index.cache.get("catalog_counts")
    if cached is None:
        cached = _count(index, index.present_ids(), index.tags.sizes().copy())
        index.cache["catalog_counts"] = cached
    return cached


def _ranked(
    name_of: Callable[[int], Any], counts: np.ndarray, top: int | None = None
) -> list[tuple[Any, int]]:
    """``(name, count)`` of non-zero counts by count descending, then name (a value
    facet's names are its numbers, in numeric order)."""
    nonzero = np.flatnonzero(counts > 0)
    if top is not None and len(nonzero) > top:
        kth = np.partition(counts[nonzero], len(nonzero) - top)[len(nonzero) - top]
        nonzero = nonzero[counts[nonzero] >= kth]
    pairs = sorted(
        ((name_of(i), int(counts[i])) for i in nonzero.tolist()), key=lambda p: (-p[1], p[0])
    )
    return pairs[:top] if top is not None else pairs


def _sources(names: list[str], counts: np.ndarray) -> list[SourceCount]:
    """AI sources under their canonical names (spellings of one name counted together)."""
    merged: dict[str, int] = {}
    for code in np.flatnonzero(counts > 0).tolist():
        name = canonical(names[code])
        merged[name] = merged.get(name, 0) + int(counts[code])
    ranked = sorted(merged.items(), key=lambda p: (-p[1], p[0]))
    return [SourceCount(source=n, count=c) for n, c in ranked]


def _model(index: SearchIndex, counts: Counts) -> SearchFacets:
    dicts = index.columns.dicts
    tags = _ranked(index.tag_dict.names.__getitem__, counts.tags, TOP_TAG_FACETS)
    return SearchFacets(
        tags=[TagCount(tag=n, count=c) for n, c in tags],
        ai_sources=_sources(dicts["ai_source"].names, counts.coded["ai_source"]),
        quality_ratings=[
            RatingCount(rating=r, count=c)
            for r, c in sorted(counts.ratings.items(), reverse=True)
            if c > 0
        ],
        media_types=[
            TypeCount(type=n, count=c)
            for n, c in _ranked(dicts["media_type"].names.__getitem__, counts.coded["media_type"])
        ],
        projects=[
            ProjectCount(project=n, count=c)
            for n, c in _ranked(dicts["project_id"].names.__getitem__, counts.coded["project_id"])
        ],
        file_formats=[
            FormatCount(format=n, count=c)
            for n, c in _ranked(dicts["file_format"].names.__getitem__, counts.coded["file_format"])
        ],
        values={
            facet_key(column): [
                ValueCount(value=v, count=c)
                for v, c in _ranked(
                    functools.partial(_number_of, dicts[column].names),
                    counts.coded[column],
                    TOP_VALUE_FACETS,
                )
            ]
            for column in FACET_COLUMNS
        },
    )


def facets(index: SearchIndex, rows: np.ndarray) -> SearchFacets:
    """Facets of the result set ``rows`` (sorted asset ids)."""
    if len(rows) == index.count:
        cached = index.cache.get("catalog_facets")
        if cached is None:
            cached = index.cache["catalog_facets"] = _model(index, _catalog_counts(index))
        return cached
    if len(rows) * 2 > index.count:
        outside = index.columns.present.copy()
        outside[rows] = False
        counts = _catalog_counts(index).minus(_count(index, np.flatnonzero(outside)))
    else:
        counts = _count(index, rows)
    return _model(index, counts)


def _number_of(names: Sequence[str], code: int) -> float:
    """The number a value facet's code stands for."""
    return float(names[code])

"""Property tests: on random catalogs, every random search returns what the obvious
evaluation (``tests/search/reference.py``) returns, page and order included, and its
facets are the counts over the whole result set."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curata import Curata
from curata.catalog.bulk import insert_assets
from curata.catalog.projects import ensure_project
from curata.models.search import SearchFacets, SearchRequest
from curata.search import matching_ids
from curata.search.ranking import BUILD_AFTER
from tests.conftest import fresh_pg_database
from tests.search import reference
from tests.search.reference import Record
from tests.search.strategies import PROJECTS, catalogs, requests, to_new_asset

SETTINGS = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def write(cur: Curata, records: list[Record]) -> None:
    with cur.catalog.write() as conn:
        for project in PROJECTS:
            ensure_project(conn, project)
        insert_assets(conn, [to_new_asset(r) for r in records], datetime.now(UTC).timestamp())


def facet_lists(f: SearchFacets) -> dict[str, list[tuple[Any, int]]]:
    return {
        "tags": [(e.tag, e.count) for e in f.tags],
        "ai_sources": [(e.source, e.count) for e in f.ai_sources],
        "quality_ratings": [(e.rating, e.count) for e in f.quality_ratings],
        "media_types": [(e.type, e.count) for e in f.media_types],
        "projects": [(e.project, e.count) for e in f.projects],
        "file_formats": [(e.format, e.count) for e in f.file_formats],
        "values": {k: [(e.value, e.count) for e in v] for k, v in f.values.items()},
    }


def check(cur: Curata, records: list[Record], request: dict[str, Any]) -> None:
    model = SearchRequest.model_validate(request)
    found, page = reference.run(records, model)
    matching = reference.ordered([r for r in records if reference.matches(r, model, {})], model)
    sizes = reference.collapsed(matching)[1]
    for _ in range(BUILD_AFTER):  # large results: partitioned first, then a cached order
        response = cur.search_assets(request).data
        assert response.total_count == len(found), request
        assert [a.content_hash for a in response.results] == page, request
        counts = [a.variant_count for a in response.results]
        assert counts == ([sizes[h] for h in page] if model.collapse else [None] * len(page))
    assert response.facets is not None
    assert facet_lists(response.facets) == reference.facets(found), request
    ids = matching_ids(cur.catalog, request["filters"])
    assert len(ids) == len(matching)  # filters only: never collapsed


def matches_reference(cur: Curata, records: list[Record], data: st.DataObject) -> None:
    write(cur, records)
    hashes = [r.content_hash for r in records]
    for _ in range(12):
        check(cur, records, data.draw(requests(hashes)))


def follows_writes(
    cur: Curata, records: list[Record], more: list[Record], data: st.DataObject
) -> None:
    """Tags added and removed, ratings changed and assets added after the index was
    loaded show up in the next search exactly as in a fresh evaluation."""
    write(cur, records)
    check(cur, records, {"filters": {}})
    for _ in range(4):
        action = data.draw(st.sampled_from(["tag", "untag", "rate", "add"]))
        if action == "add":
            known = {r.content_hash for r in records}
            fresh = [
                Record(**{**r.__dict__, "paths": [r.paths[0] + ".new"]})
                for r in more
                if r.content_hash not in known
            ][:2]
            write_new(cur, fresh)
            records.extend(fresh)
        elif records:
            apply(cur, data.draw(st.sampled_from(records)), action, data)
        check(cur, records, data.draw(requests([r.content_hash for r in records])))


def write_new(cur: Curata, records: list[Record]) -> None:
    with cur.catalog.write() as conn:
        insert_assets(conn, [to_new_asset(r) for r in records], datetime.now(UTC).timestamp())


def apply(cur: Curata, target: Record, action: str, data: st.DataObject) -> None:
    if action == "rate":
        rating = data.draw(st.integers(0, 5))
        cur.rate_assets({"assets": [target.content_hash], "rating": rating})
        target.quality_rating = rating
        return
    tag = data.draw(st.sampled_from(["red", "style:noir", "n:2", "fresh", "k:v"]))
    request = {"assets": [target.content_hash], "tags": [tag]}
    if action == "tag":
        cur.tag_assets(request)
        target.tags = sorted({*target.tags, tag})
    else:
        cur.untag_assets(request)
        target.tags = [t for t in target.tags if t != tag]


@contextmanager
def sqlite_catalog() -> Iterator[Curata]:
    with tempfile.TemporaryDirectory() as tmp, Curata(database=Path(tmp) / "c.db") as cur:
        yield cur


@contextmanager
def postgres_catalog() -> Iterator[Curata]:
    with fresh_pg_database() as url, Curata(database=url) as cur:
        yield cur


CATALOGS = [
    pytest.param(sqlite_catalog, id="sqlite"),
    pytest.param(postgres_catalog, id="postgres", marks=pytest.mark.postgres),
]
Opener = Callable[[], AbstractContextManager[Curata]]


@pytest.mark.parametrize("catalog", CATALOGS)
@SETTINGS
@given(data=st.data(), records=catalogs())
def test_search_equals_reference(
    catalog: Opener, data: st.DataObject, records: list[Record]
) -> None:
    with catalog() as cur:
        matches_reference(cur, records, data)


@pytest.mark.parametrize("catalog", CATALOGS)
@SETTINGS
@given(data=st.data(), records=catalogs(max_size=12), more=catalogs(max_size=6))
def test_index_follows_writes(
    catalog: Opener, data: st.DataObject, records: list[Record], more: list[Record]
) -> None:
    with catalog() as cur:
        follows_writes(cur, records, more, data)

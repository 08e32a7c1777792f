"""The index saved to the cache: a new process starts from it, catches up with the
changes since, and never uses a snapshot of another catalog."""

from __future__ import annotations

from pathlib import Path

import pytest

from curata import Curata
from curata.search import snapshot
from curata.search.index import index_for
from tests.search.conftest import add_assets, search_names
from tests.search.test_spec_examples import (
    CASES,
    CYBERPUNK,
    DRAGONS,
    FANTASY,
    NOIR,
    PORTRAITS,
    URBAN,
)

ALL = {**PORTRAITS, **CYBERPUNK, **DRAGONS, **FANTASY, **NOIR, **URBAN}
REQUESTS = [case[2] for case in CASES] + [
    {"filters": {"filename_pattern": "^[cd]_"}, "sort_by": "filename", "order": "asc"},
    {"filters": {"has_metadata": ["seed"]}, "sort_by": "file_size"},
]


@pytest.fixture(autouse=True)
def small_snapshots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CURATA_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(snapshot, "MIN_ASSETS", 1)


def answers(cur: Curata, hashes: dict[str, str]) -> list[list[str]]:
    return [search_names(cur, hashes, r) for r in REQUESTS]


def test_a_new_process_starts_from_the_snapshot(tmp_path: Path) -> None:
    db = tmp_path / "catalog.db"
    with Curata(database=db) as first:
        hashes = add_assets(first, ALL)
        expected = answers(first, hashes)
        saved = snapshot.snapshot_path(first.catalog)
        assert saved is not None and saved.exists()
    with Curata(database=db) as second:
        second.search_assets({"limit": 0})
        index = index_for(second.catalog)
        assert set(index.terms) == {"prompt", "names", "metadata"}, "restored, not rebuilt"
        assert answers(second, hashes) == expected


def test_changes_after_the_snapshot_are_caught_up(tmp_path: Path) -> None:
    db = tmp_path / "catalog.db"
    with Curata(database=db) as first:
        hashes = add_assets(first, ALL)
        answers(first, hashes)
        target = next(h for h, n in hashes.items() if n == "p_low_q3")
        first.rate_assets({"assets": [target], "rating": 5})
        first.tag_assets({"assets": [target], "tags": ["fresh"]})
        hashes.update(
            add_assets(first, {"p_new": {"tags": ["portrait", "fresh"], "quality_rating": 4}})
        )
        expected = answers(first, hashes)
    with Curata(database=db) as second:
        assert answers(second, hashes) == expected
        found = search_names(
            second, hashes, {"filters": {"tags": ["fresh"]}, "sort_by": "quality_rating"}
        )
        assert found == ["p_low_q3", "p_new"]


def test_a_snapshot_of_another_catalog_is_not_used(tmp_path: Path) -> None:
    db = tmp_path / "catalog.db"
    with Curata(database=db) as first:
        answers(first, add_assets(first, ALL))
    for leftover in tmp_path.glob("catalog.db*"):
        leftover.unlink()
    with Curata(database=db) as second:
        hashes = add_assets(second, PORTRAITS)
        assert search_names(second, hashes, CASES[0][2]) == CASES[0][3]
        assert second.search_assets({}).data.total_count == len(PORTRAITS)

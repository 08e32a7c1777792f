"""Selections on the real PostgreSQL server: the same service, row locks, JSON paths."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from curata import Curata
from tests.selections.conftest import PROJECT, Library, add, new_selection

pytestmark = pytest.mark.postgres


def test_selections_on_postgres(pg_database: str, lib: Library, tmp_path: Path) -> None:
    with Curata(database=pg_database) as cur:
        cur.scan(lib.root, workers=1)
        cur.create_project("My Project", budget={"amount": 1})
        sid = new_selection(cur, criteria={"mood": "bold"})
        add(cur, sid, *lib.costly, role="hero", group="Paid", create_groups=True)
        original = next(p for p in lib.near if p.stem == "ukbench00120")
        add(cur, sid, original)
        project = cur.get_project(PROJECT).data
        assert project.spend.amount == pytest.approx(0.14)
        assert project.spend.assets_with_cost == 2
        cur.update_selection(
            {"project_id": PROJECT, "selection_id": sid, "action": "update", "name": "Renamed"}
        )
        similar = cur.find_similar_to_selection(PROJECT, sid, threshold=12).data
        assert {Path(r.asset.file_path).name for r in similar.results} >= {
            "ukbench00120_gray.jpg",
            "ukbench00120_resize.jpg",
        }
        result = cur.export_selection(
            {"project_id": PROJECT, "selection_id": sid, "export_path": str(tmp_path / "out")}
        ).data
        assert result.exported_count == 4
        sel = cur.get_selection(PROJECT, sid).data
        assert sel.status.value == "exported" and sel.name == "Renamed"
        assert sel.created_at.tzinfo is not None and len(sel.exports) == 1
        actions = [h.action for h in cur.selection_history(PROJECT, sid).data]
        assert actions == ["create", "add_items", "add_items", "update", "export"]


def test_concurrent_adders_on_postgres_get_distinct_positions(
    pg_database: str, lib: Library
) -> None:
    with Curata(database=pg_database) as cur:
        cur.scan(lib.root / "renders", workers=1)
        cur.create_project("My Project")
        sid = new_selection(cur)
    halves = (lib.images[:6], lib.images[6:])
    errors: list[BaseException] = []

    def worker(paths: list[Path]) -> None:
        try:
            with Curata(database=pg_database) as own:
                for path in paths:
                    add(own, sid, path)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(h,)) for h in halves]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Curata(database=pg_database) as cur:
        items = cur.get_selection(PROJECT, sid).data.items
        assert sorted(i.position for i in items) == list(range(12))
        assert len(cur.selection_history(PROJECT, sid, action="add_items").data) == 12

"""Selections on the real PostgreSQL server: the same service, row locks, JSON paths."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from curata import Curata
from curata.errors import Conflict, NotFound
from tests.selections.conftest import PROJECT, Library, add, new_selection

pytestmark = pytest.mark.postgres


def test_selections_on_postgres(pg_database: str, lib: Library, tmp_path: Path) -> None:
    with Curata(database=pg_database) as cur:
        cur.scan(lib.root, workers=1)
        cur.create_project({"name": "My Project", "budget": {"amount": 1}})
        sid = new_selection(cur, criteria={"mood": "bold"})
        add(cur, sid, *lib.costly, role="hero", group="Paid", create_groups=True)
        original = next(p for p in lib.near if p.stem == "ukbench00120")
        add(cur, sid, original)
        (spent,) = cur.get_project(PROJECT).data.selections
        assert spent.spend.amount == pytest.approx(0.14)
        assert spent.spend.assets_with_cost == 2
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
        cur.create_project({"name": "My Project"})
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


def test_issue_18_rules_on_postgres(pg_database: str, lib: Library, tmp_path: Path) -> None:
    """The catalog SQL that changed: ids per project, selection budgets, groups found
    regardless of case, constraints, the project's assets."""
    with Curata(database=pg_database) as cur:
        cur.scan(lib.root / "paid", project="My Project", workers=1)
        cur.scan(lib.root / "renders", workers=1)
        cur.create_project({"name": "Other"})
        mine = new_selection(cur, budget={"amount": 1, "currency": "eur"})
        theirs = cur.create_selection({"project_id": "other", "name": "Hero Images Q4 2024"})
        assert mine == theirs.data.id == "hero-images-q4-2024"
        add(cur, mine, *lib.costly[:2], role="hero", group="Leads", create_groups=True)
        cur.update_selection(
            {
                "project_id": "other",
                "selection_id": theirs.data.id,
                "action": "add_items",
                "items": [{"asset_hash": str(lib.images[0])}],
            }
        )
        with pytest.raises(NotFound):
            add(cur, mine, lib.images[1], group="nope")
        with pytest.raises(Conflict) as exc:
            cur.update_selection(
                {
                    "project_id": PROJECT,
                    "selection_id": mine,
                    "action": "group",
                    "group_action": "create",
                    "group": "LEADS",
                }
            )
        assert exc.value.field == "group"
        cur.update_selection(
            {
                "project_id": PROJECT,
                "selection_id": mine,
                "action": "update",
                "constraints": {"max_items": 2},
            }
        )
        with pytest.raises(Conflict) as exc:
            add(cur, mine, lib.images[2])
        assert exc.value.field == "constraints.max_items"
        project = cur.get_project(PROJECT).data
        assert (
            project.asset_count
            == 3
            == cur.search_assets({"filters": {"project": PROJECT}}).data.total_count
        )
        (spent,) = project.selections
        assert spent.budget is not None and spent.spend.currency == "EUR"
        assert spent.spend.amount == 0 and spent.spend.remaining == 1
        assert [(t.currency, t.assets) for t in spent.spend.totals] == [("USD", 2)]
        assert [i.group for i in cur.get_selection(PROJECT, mine).data.items] == ["Leads"] * 2
        assert cur.get_selection("other", mine).data.item_count == 1
        out = tmp_path / "pg-other"
        cur.export_selection({"project_id": "other", "selection_id": mine, "export_path": str(out)})
        assert cur.get_selection("other", mine).data.status.value == "exported"
        assert cur.get_selection(PROJECT, mine).data.status.value == "draft"

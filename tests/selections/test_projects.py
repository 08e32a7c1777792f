"""Projects: ids, budget, spend from generation metadata, update and archive."""

from __future__ import annotations

import pytest

from curata import Curata
from curata.errors import Conflict, InvalidRequest, NotFound
from tests.selections.conftest import PROJECT, Library, add, new_selection


def test_create_list_get(cur: Curata) -> None:
    made = cur.create_project(
        {"name": "Client: Ünïcode Launch!", "budget": {"amount": 250, "currency": "eur"}}
    )
    assert made.data.id == "client-unicode-launch"
    assert made.data.budget is not None and made.data.budget.currency == "EUR"
    explicit = cur.create_project({"name": "Second", "project_id": "p2", "description": "d"}).data
    assert explicit.id == "p2" and explicit.description == "d"
    assert [p.id for p in cur.list_projects().data] == [PROJECT, made.data.id, "p2"]
    with pytest.raises(Conflict):
        cur.create_project({"name": "Second", "project_id": "p2"})
    with pytest.raises(NotFound):
        cur.get_project("nope")
    with pytest.raises(InvalidRequest) as exc:
        cur.create_project({"name": "x", "budget": {"amount": -3}})
    assert exc.value.field == "budget.amount"
    with pytest.raises(InvalidRequest) as exc:
        cur.create_project({"name": "x", "project_id": "Not A Slug"})
    assert exc.value.field == "project_id"


def test_spend_of_project_and_selections(cur: Curata, lib: Library) -> None:
    sid = new_selection(cur, budget={"amount": 0.5})
    add(cur, sid, *lib.costly[:2], lib.images[0])
    other = new_selection(cur, name="Other")
    add(cur, other, lib.costly[2])
    project = cur.get_project(PROJECT).data
    # the library was scanned into no project: the project's own assets are none
    assert (project.asset_count, project.spend.assets, project.spend.amount) == (0, 0, 0)
    assert project.spend.remaining == pytest.approx(1.0) and project.spend.currency == "USD"
    per = {s.selection_id: s for s in project.selections}
    assert per[sid].spend.amount == pytest.approx(0.14) and per[sid].spend.assets == 3
    assert per[sid].spend.remaining == pytest.approx(0.36)
    assert per[other].spend.amount == 0 and per[other].spend.assets_with_cost == 0
    assert per[other].spend.remaining is None and per[other].budget is None
    assert project.selection_count == 2


def test_assets_scanned_into_a_project_count_toward_it(db_path: object, lib: Library) -> None:
    with Curata(database=str(db_path)) as c:
        c.scan(lib.root / "paid", project="Paid Work", workers=1)
        project = c.get_project("paid-work").data
    assert project.asset_count == 3 and project.spend.amount == pytest.approx(0.14)
    assert project.budget is None and project.spend.remaining is None


def test_update_and_archive(cur: Curata) -> None:
    changed = cur.update_project(
        {"project_id": PROJECT, "name": "Renamed", "budget": {"amount": 5, "currency": "GBP"}}
    ).data
    assert changed.name == "Renamed" and changed.budget is not None
    assert changed.budget.amount == 5 and changed.updated_at > changed.created_at
    cleared = cur.update_project({"project_id": PROJECT, "clear_budget": True}).data
    assert cleared.budget is None
    with pytest.raises(InvalidRequest):
        cur.update_project({"project_id": PROJECT})
    with pytest.raises(NotFound):
        cur.update_project({"project_id": "nope", "name": "x"})
    archived = cur.archive_project(PROJECT).data
    assert archived.status.value == "archived"
    assert [p.id for p in cur.list_projects(status="archived").data] == [PROJECT]
    # A state conflict (409), not a bad request: the same request succeeds after a restore.
    with pytest.raises(Conflict) as exc:
        cur.create_selection({"project_id": PROJECT, "name": "late"})
    assert exc.value.field == "project_id"
    with pytest.raises(Conflict):
        cur.archive_project(PROJECT)
    assert cur.archive_project(PROJECT, restore=True).data.status.value == "active"
    with pytest.raises(InvalidRequest) as exc:
        cur.list_projects(status="gone")
    assert exc.value.field == "status"

"""Issue 18: budgets per selection and per project, money per currency, the one
definition of a project's assets, and selection ids unique per project -- through the
Python API and over real HTTP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from curata import Curata
from tests.selections.conftest import PROJECT, Api, Failure, Library, add, new_selection


def project_json(api: Api, project_id: str) -> dict[str, Any]:
    if api.http is None:
        return api.cur.get_project(project_id).data.model_dump(mode="json")
    response = api.http.get(f"/projects/{project_id}")
    assert response.status_code == 200, response.text
    return response.json()["data"]


def create_selection(api: Api, **body: Any) -> Any:
    return api.call("POST", "/selections", "create_selection", {"project_id": PROJECT, **body})


def paid_files(folder: Path, costs: list[object]) -> list[Path]:
    """Images with a JSON sidecar recording each generation cost as written."""
    folder.mkdir(parents=True)
    out = []
    for i, cost in enumerate(costs):
        path = folder / f"cost_{i}.png"
        Image.new("RGB", (48, 48), (20 * i, 200 - 20 * i, 90)).save(path)
        (folder / f"cost_{i}.png.json").write_text(
            json.dumps({"prompt": f"p{i}", "seed": i, "steps": 20, "cost": cost})
        )
        out.append(path)
    return out


def test_each_selection_has_its_own_budget(api: Api, lib: Library) -> None:
    a = create_selection(api, name="A", budget={"amount": 1, "currency": "usd"})
    assert a["budget"] == {"amount": 1.0, "currency": "USD"}
    b = create_selection(api, name="B")
    add(api.cur, a["id"], *lib.costly[:2])  # 0.04 and "$0.10"
    add(api.cur, b["id"], lib.costly[0])
    project = project_json(api, PROJECT)
    per = {s["selection_id"]: s for s in project["selections"]}
    assert per["a"]["budget"] == {"amount": 1.0, "currency": "USD"}
    assert per["a"]["spend"]["amount"] == pytest.approx(0.14)
    assert per["a"]["spend"]["remaining"] == pytest.approx(0.86)  # its own budget
    assert per["b"]["budget"] is None and per["b"]["spend"]["remaining"] is None
    assert per["b"]["spend"]["amount"] == pytest.approx(0.04)
    assert project["budget"] == {"amount": 1.0, "currency": "USD"}
    assert project["spend"]["remaining"] == pytest.approx(1.0)  # no asset scanned into it
    changed = api.update(
        {"selection_id": "b", "action": "update", "budget": {"amount": 3, "currency": "EUR"}}
    )
    assert not isinstance(changed, Failure), changed
    per = {s["selection_id"]: s for s in project_json(api, PROJECT)["selections"]}
    assert per["b"]["spend"]["currency"] == "EUR" and per["b"]["spend"]["amount"] == 0
    assert per["b"]["spend"]["remaining"] == 3
    assert per["b"]["spend"]["totals"] == [{"currency": "USD", "amount": 0.04, "assets": 1}]
    api.update({"selection_id": "b", "action": "update", "budget": None})
    assert api.cur.get_selection(PROJECT, "b").data.budget is None
    history = api.cur.selection_history(PROJECT, "b", action="update").data
    assert history[0].after == {"budget": {"amount": 3.0, "currency": "EUR"}}
    assert history[1].before == {"budget": {"amount": 3.0, "currency": "EUR"}}


def test_bad_budgets_are_refused(api: Api) -> None:
    for budget, field in (
        ({"amount": -1}, "budget.amount"),
        ({"amount": 1, "currency": "dollars"}, "budget.currency"),
        ({"amount": 1, "currency": "€€€"}, "budget.currency"),
    ):
        assert create_selection(api, name="x", budget=budget) == Failure(422, field)


def test_currencies_are_summed_apart(api: Api, tmp_path: Path) -> None:
    files = paid_files(tmp_path / "mixed", ["$0.10", "0,25 EUR", 0.04, "0.5 usd", "1,5 credits"])
    api.cur.scan(files[0].parent, project="Mixed", workers=1)
    api.cur.update_project({"project_id": "mixed", "budget": {"amount": 1, "currency": "USD"}})
    spend = project_json(api, "mixed")["spend"]
    assert spend["totals"] == [
        {"currency": "EUR", "amount": 0.25, "assets": 1},
        {"currency": "USD", "amount": 0.64, "assets": 3},
    ]
    assert spend["currency"] == "USD" and spend["amount"] == pytest.approx(0.64)
    assert spend["remaining"] == pytest.approx(0.36)  # the euros are not taken off
    assert (spend["assets"], spend["assets_with_cost"]) == (5, 4)
    api.cur.update_project({"project_id": "mixed", "budget": {"amount": 2, "currency": "EUR"}})
    spend = project_json(api, "mixed")["spend"]
    # plain numbers are in the project's currency: now euros
    assert spend["currency"] == "EUR" and spend["amount"] == pytest.approx(0.29)
    assert spend["remaining"] == pytest.approx(1.71)
    assert {t["currency"]: t["amount"] for t in spend["totals"]} == pytest.approx(
        {"EUR": 0.29, "USD": 0.6}
    )


def test_asset_count_agrees_with_the_project_filter_and_stats(
    api: Api, lib: Library, tmp_path: Path
) -> None:
    own = paid_files(tmp_path / "paid-work", [0.04, "$0.10", None])
    api.cur.scan(own[0].parent, project="Paid Work", workers=1)
    sid = api.cur.create_selection({"project_id": "paid-work", "name": "Mix"}).data.id
    mix = {"project_id": "paid-work", "selection_id": sid, "action": "add_items"}
    api.cur.update_selection({**mix, "items": [{"asset_hash": str(lib.images[0])}]})
    api.cur.update_selection({**mix, "items": [{"asset_hash": str(lib.costly[0])}]})
    project = project_json(api, "paid-work")
    request = {"filters": {"project": "paid-work"}, "limit": 100}
    found = api.call("POST", "/search", "search_assets", request)
    stats = api.cur.stats().data.by_project
    assert (project["asset_count"], found["total_count"]) == (3, 3)
    assert {c.name: c.count for c in stats}["paid-work"] == 3
    assert project["spend"]["assets"] == 3 and project["spend"]["amount"] == pytest.approx(0.14)
    (mix_spend,) = project["selections"]
    assert mix_spend["spend"]["assets"] == 2  # a selection counts all its items


def test_selection_ids_are_unique_per_project(api: Api, lib: Library, tmp_path: Path) -> None:
    assert api.call("POST", "/projects", "create_project", {"name": "Other"})["id"] == "other"
    mine = create_selection(api, name="Hero Images Q4")
    theirs = api.call(
        "POST", "/selections", "create_selection", {"project_id": "other", "name": "Hero Images Q4"}
    )
    assert mine["id"] == theirs["id"] == "hero-images-q4"
    again = api.call(
        "POST", "/selections", "create_selection", {"project_id": "other", "name": "Hero Images Q4"}
    )
    assert again["id"] == "hero-images-q4-2"
    explicit = {"project_id": "other", "name": "x", "selection_id": "hero-images-q4"}
    assert api.call("POST", "/selections", "create_selection", explicit) == Failure(
        409, "selection_id"
    )
    # the two selections of one id are apart in every operation
    sid = "hero-images-q4"
    add(api.cur, sid, lib.images[0], role="hero")
    other = {"project_id": "other", "selection_id": sid}
    api.cur.update_selection(
        {**other, "action": "add_items", "items": [{"asset_hash": str(lib.images[1])}]}
    )
    api.cur.update_selection(
        {**other, "action": "group", "group_action": "create", "group": "Leads"}
    )
    assert [i.asset_hash for i in api.cur.get_selection(PROJECT, sid).data.items] == [
        lib.hash_of(api.cur, lib.images[0])
    ]
    assert api.cur.get_selection(PROJECT, sid).data.groups == []
    assert len(api.cur.selection_history("other", sid).data) == 3
    assert api.cur.selection_stats("other", sid).data.item_count == 1
    found = api.cur.selections_containing(str(lib.images[1])).data
    assert [(m.project_id, m.selection_id) for m in found] == [("other", sid)]
    listed = api.cur.list_selections().data
    assert sorted((s.project_id, s.id) for s in listed) == [
        (PROJECT, sid),
        ("other", sid),
        ("other", "hero-images-q4-2"),
    ]
    out = tmp_path / "other-export"
    body = {"project_id": "other", "selection_id": sid, "export_path": str(out)}
    exported = api.call("POST", "/selections/export", "export_selection", body)
    assert exported["item_count"] == 1
    assert api.cur.get_selection("other", sid).data.status.value == "exported"
    assert api.cur.get_selection(PROJECT, sid).data.status.value == "draft"
    marker = json.loads((out / ".curata-export.json").read_text())
    assert (marker["project_id"], marker["selection_id"]) == ("other", sid)
    shown = project_json(api, "other")
    assert sorted(s["selection_id"] for s in shown["selections"]) == [sid, "hero-images-q4-2"]


def test_ids_of_an_older_catalog_survive_the_migration(cur: Curata) -> None:
    """Selections made before ids were per project keep their ids and their rows."""
    sid = new_selection(cur)
    assert cur.get_selection(PROJECT, sid).data.id == sid


def test_a_catalog_of_revision_0002_is_migrated(tmp_path: Path) -> None:
    """Selections written before ids were per project keep their ids (now per project),
    and tag values the grammar does not read as numbers lose their number."""
    from alembic import command
    from sqlalchemy import create_engine, text

    from curata.catalog.engine import _alembic_config

    db = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "0002")
        now = "2026-01-01 00:00:00"
        conn.execute(
            text(
                "INSERT INTO projects (id, name, status, created_at, updated_at) "
                "VALUES ('p', 'P', 'active', :now, :now)"
            ),
            {"now": now},
        )
        conn.execute(
            text(
                "INSERT INTO selections (id, project_id, name, purpose, status, criteria, tags,"
                " constraints, created_at, updated_at) VALUES ('hero', 'p', 'Hero', 'curation',"
                " 'draft', '{}', '[]', '{}', :now, :now)"
            ),
            {"now": now},
        )
        conn.execute(
            text(
                "INSERT INTO tags (name, key, value, num_value)"
                " VALUES ('n:1_000', 'n', '1_000', 1000)"
            )
        )
    engine.dispose()
    with Curata(database=db) as cur:
        assert cur.get_selection("p", "hero").data.name == "Hero"
        cur.create_project({"name": "Q"})
        assert cur.create_selection({"project_id": "q", "name": "Hero"}).data.id == "hero"
        assert cur.create_selection({"project_id": "p", "name": "Hero"}).data.id == "hero-2"
        with cur.catalog.read() as conn:
            assert conn.execute(text("SELECT num_value FROM tags")).scalar() is None

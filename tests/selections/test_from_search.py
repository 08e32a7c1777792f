"""Adding the matches of a search or a saved search to a selection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from curata import Curata
from curata.errors import Conflict, InvalidRequest, NotFound
from tests.selections.conftest import PROJECT, Library, new_selection, run, run_json


def _add(cur: Curata, sid: str, **fields: object):  # type: ignore[no-untyped-def]
    return cur.update_selection(
        {"project_id": PROJECT, "selection_id": sid, "action": "add_items", **fields}
    ).data


def test_from_search_adds_every_match_with_defaults(cur: Curata, lib: Library) -> None:
    sid = new_selection(cur)
    filters = {"file_formats": ["jpg"]}
    expected = {
        a.content_hash for a in cur.search_assets({"filters": filters, "limit": 1000}).data.results
    }
    assert len(expected) == len(lib.near)
    change = _add(
        cur,
        sid,
        from_search=filters,
        item_defaults={"role": "reference", "selection_reason": "jpeg photo", "group": "photos"},
        notes="all photos",
        create_groups=True,
    )
    assert set(change.history.asset_hashes) == expected
    items = cur.get_selection(PROJECT, sid).data.items
    assert {i.asset_hash for i in items} == expected
    assert {(i.role, i.selection_reason, i.group) for i in items} == {
        ("reference", "jpeg photo", "photos")
    }
    with pytest.raises(Conflict) as exc:
        _add(cur, sid, from_search=filters)
    assert exc.value.field == "from_search"
    assert _add(cur, sid, from_search=filters, skip_existing=True).history.asset_hashes == []


def test_explicit_items_win_over_search_matches(cur: Curata, lib: Library) -> None:
    sid = new_selection(cur)
    _add(
        cur,
        sid,
        items=[{"asset_hash": str(lib.near[0]), "role": "hero"}],
        from_search={"file_formats": ["jpeg"]},
        item_defaults={"role": "alternate"},
    )
    items = cur.get_selection(PROJECT, sid).data.items
    assert items[0].role == "hero" and len(items) == len(lib.near)
    assert {i.role for i in items[1:]} == {"alternate"}


def test_saved_search_of_the_project_then_global(cur: Curata, lib: Library) -> None:
    sid = new_selection(cur)
    cur.save_search(
        {"name": "paid", "project": PROJECT, "request": {"filters": {"prompt_keywords": ["paid"]}}}
    )
    cur.save_search({"name": "pngs", "request": {"filters": {"file_formats": ["png"]}}})
    _add(cur, sid, saved_search="paid")
    paid = {lib.hash_of(cur, p) for p in lib.costly}
    assert {i.asset_hash for i in cur.get_selection(PROJECT, sid).data.items} == paid
    change = _add(cur, sid, saved_search="pngs", skip_existing=True)
    assert len(change.history.asset_hashes) == len(lib.images)
    with pytest.raises(NotFound) as exc:
        _add(cur, sid, saved_search="nope")
    assert exc.value.field == "saved_search"


def test_bad_search_filters_name_the_field(cur: Curata) -> None:
    sid = new_selection(cur)
    with pytest.raises(InvalidRequest) as exc:
        _add(cur, sid, from_search={"media_type": "hologram"})
    assert exc.value.field == "from_search.media_type"
    with pytest.raises(InvalidRequest):
        _add(cur, sid, from_search={}, saved_search="x")
    assert cur.get_selection(PROJECT, sid).data.item_count == 0


def test_cli_add_from_search_file_and_saved_search(db: Path, lib: Library, tmp_path: Path) -> None:
    p = ["-p", PROJECT]
    sid = run_json(db, "selection", "create", "From Search", *p)["id"]
    response = tmp_path / "found.json"
    with Curata(database=db) as cur:
        found = cur.search_assets({"filters": {"file_formats": ["jpeg"]}, "limit": 3}).data
        response.write_text(found.model_dump_json())
        cur.save_search({"name": "paid", "request": {"filters": {"prompt_keywords": ["paid"]}}})
    run(db, "selection", "add", sid, *p, "--from-search", str(response), "--role", "ref")
    filters = tmp_path / "filters.json"
    filters.write_text(json.dumps({"filters": {"file_formats": ["jpeg"]}}))
    out = run_json(
        db, "selection", "add", sid, *p, "--from-search", str(filters), "--skip-existing",
        "--group", "photos", "--create-group",
    )  # fmt: skip
    assert len(out["history"]["asset_hashes"]) == len(lib.near) - 3
    run(db, "selection", "add", sid, *p, "--saved-search", "paid")
    items = run_json(db, "selection", "show", sid, *p)["items"]
    assert [i["asset_hash"] for i in items[:3]] == [a.content_hash for a in found.results]
    assert {i["role"] for i in items[:3]} == {"ref"}
    assert {i["group"] for i in items[3 : len(lib.near)]} == {"photos"}
    assert len(items) == len(lib.near) + len(lib.costly)
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2")
    run(db, "selection", "add", sid, *p, "--from-search", str(bad), code=2)
    run(db, "selection", "add", sid, *p, code=2)

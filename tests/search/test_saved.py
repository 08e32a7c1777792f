"""Saved searches: create, run by name, list, update, delete; per project or global."""

from __future__ import annotations

import pytest

from curata import Conflict, InvalidRequest, NotFound
from tests.search.conftest import Builder, names, sha

ASSETS = {
    "hero": {"tags": ["portrait"], "quality_rating": 5, "project_id": "film"},
    "side": {"tags": ["portrait"], "quality_rating": 3, "project_id": "film"},
    "land": {"tags": ["landscape"], "quality_rating": 5},
}
PORTRAITS = {"filters": {"tags": ["portrait"]}, "sort_by": "quality_rating", "order": "desc"}


def test_save_run_list_update_delete(build: Builder) -> None:
    cur, hashes = build(ASSETS)
    saved = cur.save_search(
        {"name": "Portraits", "project": "film", "description": "faces", "request": PORTRAITS}
    ).data
    assert (saved.name, saved.project, saved.description) == ("Portraits", "film", "faces")
    assert names(cur.run_saved_search("Portraits", "film").data, hashes) == ["hero", "side"]
    assert names(cur.run_saved_search("Portraits", "film", limit=1).data, hashes) == ["hero"]
    assert names(cur.run_saved_search("Portraits", "film", offset=1).data, hashes) == ["side"]

    cur.save_search({"name": "Best", "request": {"filters": {"quality_rating": {"min": 5}}}})
    listed = [(s.project, s.name) for s in cur.list_saved_searches().data]
    assert listed == [(None, "Best"), ("film", "Portraits")]
    assert [s.name for s in cur.list_saved_searches("film").data] == ["Portraits"]
    assert [s.name for s in cur.list_saved_searches("").data] == ["Best"]

    updated = cur.update_saved_search(
        {
            "name": "Portraits",
            "project": "film",
            "new_name": "Top portraits",
            "request": {
                **PORTRAITS,
                "filters": {"tags": ["portrait"], "quality_rating": {"min": 4}},
            },
        }
    ).data
    assert updated.name == "Top portraits" and updated.description == "faces"
    assert updated.updated_at >= saved.updated_at
    assert names(cur.run_saved_search("Top portraits", "film").data, hashes) == ["hero"]
    with pytest.raises(NotFound):
        cur.run_saved_search("Portraits", "film")

    cur.delete_saved_search("Top portraits", "film")
    assert [s.name for s in cur.list_saved_searches().data] == ["Best"]
    with pytest.raises(NotFound):
        cur.delete_saved_search("Top portraits", "film")


def test_replace_keeps_one_saved_search_of_the_name(build: Builder) -> None:
    cur, hashes = build(ASSETS)
    first = cur.save_search({"name": "Top", "description": "d", "request": PORTRAITS}).data
    best = {"filters": {"quality_rating": {"min": 5}}, "sort_by": "filename"}
    with pytest.raises(Conflict):
        cur.save_search({"name": "Top", "request": best})
    replaced = cur.save_search({"name": "Top", "request": best, "replace": True}).data
    assert replaced.description == "d" and replaced.created_at == first.created_at
    assert sorted(names(cur.run_saved_search("Top").data, hashes)) == ["hero", "land"]
    described = cur.save_search(
        {"name": "Top", "description": "new", "request": best, "replace": True}
    ).data
    assert described.description == "new"
    assert [s.name for s in cur.list_saved_searches().data] == ["Top"]
    # Replacing a name that is not there saves it.
    assert cur.save_search({"name": "Fresh", "request": best, "replace": True}).data.name == "Fresh"


def test_a_saved_search_sees_the_catalog_as_it_is_now(build: Builder) -> None:
    cur, hashes = build(ASSETS)
    cur.save_search({"name": "Portraits", "request": PORTRAITS})
    land = next(h for h, n in hashes.items() if n == "land")
    cur.tag_assets({"assets": [land], "tags": ["portrait"]})
    expected = [*sorted(["hero", "land"], key=sha), "side"]
    assert names(cur.run_saved_search("Portraits").data, hashes) == expected


def test_names_are_unique_per_project(build: Builder) -> None:
    cur, _ = build(ASSETS)
    cur.save_search({"name": "Portraits", "request": PORTRAITS})
    cur.save_search({"name": "Portraits", "project": "film", "request": PORTRAITS})
    with pytest.raises(Conflict) as caught:
        cur.save_search({"name": "Portraits", "project": "Film", "request": PORTRAITS})
    assert caught.value.field == "name"
    cur.save_search({"name": "Other", "project": "film", "request": PORTRAITS})
    with pytest.raises(Conflict):
        cur.update_saved_search({"name": "Other", "project": "film", "new_name": "Portraits"})


def test_bad_saved_search_requests(build: Builder) -> None:
    cur, _ = build(ASSETS)
    with pytest.raises(InvalidRequest) as caught:
        cur.save_search({"name": "x", "request": {"limit": 5000}})
    assert caught.value.field == "request.limit"
    with pytest.raises(InvalidRequest) as caught:
        cur.save_search({"name": "  ", "request": {}})
    assert caught.value.field == "name"
    with pytest.raises(NotFound) as missing:
        cur.save_search({"name": "x", "project": "nope", "request": {}})
    assert missing.value.field == "project"
    with pytest.raises(InvalidRequest) as caught:
        cur.update_saved_search({"name": "x"})
    assert "give new_name, description or request" in caught.value.message
    cur.save_search({"name": "x", "request": {}})
    with pytest.raises(InvalidRequest) as caught:
        cur.run_saved_search("x", limit=1001)
    assert caught.value.field == "limit"
    assert cur.list_saved_searches().data[0].request.limit == 50

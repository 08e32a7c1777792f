"""Issue 18: groups, constraints, item paths, history values and the request contract,
each through the Python API and over real HTTP on one catalog."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curata import Curata
from curata.errors import CurataError
from curata.numbers import parse_number
from tests.selections.conftest import PROJECT, Api, Failure, Library, new_selection


def items(*paths: Path, **fields: Any) -> list[dict[str, Any]]:
    return [{"asset_hash": str(p), **fields} for p in paths]


# --- groups --------------------------------------------------------------------------


def test_move_into_an_unknown_group_is_not_found(api: Api, lib: Library) -> None:
    sid = new_selection(api.cur)
    api.ok({"selection_id": sid, "action": "add_items", "items": items(*lib.images[:2])})
    move = {"selection_id": sid, "action": "group", "group_action": "move"}
    refs = [str(lib.images[0])]
    assert api.update({**move, "group": "Nope", "asset_hashes": refs}) == Failure(404, "group")
    assert api.cur.get_selection(PROJECT, sid).data.groups == []
    api.ok({**move, "group": "Nope", "asset_hashes": refs, "create_groups": True})
    sel = api.cur.get_selection(PROJECT, sid).data
    assert [(g.name, g.item_count) for g in sel.groups] == [("Nope", 1)]


def test_items_name_only_existing_groups_unless_create(api: Api, lib: Library) -> None:
    sid = new_selection(api.cur)
    add = {"selection_id": sid, "action": "add_items"}
    two = items(lib.images[0]) + items(lib.images[1], group="Leads")
    assert api.update({**add, "items": two}) == Failure(404, "items.1.group")
    assert api.cur.get_selection(PROJECT, sid).data.item_count == 0
    api.ok({**add, "items": two, "create_groups": True})
    change = {"selection_id": sid, "action": "update_items"}
    assert api.update({**change, "items": items(lib.images[0], group="Other")}) == Failure(
        404, "items.0.group"
    )
    api.ok({**change, "items": items(lib.images[0], group="LEADS")})  # the same group
    sel = api.cur.get_selection(PROJECT, sid).data
    assert [(g.name, g.item_count) for g in sel.groups] == [("Leads", 2)]


def test_group_names_are_unique_regardless_of_case(api: Api, lib: Library) -> None:
    sid = new_selection(api.cur)
    group = {"selection_id": sid, "action": "group"}
    api.ok({**group, "group_action": "create", "group": "G1"})
    assert api.update({**group, "group_action": "create", "group": "g1"}) == Failure(409, "group")
    api.ok({**group, "group_action": "create", "group": "Other"})
    renamed = {**group, "group_action": "rename", "group": "other", "new_name": "G1"}
    assert api.update(renamed) == Failure(409, "new_name")
    api.ok({**group, "group_action": "rename", "group": "g1", "new_name": "g1 final"})
    api.ok({**group, "group_action": "rename", "group": "G1 FINAL", "new_name": "G1 Final"})
    names = [g.name for g in api.cur.get_selection(PROJECT, sid).data.groups]
    assert names == ["G1 Final", "Other"]


group_names = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(names=st.lists(group_names, min_size=1, max_size=6))
def test_group_uniqueness_is_casefolded(cur: Curata, names: list[str]) -> None:
    """Whatever the names, a group is refused exactly when one that casefolds the same
    exists, and the stored name keeps its case."""
    sid = new_selection(cur, name="groups")
    try:
        kept: dict[str, str] = {}
        for name in names:
            body = {"project_id": PROJECT, "selection_id": sid, "action": "group"}
            try:
                cur.update_selection({**body, "group_action": "create", "group": name})
            except CurataError as exc:
                assert exc.http_status == 409 and exc.field == "group"
                assert name.strip().casefold() in kept
            else:
                assert name.strip().casefold() not in kept
                kept[name.strip().casefold()] = name.strip()
        shown = [g.name for g in cur.get_selection(PROJECT, sid).data.groups]
        assert shown == list(kept.values())
    finally:
        cur.update_selection(
            {
                "project_id": PROJECT,
                "selection_id": sid,
                "action": "set_status",
                "status": "archived",
            }
        )


# --- constraints -----------------------------------------------------------------------


def test_max_items_is_enforced(api: Api, lib: Library) -> None:
    sid = new_selection(api.cur, constraints={"max_items": 2})
    add = {"selection_id": sid, "action": "add_items"}
    api.ok({**add, "items": items(lib.images[0])})
    over = api.update({**add, "items": items(lib.images[1], lib.images[2])})
    assert over == Failure(409, "constraints.max_items")
    assert api.cur.get_selection(PROJECT, sid).data.item_count == 1
    api.ok({**add, "items": items(lib.images[1])})
    assert api.update({**add, "items": items(lib.images[2])}) == Failure(
        409, "constraints.max_items"
    )
    lower = {"selection_id": sid, "action": "update", "constraints": {"max_items": 1}}
    assert api.update(lower) == Failure(409, "constraints.max_items")
    assert api.cur.get_selection(PROJECT, sid).data.constraints == {"max_items": 2}


def test_media_types_and_min_rating_are_enforced(api: Api, lib: Library) -> None:
    sid = new_selection(api.cur, constraints={"media_types": ["video"]})
    add = {"selection_id": sid, "action": "add_items"}
    assert api.update({**add, "items": items(lib.images[0])}) == Failure(
        409, "constraints.media_types"
    )
    rated = new_selection(api.cur, name="rated", constraints={"min_rating": 4})
    api.cur.rate_assets({"assets": [str(lib.images[0])], "rating": 5})
    api.cur.rate_assets({"assets": [str(lib.images[1])], "rating": 3})
    add = {"selection_id": rated, "action": "add_items"}
    for unfit in (lib.images[1], lib.images[2]):  # rated 3, unrated
        assert api.update({**add, "items": items(unfit)}) == Failure(409, "constraints.min_rating")
    api.ok({**add, "items": items(lib.images[0])})
    assert api.cur.get_selection(PROJECT, rated).data.item_count == 1


@pytest.mark.parametrize(
    "constraints",
    [{"max_itmes": 3}, {"max_items": 0}, {"media_types": ["hologram"]}, {"min_rating": 9}],
)
def test_unknown_or_bad_constraints_are_refused(
    api: Api, constraints: dict[str, Any], lib: Library
) -> None:
    sid = new_selection(api.cur)
    body = {"selection_id": sid, "action": "update", "constraints": constraints}
    failure = api.update(body)
    assert isinstance(failure, Failure) and failure.status == 422
    assert failure.field is not None and failure.field.startswith("constraints.")


# --- item paths ------------------------------------------------------------------------


def test_file_path_must_be_a_location_of_the_asset(api: Api, lib: Library) -> None:
    sid = new_selection(api.cur)
    add = {"selection_id": sid, "action": "add_items"}
    digest = lib.hash_of(api.cur, lib.images[0])
    wrong = [{"asset_hash": digest, "file_path": "/path/to/image.jpg"}]
    assert api.update({**add, "items": wrong}) == Failure(422, "items.0.file_path")
    other = [{"asset_hash": digest, "file_path": str(lib.images[1])}]  # another asset's file
    assert api.update({**add, "items": other}) == Failure(422, "items.0.file_path")
    spelled = str(lib.images[0].parent / ".." / lib.images[0].parent.name / lib.images[0].name)
    api.ok({**add, "items": [{"asset_hash": digest, "file_path": spelled}]})
    (item,) = api.cur.get_selection(PROJECT, sid).data.items
    assert item.file_path == str(lib.images[0])
    change = {"selection_id": sid, "action": "update_items"}
    moved = [{"asset_hash": digest, "file_path": "/elsewhere.png"}]
    assert api.update({**change, "items": moved}) == Failure(422, "items.0.file_path")


# --- history ---------------------------------------------------------------------------


def test_add_items_history_keeps_the_values(api: Api, lib: Library) -> None:
    sid = new_selection(api.cur)
    added = items(lib.images[0], role="hero", group="Leads", selection_reason="bold")
    added += items(lib.images[1], usage_notes="banner", quality_notes="sharp", tags=["night"])
    api.ok({"selection_id": sid, "action": "add_items", "items": added, "create_groups": True})
    (entry,) = api.cur.selection_history(PROJECT, sid, action="add_items").data
    first, second = (lib.hash_of(api.cur, p) for p in lib.images[:2])
    assert entry.before is None
    assert entry.after == {
        first: {
            "role": "hero",
            "group": "Leads",
            "selection_reason": "bold",
            "file_path": str(lib.images[0]),
        },
        second: {
            "usage_notes": "banner",
            "quality_notes": "sharp",
            "tags": ["night"],
            "file_path": str(lib.images[1]),
        },
    }
    api.ok({"selection_id": sid, "action": "remove_items", "asset_hashes": [first]})
    (removed,) = api.cur.selection_history(PROJECT, sid, action="remove_items").data
    assert removed.before[first] == entry.after[first]  # what was added is what was removed


# --- the request contract ----------------------------------------------------------------


def test_a_field_that_does_not_apply_is_named(api: Api, lib: Library) -> None:
    sid = new_selection(api.cur)
    body = {"selection_id": sid, "action": "reorder", "asset_hashes": ["ab" * 32]}
    assert api.update({**body, "status": "active"}) == Failure(422, "status")
    group = {"selection_id": sid, "action": "group", "group_action": "delete", "group": "x"}
    assert api.update({**group, "new_name": "y"}) == Failure(422, "new_name")


@pytest.mark.parametrize("body", [b"{not json", b"", b"[1,", b'"unterminated'])
def test_a_body_that_is_not_json_names_the_body(api: Api, body: bytes) -> None:
    if api.http is None:
        pytest.skip("only HTTP has a body")
    response = api.http.patch(
        "/selections", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "body"


def _reference_number(text: str) -> bool:
    """The grammar read character by character: sign? digits* (. digits*)? with at least
    one digit, then (e|E sign? digits+)? -- ASCII only."""
    digits = "0123456789"
    i = 1 if text[:1] in ("+", "-") else 0
    start = i
    while i < len(text) and text[i] in digits:
        i += 1
    whole = i - start
    frac = 0
    if i < len(text) and text[i] == ".":
        i += 1
        f = i
        while i < len(text) and text[i] in digits:
            i += 1
        frac = i - f
    if whole + frac == 0:
        return False
    if i < len(text) and text[i] in "eE":
        i += 1
        if i < len(text) and text[i] in "+-":
            i += 1
        e = i
        while i < len(text) and text[i] in digits:
            i += 1
        if i == e:
            return False
    return i == len(text)


number_like = st.one_of(
    st.text(st.sampled_from("0123456789+-.eE_ ٣١"), max_size=10),
    st.from_regex(r"[+-]?[0-9]{0,4}(\.[0-9]{0,3})?([eE][+-]?[0-9]{1,3})?", fullmatch=True),
    st.text(max_size=8),
)


@given(number_like)
def test_number_grammar_matches_the_reference(text: str) -> None:
    value = parse_number(text)
    if _reference_number(text) and abs(float(text)) != float("inf"):
        assert value == float(text)
    else:
        assert value is None


def test_tag_ranges_read_only_plain_numbers(cur: Curata, lib: Library) -> None:
    for path, value in zip(lib.images[:4], ["1000", "1_000", "\u0663", "1e3"], strict=True):
        cur.tag_assets({"assets": [str(path)], "tags": [f"count:{value}"]})
    wide = {"tag_ranges": {"count": {"min": 0, "max": 5000}}}
    found = cur.search_assets({"filters": wide, "limit": 100}).data.results
    assert sorted(a.file_path for a in found) == [str(lib.images[0]), str(lib.images[3])]


# --- manifests ---------------------------------------------------------------------------


def test_manifest_records_the_state_after_the_export(
    api: Api, lib: Library, tmp_path: Path
) -> None:
    sid = new_selection(api.cur)
    api.ok({"selection_id": sid, "action": "add_items", "items": items(lib.images[0])})
    target = tmp_path / "out"
    body = {"project_id": PROJECT, "selection_id": sid, "export_path": str(target)}
    body["actor"] = "carol"
    if api.http is None:
        api.cur.export_selection(body)
    else:
        assert api.http.post("/selections/export", json=body).status_code == 200
    manifest = json.loads((target / "manifest.json").read_text())
    sel = api.cur.get_selection(PROJECT, sid).data
    assert sel.status.value == "exported"
    assert manifest["selection"]["status"] == "exported"
    assert manifest["exported_by"] == "carol" == sel.exports[0].actor
    exported_at = datetime.fromisoformat(manifest["exported_at"])
    assert datetime.fromisoformat(manifest["selection"]["updated_at"]) == exported_at
    assert exported_at == sel.exports[0].at

"""Selections over a real catalog: every update action, its errors and its history."""

from __future__ import annotations

import getpass

import pytest

from curata import Curata
from curata.errors import Conflict, InvalidRequest, NotFound
from curata.models import SelectionCreateRequest, SelectionPurpose, SelectionUpdateRequest
from tests.selections.conftest import PROJECT, Library, add, new_selection


def update(cur: Curata, sid: str, action: str, **fields: object):  # type: ignore[no-untyped-def]
    return cur.update_selection(
        {"project_id": PROJECT, "selection_id": sid, "action": action, **fields}
    ).data


def test_create_with_spec_request_model(cur: Curata) -> None:
    request = SelectionCreateRequest(
        project_id=PROJECT,
        name="Hero Images Q4 2024",
        purpose=SelectionPurpose.PRESENTATION,
        description="Top images for Q4 marketing campaign",
        criteria={"quality": "high", "style": "modern", "mood": "energetic"},
        tags=["marketing", "Q4-2024", "hero"],
    )
    sel = cur.create_selection(request).data
    assert sel.id == "hero-images-q4-2024"
    assert sel.status.value == "draft" and sel.purpose is SelectionPurpose.PRESENTATION
    assert sel.tags == ["marketing", "q4-2024", "hero"]
    assert sel.created_by == getpass.getuser()
    again = cur.create_selection(request).data
    assert again.id == "hero-images-q4-2024-2"
    listed = cur.list_selections(PROJECT, purpose="presentation").data
    assert [s.id for s in listed] == [sel.id, again.id]
    history = cur.selection_history(PROJECT, sel.id).data
    assert [h.action for h in history] == ["create"]
    assert history[0].after["criteria"] == {
        "quality": "high",
        "style": "modern",
        "mood": "energetic",
    }


def test_unknown_project_or_selection_is_not_found(cur: Curata) -> None:
    with pytest.raises(NotFound) as exc:
        cur.create_selection({"project_id": "nope", "name": "x"})
    assert exc.value.field == "project_id"
    with pytest.raises(NotFound) as exc:
        cur.get_selection(PROJECT, "nope")
    assert exc.value.field == "selection_id"
    sid = new_selection(cur)
    cur.create_project({"name": "Other"})
    with pytest.raises(NotFound):
        cur.get_selection("other", sid)


def test_add_items_with_spec_fields(cur: Curata, lib: Library) -> None:
    sid = new_selection(cur)
    digest = lib.hash_of(cur, lib.images[0])
    cur.update_selection(
        SelectionUpdateRequest(
            project_id=PROJECT,
            selection_id=sid,
            action="add_items",
            items=[
                {
                    "asset_hash": digest,
                    "file_path": str(lib.images[0]),
                    "selection_reason": "Perfect hero image energy",
                    "quality_notes": "Sharp, vibrant colors",
                    "usage_notes": "Homepage banner",
                    "tags": ["hero", "primary"],
                    "role": "Primary",
                    "custom_metadata": {"crop": "16:9"},
                },
                {"asset_hash": str(lib.images[1]), "role": "mood board", "group": "extras"},
                {"asset_hash": lib.hash_of(cur, lib.images[2])[:10]},
            ],
            notes="Initial hero image selection",
            actor="alice",
            create_groups=True,
        )
    )
    sel = cur.get_selection(PROJECT, sid).data
    first, second, third = sel.items
    assert (first.asset_hash, first.role, first.position) == (digest, "primary", 0)
    assert first.selection_reason == "Perfect hero image energy"
    assert first.usage_notes == "Homepage banner" and first.quality_notes == "Sharp, vibrant colors"
    assert first.tags == ["hero", "primary"] and first.custom_metadata == {"crop": "16:9"}
    assert first.added_by == "alice" and first.added_at.tzinfo is not None
    assert second.role == "mood board" and second.group == "extras"
    assert second.file_path == str(lib.images[1])
    assert third.position == 2 and third.file_path == str(lib.images[2])
    assert [g.name for g in sel.groups] == ["extras"] and sel.groups[0].item_count == 1
    (entry,) = cur.selection_history(PROJECT, sid, action="add_items").data
    assert entry.actor == "alice" and entry.notes == "Initial hero image selection"
    assert entry.asset_hashes == [i.asset_hash for i in sel.items]


def test_a_failing_batch_changes_nothing(cur: Curata, lib: Library) -> None:
    sid = new_selection(cur)
    add(cur, sid, lib.images[0])
    before = cur.selection_history(PROJECT, sid).data
    with pytest.raises(Conflict) as exc:
        add(cur, sid, lib.images[1], lib.images[0], group="new-group", create_groups=True)
    assert exc.value.field == "items.1.asset_hash"
    with pytest.raises(NotFound) as exc:
        add(cur, sid, lib.images[1], "f" * 64)
    assert exc.value.field == "items.1.asset_hash"
    with pytest.raises(InvalidRequest) as exc:
        add(cur, sid, lib.images[1], lib.hash_of(cur, lib.images[1]))
    assert exc.value.field == "items.1.asset_hash"
    sel = cur.get_selection(PROJECT, sid).data
    assert sel.item_count == 1 and sel.groups == []
    assert cur.selection_history(PROJECT, sid).data == before


def test_skip_existing_adds_only_new_assets(cur: Curata, lib: Library) -> None:
    sid = new_selection(cur)
    add(cur, sid, lib.images[0])
    change = update(
        cur,
        sid,
        "add_items",
        items=[{"asset_hash": str(p)} for p in lib.images[:3]],
        skip_existing=True,
    )
    assert change.history.asset_hashes == [lib.hash_of(cur, p) for p in lib.images[1:3]]
    assert change.selection.item_count == 3


def test_remove_items_keeps_their_values_in_history(cur: Curata, lib: Library) -> None:
    sid = new_selection(cur)
    add(cur, sid, *lib.images[:3], selection_reason="why not")
    gone = lib.hash_of(cur, lib.images[1])
    with pytest.raises(NotFound) as exc:
        update(cur, sid, "remove_items", asset_hashes=[gone, str(lib.images[5])])
    assert exc.value.field == "asset_hashes.1"
    change = update(cur, sid, "remove_items", asset_hashes=[gone], notes="weak")
    assert change.history.before[gone]["selection_reason"] == "why not"
    items = cur.get_selection(PROJECT, sid).data.items
    assert [i.asset_hash for i in items] == [lib.hash_of(cur, lib.images[i]) for i in (0, 2)]


def test_update_items_changes_only_given_fields(cur: Curata, lib: Library) -> None:
    sid = new_selection(cur)
    add(cur, sid, lib.images[0], role="hero", usage_notes="banner", tags=["a"])
    digest = lib.hash_of(cur, lib.images[0])
    change = update(
        cur,
        sid,
        "update_items",
        items=[{"asset_hash": digest, "role": "alternate", "usage_notes": None, "group": "b"}],
        create_groups=True,
    )
    assert change.history.before == {
        digest: {"role": "hero", "usage_notes": "banner", "group": None}
    }
    assert change.history.after == {
        digest: {"role": "alternate", "usage_notes": None, "group": "b"}
    }
    (item,) = cur.get_selection(PROJECT, sid).data.items
    assert (item.role, item.usage_notes, item.group, item.tags) == ("alternate", None, "b", ["a"])
    with pytest.raises(NotFound):
        update(cur, sid, "update_items", items=[{"asset_hash": str(lib.images[3]), "role": "x"}])


def test_status_transitions_are_enforced(cur: Curata) -> None:
    sid = new_selection(cur)
    with pytest.raises(InvalidRequest) as exc:
        update(cur, sid, "set_status", status="exported")
    assert exc.value.field == "status"
    with pytest.raises(InvalidRequest):
        update(cur, sid, "set_status", status="draft")
    change = update(cur, sid, "set_status", status="active")
    assert change.history.before == {"status": "draft"} and change.history.after == {
        "status": "active"
    }
    update(cur, sid, "set_status", status="archived")
    with pytest.raises(Conflict) as exc:
        update(cur, sid, "update", name="renamed")
    assert "archived" in exc.value.message
    with pytest.raises(InvalidRequest):
        update(cur, sid, "set_status", status="draft")
    update(cur, sid, "set_status", status="active")
    assert cur.get_selection(PROJECT, sid).data.status.value == "active"


def test_groups_create_rename_move_delete(cur: Curata, lib: Library) -> None:
    sid = new_selection(cur)
    add(cur, sid, *lib.images[:4])
    hashes = [lib.hash_of(cur, p) for p in lib.images[:4]]
    update(cur, sid, "group", group_action="create", group="Heroes", group_description="top")
    with pytest.raises(Conflict):
        update(cur, sid, "group", group_action="create", group="Heroes")
    moved = update(cur, sid, "group", group_action="move", group="Heroes", asset_hashes=hashes[:2])
    assert moved.history.before == {hashes[0]: None, hashes[1]: None}
    update(
        cur,
        sid,
        "group",
        group_action="move",
        group="Backups",
        asset_hashes=hashes[2:3],
        create_groups=True,
    )
    update(cur, sid, "group", group_action="rename", group="Heroes", new_name="Leads")
    with pytest.raises(Conflict) as exc:
        update(cur, sid, "group", group_action="rename", group="Leads", new_name="Backups")
    assert exc.value.field == "new_name"
    sel = cur.get_selection(PROJECT, sid).data
    assert [(g.name, g.item_count) for g in sel.groups] == [("Leads", 2), ("Backups", 1)]
    assert [i.group for i in sel.items] == ["Leads", "Leads", "Backups", None]
    deleted = update(cur, sid, "group", group_action="delete", group="Leads")
    assert sorted(deleted.history.asset_hashes) == sorted(hashes[:2])
    sel = cur.get_selection(PROJECT, sid).data
    assert [i.group for i in sel.items] == [None, None, "Backups", None]
    update(cur, sid, "group", group_action="move", asset_hashes=hashes[2:3])
    assert cur.get_selection(PROJECT, sid).data.items[2].group is None
    with pytest.raises(NotFound):
        update(cur, sid, "group", group_action="delete", group="Leads")


def test_reorder_moves_listed_items_first(cur: Curata, lib: Library) -> None:
    sid = new_selection(cur)
    add(cur, sid, *lib.images[:5])
    hashes = [lib.hash_of(cur, p) for p in lib.images[:5]]
    change = update(cur, sid, "reorder", asset_hashes=[hashes[3], hashes[1]])
    order = [i.asset_hash for i in cur.get_selection(PROJECT, sid).data.items]
    assert order == [hashes[3], hashes[1], hashes[0], hashes[2], hashes[4]]
    assert change.history.before == {hashes[3]: 3, hashes[0]: 0, hashes[2]: 2}
    assert change.history.after == {hashes[3]: 0, hashes[0]: 2, hashes[2]: 3}
    assert [i.position for i in cur.get_selection(PROJECT, sid).data.items] == [0, 1, 2, 3, 4]
    with pytest.raises(InvalidRequest):
        update(cur, sid, "reorder", asset_hashes=[hashes[0], hashes[0]])
    assert cur.selection_stats(PROJECT, sid).data.sequence_present


def test_update_records_before_and_after(cur: Curata) -> None:
    sid = new_selection(cur, description="old", criteria={"mood": "calm"})
    change = update(
        cur, sid, "update", name="Minimalist", criteria={"mood": "bold"}, purpose="portfolio"
    )
    assert change.history.before == {
        "name": "Hero Images Q4 2024",
        "criteria": {"mood": "calm"},
        "purpose": "curation",
    }
    assert change.history.after == {
        "name": "Minimalist",
        "criteria": {"mood": "bold"},
        "purpose": "portfolio",
    }
    sel = cur.get_selection(PROJECT, sid).data
    assert (sel.name, sel.description, sel.purpose.value) == ("Minimalist", "old", "portfolio")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"action": "add_items"}, None),
        ({"action": "add_items", "items": [{"asset_hash": "x"}], "status": "active"}, None),
        ({"action": "set_status", "status": "finished"}, "status"),
        ({"action": "group", "group_action": "rename", "group": "a"}, None),
        ({"action": "group", "group_action": "move", "group": "a"}, None),
        ({"action": "update"}, None),
        ({"action": "fly"}, "action"),
    ],
)
def test_malformed_updates_are_invalid(
    cur: Curata, fields: dict[str, object], field: str | None
) -> None:
    sid = new_selection(cur)
    with pytest.raises(InvalidRequest) as exc:
        cur.update_selection({"project_id": PROJECT, "selection_id": sid, **fields})
    if field is not None:
        assert exc.value.field == field


def test_shared_across_selections_and_stats(cur: Curata, lib: Library) -> None:
    one = new_selection(cur, name="One")
    two = new_selection(cur, name="Two")
    add(cur, one, *lib.images[:3], role="hero", tags=["Night"])
    add(cur, two, lib.images[0], role="alternate", group="spare", create_groups=True)
    cur.tag_assets({"assets": [str(lib.images[0])], "tags": ["portrait"]})
    shared = cur.selections_containing(str(lib.images[0])).data
    assert [(m.selection_id, m.role, m.group) for m in shared] == [
        (one, "hero", None),
        (two, "alternate", "spare"),
    ]
    assert cur.selections_containing(str(lib.images[5])).data == []
    stats = cur.selection_stats(PROJECT, one).data
    assert stats.item_count == 3 and stats.group_count == 0 and stats.ungrouped_count == 3
    assert [(c.name, c.count) for c in stats.role_distribution] == [("hero", 3)]
    assert [(c.name, c.count) for c in stats.top_tags] == [("night", 3), ("portrait", 1)]
    assert stats.total_bytes == sum(p.stat().st_size for p in lib.images[:3])
    assert not stats.sequence_present and stats.export_count == 0 and stats.history_count == 2

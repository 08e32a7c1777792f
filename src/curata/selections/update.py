"""``update_selection``: one action per request, in one transaction, with its history record.

Each handler checks everything before it writes; any error rolls the whole
transaction back, so a failing request changes nothing (all items of a batch or none).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from curata.catalog import Catalog
from curata.catalog import selection_history as history_store
from curata.catalog import selections as store
from curata.errors import Conflict, InvalidRequest, NotFound
from curata.models.paths import display
from curata.models.selections import (
    SELECTION_FIELDS,
    GroupAction,
    ItemFields,
    SelectionAction,
    SelectionChange,
    SelectionConstraints,
    SelectionItemInput,
    SelectionSummary,
    SelectionUpdateRequest,
    group_key,
)
from curata.selections.actors import actor_or_default, utcnow
from curata.selections.from_search import searched_asset_ids
from curata.selections.refs import (
    FieldName,
    matching_location,
    reject_members,
    reject_repeats,
    require_members,
    resolve_refs,
)
from curata.selections.rules import (
    check_constraints,
    check_editable,
    check_transition,
)


@dataclass
class Edit:
    """What a handler changed, for the history record."""

    asset_hashes: list[str] = field(default_factory=list)
    before: Any = None
    after: Any = None


@dataclass
class Context:
    conn: Connection
    req: SelectionUpdateRequest
    selection: SelectionSummary
    actor: str
    now: datetime
    groups: dict[str, int] = field(default_factory=dict)
    searched: list[int] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.selection.key

    def hashes(self, asset_ids: Sequence[int]) -> list[str]:
        found = store.hashes_by_id(self.conn, asset_ids)
        return [found[a] for a in asset_ids]

    def group_for(self, name: str | None, field_name: str = "group") -> int | None:
        """The id of the named group (case-insensitive); a missing one is created when
        the request sets ``create_groups``, else ``NotFound`` naming ``field_name``.
        None for no group."""
        if name is None:
            return None
        key = group_key(name)
        if key not in self.groups:
            found = store.group_id(self.conn, self.key, name)
            if found is None:
                if not self.req.create_groups:
                    raise NotFound(
                        f"no group {name!r} in selection {self.selection.id!r} "
                        "(set create_groups to create it)",
                        field=field_name,
                    )
                found = store.create_group(self.conn, self.key, name)
            self.groups[key] = found
        return self.groups[key]

    def existing_group(self, name: str) -> int:
        found = store.group_id(self.conn, self.key, name)
        if found is None:
            raise NotFound(f"no group {name!r} in selection {self.selection.id!r}", field="group")
        return found

    def location_for(self, asset_id: int, given: str | None, field_name: str) -> str | None:
        """The item's ``file_path``: ``given`` when it is one of the asset's cataloged
        locations (compared as resolved real paths), else ``InvalidRequest``; without
        one, the asset's best location (present ones first)."""
        known = store.locations_of(self.conn, [asset_id])[asset_id]
        if given is None:
            return known[0] if known else None
        match = matching_location(given, known)
        if match is None:
            raise InvalidRequest(
                f"{display(given)!r} is not a location of the asset "
                f"(its locations: {', '.join(display(k) for k in known[:5]) or 'none'})",
                field=field_name,
            )
        return match


def _item_field(index: int) -> str:
    return f"items.{index}.asset_hash"


def _hash_field(index: int) -> str:
    return f"asset_hashes.{index}"


def _add_items(ctx: Context) -> Edit:
    items = ctx.req.items or []
    ids = resolve_refs(ctx.conn, [i.asset_hash for i in items], _item_field)
    reject_repeats(ids, _item_field)
    listed = set(ids)
    defaults = ctx.req.item_defaults or ItemFields()
    search_field = "saved_search" if ctx.req.saved_search is not None else "from_search"
    pairs: list[tuple[int, ItemFields]] = list(zip(ids, items, strict=True))
    pairs += [(a, defaults) for a in ctx.searched if a not in listed]
    names = [_item_field(i) for i in range(len(items))] + [search_field] * (len(pairs) - len(items))
    item_names = dict(zip([a for a, _ in pairs], names, strict=True))
    if ctx.req.skip_existing:
        present = store.present_asset_ids(ctx.conn, ctx.key, [a for a, _ in pairs])
        pairs = [(a, i) for a, i in pairs if a not in present]
    else:
        reject_members(ctx.conn, ctx.key, [a for a, _ in pairs], names.__getitem__)
    new_ids = [a for a, _ in pairs]
    count = store.item_count(ctx.conn, ctx.key)
    _check_constraints(ctx, ctx.selection.constraints, count, new_ids, item_names.__getitem__)
    paths = {a: locs[0] for a, locs in store.locations_of(ctx.conn, new_ids).items() if locs}
    start = store.next_position(ctx.conn, ctx.key)
    rows = []
    after: dict[str, dict[str, Any]] = {}
    hashes = ctx.hashes(new_ids)
    for offset, (digest, (asset_id, item)) in enumerate(zip(hashes, pairs, strict=True)):
        where = item_names[asset_id]
        prefix = where.removesuffix(".asset_hash") if where.startswith("items.") else None
        if item.file_path is not None:
            file_path = ctx.location_for(asset_id, item.file_path, f"{prefix or where}.file_path")
        else:
            file_path = paths.get(asset_id)
        values = {name: getattr(item, name) for name in store.ITEM_FIELDS}
        values["file_path"] = file_path
        group_field = f"{prefix}.group" if prefix else "item_defaults.group"
        rows.append(
            {
                "selection_id": ctx.key,
                "asset_id": asset_id,
                **values,
                "group_id": ctx.group_for(item.group, group_field),
                "position": start + offset,
                "added_at": ctx.now,
                "added_by": ctx.actor,
            }
        )
        after[digest] = _jsonable({**values, "group": item.group})
    store.insert_items(ctx.conn, rows)
    return Edit(asset_hashes=hashes, after=after)


def _check_constraints(
    ctx: Context, constraints: dict[str, Any], count: int, new_ids: Sequence[int], where: FieldName
) -> None:
    """``Conflict`` naming the constraint (``constraints.max_items``...) the selection
    would break with ``count`` items and ``new_ids`` added."""
    if not constraints:
        return
    facts = store.asset_facts(ctx.conn, new_ids)
    problem = check_constraints(constraints, count, [facts[a] for a in new_ids])
    if problem is not None:
        name, index, reason = problem
        item = f" ({where(new_ids[index])})" if index is not None else ""
        raise Conflict(
            f"constraint {name} of selection {ctx.selection.id!r}: {reason}{item}",
            field=f"constraints.{name}",
        )


def _member_ids(ctx: Context, refs: Sequence[str], field_name: Callable[[int], str]) -> list[int]:
    ids = resolve_refs(ctx.conn, refs, field_name)
    reject_repeats(ids, field_name)
    require_members(ctx.conn, ctx.key, ids, field_name)
    return ids


def _remove_items(ctx: Context) -> Edit:
    ids = _member_ids(ctx, ctx.req.asset_hashes or [], _hash_field)
    hashes = ctx.hashes(ids)
    before = {
        h: _jsonable(store.item_values(ctx.conn, ctx.key, a))
        for h, a in zip(hashes, ids, strict=True)
    }
    store.delete_items(ctx.conn, ctx.key, ids)
    return Edit(asset_hashes=hashes, before=before)


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v not in (None, [], {})}


def _update_items(ctx: Context) -> Edit:
    items = ctx.req.items or []
    ids = _member_ids(ctx, [i.asset_hash for i in items], _item_field)
    hashes = ctx.hashes(ids)
    before: dict[str, dict[str, Any]] = {}
    after: dict[str, dict[str, Any]] = {}
    for index, (digest, asset_id, item) in enumerate(zip(hashes, ids, items, strict=True)):
        changes = _item_changes(ctx, asset_id, item, f"items.{index}")
        if changes:
            before[digest] = {k: v[0] for k, v in changes.items()}
            after[digest] = {k: v[1] for k, v in changes.items()}
    return Edit(asset_hashes=hashes, before=before, after=after)


def _item_changes(
    ctx: Context, asset_id: int, item: SelectionItemInput, where: str
) -> dict[str, tuple[Any, Any]]:
    """Apply the fields ``item`` sets; returns ``{field: (before, after)}`` of real changes."""
    current = store.item_values(ctx.conn, ctx.key, asset_id)
    if "file_path" in item.model_fields_set:
        item = item.model_copy(
            update={"file_path": ctx.location_for(asset_id, item.file_path, f"{where}.file_path")}
        )
    wanted = {
        name: getattr(item, name)
        for name in item.model_fields_set - {"asset_hash"}
        if current.get(name) != getattr(item, name)
    }
    values = {k: v for k, v in wanted.items() if k != "group"}
    if "group" in wanted:
        values["group_id"] = ctx.group_for(wanted["group"], f"{where}.group")
    if values:
        store.update_item(ctx.conn, ctx.key, asset_id, values)
    return {name: (current.get(name), value) for name, value in wanted.items()}


def _set_status(ctx: Context) -> Edit:
    target = ctx.req.status
    assert target is not None
    check_transition(ctx.selection.status, target)
    store.update_selection_row(ctx.conn, ctx.key, {"status": target}, ctx.now)
    return Edit(before={"status": ctx.selection.status.value}, after={"status": target.value})


def _group(ctx: Context) -> Edit:
    req = ctx.req
    name = req.group
    if req.group_action is GroupAction.CREATE:
        assert name is not None
        if store.group_id(ctx.conn, ctx.key, name) is not None:
            raise Conflict(
                f"group {name!r} exists in selection {ctx.selection.id!r}", field="group"
            )
        store.create_group(ctx.conn, ctx.key, name, req.group_description)
        return Edit(after={"group": name, "description": req.group_description})
    if req.group_action is GroupAction.RENAME:
        assert req.new_name is not None
        assert name is not None
        gid = ctx.existing_group(name)
        if store.group_id(ctx.conn, ctx.key, req.new_name) not in (None, gid):
            raise Conflict(
                f"group {req.new_name!r} exists in selection {ctx.selection.id!r}", field="new_name"
            )
        store.rename_group(ctx.conn, gid, req.new_name)
        return Edit(before={"group": name}, after={"group": req.new_name})
    if req.group_action is GroupAction.DELETE:
        assert name is not None
        members = store.delete_group(ctx.conn, ctx.key, ctx.existing_group(name))
        return Edit(asset_hashes=ctx.hashes(members), before={"group": name}, after=None)
    ids = _member_ids(ctx, req.asset_hashes or [], _hash_field)
    hashes = ctx.hashes(ids)
    before = {
        h: store.item_values(ctx.conn, ctx.key, a)["group"]
        for h, a in zip(hashes, ids, strict=True)
    }
    store.set_group_of(ctx.conn, ctx.key, ids, ctx.group_for(name))
    return Edit(asset_hashes=hashes, before=before, after={"group": name})


def _reorder(ctx: Context) -> Edit:
    ids = _member_ids(ctx, ctx.req.asset_hashes or [], _hash_field)
    old = store.ordered_asset_ids(ctx.conn, ctx.key)
    listed = set(ids)
    new = ids + [a for a in old if a not in listed]
    old_pos = {a: p for p, a in enumerate(old)}
    moved = [a for p, a in enumerate(new) if old_pos[a] != p]
    store.set_positions(ctx.conn, ctx.key, new)
    names = store.hashes_by_id(ctx.conn, moved)
    new_pos = {a: p for p, a in enumerate(new)}
    return Edit(
        asset_hashes=ctx.hashes(ids),
        before={names[a]: old_pos[a] for a in moved},
        after={names[a]: new_pos[a] for a in moved},
    )


def _update(ctx: Context) -> Edit:
    current = ctx.selection.model_dump(mode="json")
    given = {name: getattr(ctx.req, name) for name in SELECTION_FIELDS}
    given = {k: v for k, v in given.items() if k in ctx.req.model_fields_set}
    if "name" in given and given["name"] is not None:
        given["name"] = given["name"].strip()
    for required in ("name", "purpose"):
        if required in given and given[required] is None:
            given.pop(required)
    if isinstance(given.get("constraints"), SelectionConstraints):
        given["constraints"] = given["constraints"].stored()
        items = store.ordered_asset_ids(ctx.conn, ctx.key)
        _check_constraints(ctx, given["constraints"], 0, items, _existing_item(ctx, items))
    elif "constraints" in given:  # null clears them
        given["constraints"] = {}
    if given.get("budget") is not None:
        given["budget"] = given["budget"].model_dump()
    store.update_selection_row(ctx.conn, ctx.key, given, ctx.now)
    after = {k: (v.value if hasattr(v, "value") else v) for k, v in given.items()}
    return Edit(before={k: current[k] for k in after}, after=after)


def _existing_item(ctx: Context, asset_ids: Sequence[int]) -> FieldName:
    hashes = dict(zip(asset_ids, ctx.hashes(asset_ids), strict=True))
    return lambda asset_id: f"item {hashes[asset_id][:12]}"


HANDLERS: dict[SelectionAction, Callable[[Context], Edit]] = {
    SelectionAction.ADD_ITEMS: _add_items,
    SelectionAction.REMOVE_ITEMS: _remove_items,
    SelectionAction.UPDATE_ITEMS: _update_items,
    SelectionAction.SET_STATUS: _set_status,
    SelectionAction.GROUP: _group,
    SelectionAction.REORDER: _reorder,
    SelectionAction.UPDATE: _update,
}


def update_selection(catalog: Catalog, req: SelectionUpdateRequest) -> SelectionChange:
    actor = actor_or_default(req.actor)
    searched = (
        searched_asset_ids(catalog, req)
        if req.from_search is not None or req.saved_search is not None
        else []
    )
    now = utcnow()
    with catalog.write() as conn:
        selection = store.get_selection(conn, req.project_id, req.selection_id, lock=True)
        if req.action is not SelectionAction.SET_STATUS:
            check_editable(selection.status)
        context = Context(conn, req, selection, actor, now, searched=searched)
        edit = HANDLERS[req.action](context)
        if req.action is not SelectionAction.SET_STATUS:
            store.update_selection_row(conn, selection.key, {}, now)
        entry = history_store.append(
            conn,
            selection.key,
            at=now,
            actor=actor,
            action=req.action.value,
            asset_hashes=edit.asset_hashes,
            notes=req.notes,
            before=edit.before,
            after=edit.after,
        )
        return SelectionChange(
            history=entry, selection=store.get_selection(conn, req.project_id, req.selection_id)
        )

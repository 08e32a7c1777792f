"""Selections, their items and groups: rows in, models out.

Every function takes a connection; the selections service composes them inside one
transaction (``Catalog.write()``), so a request changes all it names or nothing.

A selection is addressed by its project and id (``get_selection``); every other
function takes the row's key (``SelectionSummary.key``), which items, groups, history
and exports refer to: ids repeat across projects, keys do not.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, overload

from sqlalchemy import Connection, delete, func, insert, select, update

from curata.catalog.codec import json_from_db, json_to_db, path_from_db, path_to_db
from curata.catalog.schema import (
    assets,
    locations,
    selection_groups,
    selection_items,
    selections,
)
from curata.catalog.sqlutil import prefix_range
from curata.errors import NotFound
from curata.models.projects import DEFAULT_CURRENCY, Budget
from curata.models.selections import (
    SelectionGroup,
    SelectionItem,
    SelectionMembership,
    SelectionPurpose,
    SelectionStatus,
    SelectionSummary,
    group_key,
)

CHUNK = 900
ITEM_FIELDS = (
    "file_path",
    "selection_reason",
    "quality_notes",
    "usage_notes",
    "tags",
    "role",
    "custom_metadata",
)


@overload
def aware(value: datetime) -> datetime: ...
@overload
def aware(value: None) -> None: ...
def aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything the catalog stores is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


# --- selections ------------------------------------------------------------------------


def selection_exists(conn: Connection, project_id: str, selection_id: str) -> bool:
    """Whether the project has a selection with this id."""
    query = select(selections.c.id).where(
        selections.c.project_id == project_id, selections.c.slug == selection_id
    )
    return conn.execute(query).first() is not None


def new_key(conn: Connection, selection_id: str) -> str:
    """The row key of a new selection: its id when no selection of any project has that
    key, else a random one (ids are unique per project, keys across the catalog)."""
    taken = conn.execute(select(selections.c.id).where(selections.c.id == selection_id)).first()
    return selection_id if taken is None else uuid.uuid4().hex


def insert_selection(conn: Connection, values: Mapping[str, Any]) -> None:
    conn.execute(insert(selections).values(**values))


def _summary(row: Any, item_count: int) -> SelectionSummary:
    budget = (
        None
        if row.budget_amount is None
        else Budget(amount=row.budget_amount, currency=row.budget_currency or DEFAULT_CURRENCY)
    )
    summary = SelectionSummary(
        id=row.slug,
        project_id=row.project_id,
        name=row.name,
        purpose=SelectionPurpose(row.purpose),
        status=SelectionStatus(row.status),
        description=row.description,
        criteria=row.criteria or {},
        tags=row.tags or [],
        constraints=row.constraints or {},
        created_by=row.created_by,
        created_at=aware(row.created_at),
        updated_at=aware(row.updated_at),
        item_count=item_count,
        budget=budget,
    )
    summary.key = row.id
    return summary


def get_selection(
    conn: Connection, project_id: str, selection_id: str, *, lock: bool = False
) -> SelectionSummary:
    """The project's selection with this id, or ``NotFound``. ``lock`` holds its row
    until the transaction ends (PostgreSQL; SQLite writers are already serialized by
    ``BEGIN IMMEDIATE``)."""
    query = select(selections).where(
        selections.c.project_id == project_id, selections.c.slug == selection_id
    )
    if lock and conn.dialect.name != "sqlite":
        query = query.with_for_update()
    row = conn.execute(query).first()
    if row is None:
        raise NotFound(
            f"no selection {selection_id!r} in project {project_id!r}", field="selection_id"
        )
    return _summary(row, item_count(conn, row.id))


def get_selection_by_key(conn: Connection, key: str, *, lock: bool = False) -> SelectionSummary:
    """The selection whose row key is ``key`` (rows that refer to it hold the key)."""
    query = select(selections).where(selections.c.id == key)
    if lock and conn.dialect.name != "sqlite":
        query = query.with_for_update()
    row = conn.execute(query).first()
    if row is None:
        raise NotFound(f"no selection with key {key!r}", field="selection_id")
    return _summary(row, item_count(conn, key))


def list_selections(
    conn: Connection,
    project_id: str | None = None,
    status: SelectionStatus | None = None,
    purpose: SelectionPurpose | None = None,
) -> list[SelectionSummary]:
    counts = (
        select(selection_items.c.selection_id, func.count().label("n"))
        .group_by(selection_items.c.selection_id)
        .subquery()
    )
    query = (
        select(selections, func.coalesce(counts.c.n, 0).label("item_count"))
        .select_from(selections.outerjoin(counts, counts.c.selection_id == selections.c.id))
        .order_by(selections.c.project_id, selections.c.created_at, selections.c.slug)
    )
    if project_id is not None:
        query = query.where(selections.c.project_id == project_id)
    if status is not None:
        query = query.where(selections.c.status == status.value)
    if purpose is not None:
        query = query.where(selections.c.purpose == purpose.value)
    return [_summary(row, row.item_count) for row in conn.execute(query)]


def row_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """A selection's fields as its row holds them (``budget`` as amount and currency)."""
    out = {k: (v.value if hasattr(v, "value") else v) for k, v in values.items()}
    if "budget" in out:
        budget = out.pop("budget")
        out["budget_amount"] = None if budget is None else budget["amount"]
        out["budget_currency"] = None if budget is None else budget["currency"]
    return out


def update_selection_row(
    conn: Connection, selection_id: str, values: Mapping[str, Any], now: datetime
) -> None:
    conn.execute(
        update(selections)
        .where(selections.c.id == selection_id)
        .values(**row_values(values))
        .values(updated_at=now)
    )


# --- items ------------------------------------------------------------------------------


def item_count(conn: Connection, selection_id: str) -> int:
    return conn.execute(
        select(func.count()).where(selection_items.c.selection_id == selection_id)
    ).scalar_one()


def present_asset_ids(conn: Connection, selection_id: str, asset_ids: Sequence[int]) -> set[int]:
    """Which of ``asset_ids`` are items of the selection."""
    found: set[int] = set()
    for chunk in chunks(list(asset_ids)):
        found.update(
            conn.execute(
                select(selection_items.c.asset_id).where(
                    selection_items.c.selection_id == selection_id,
                    selection_items.c.asset_id.in_(chunk),
                )
            ).scalars()
        )
    return found


def next_position(conn: Connection, selection_id: str) -> int:
    top = conn.execute(
        select(func.max(selection_items.c.position)).where(
            selection_items.c.selection_id == selection_id
        )
    ).scalar_one()
    return 0 if top is None else top + 1


def _stored(values: Mapping[str, Any]) -> dict[str, Any]:
    """Item values as the table holds them: ``file_path`` and ``custom_metadata`` through
    the path codec (file names that are not UTF-8)."""
    out = dict(values)
    if out.get("file_path") is not None:
        out["file_path"] = path_to_db(out["file_path"])
    if "custom_metadata" in out:
        out["custom_metadata"] = json_to_db(out["custom_metadata"])
    return out


def _loaded(name: str, value: Any) -> Any:
    """A stored item value as :func:`_stored` was given it."""
    if name == "file_path" and value is not None:
        return path_from_db(value)
    if name == "custom_metadata":
        return json_from_db(value or {})
    return value


def insert_items(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    for chunk in chunks(list(rows), 500):
        conn.execute(insert(selection_items), [_stored(row) for row in chunk])


def delete_items(conn: Connection, selection_id: str, asset_ids: Sequence[int]) -> None:
    for chunk in chunks(list(asset_ids)):
        conn.execute(
            delete(selection_items).where(
                selection_items.c.selection_id == selection_id,
                selection_items.c.asset_id.in_(chunk),
            )
        )


def update_item(
    conn: Connection, selection_id: str, asset_id: int, values: Mapping[str, Any]
) -> None:
    conn.execute(
        update(selection_items)
        .where(selection_items.c.selection_id == selection_id)
        .where(selection_items.c.asset_id == asset_id)
        .values(**_stored(values))
    )


def set_group_of(
    conn: Connection, selection_id: str, asset_ids: Sequence[int], group_id: int | None
) -> None:
    for chunk in chunks(list(asset_ids)):
        conn.execute(
            update(selection_items)
            .where(
                selection_items.c.selection_id == selection_id,
                selection_items.c.asset_id.in_(chunk),
            )
            .values(group_id=group_id)
        )


def ordered_asset_ids(conn: Connection, selection_id: str) -> list[int]:
    """The selection's assets in sequence order."""
    return list(
        conn.execute(
            select(selection_items.c.asset_id)
            .where(selection_items.c.selection_id == selection_id)
            .order_by(selection_items.c.position, selection_items.c.id)
        ).scalars()
    )


def set_positions(conn: Connection, selection_id: str, order: Sequence[int]) -> None:
    """Give the assets of ``order`` the positions 0, 1, 2, ... (only changed rows written)."""
    current = dict(
        conn.execute(
            select(selection_items.c.asset_id, selection_items.c.position).where(
                selection_items.c.selection_id == selection_id
            )
        ).all()
    )
    for position, asset_id in enumerate(order):
        if current.get(asset_id) != position:
            update_item(conn, selection_id, asset_id, {"position": position})


def _items_query(selection_id: str) -> Any:
    return (
        select(
            selection_items,
            assets.c.content_hash,
            selection_groups.c.name.label("group_name"),
        )
        .join(assets, assets.c.id == selection_items.c.asset_id)
        .outerjoin(selection_groups, selection_groups.c.id == selection_items.c.group_id)
        .where(selection_items.c.selection_id == selection_id)
        .order_by(selection_items.c.position, selection_items.c.id)
    )


def _item(row: Any) -> SelectionItem:
    return SelectionItem(
        asset_hash=row.content_hash,
        file_path=_loaded("file_path", row.file_path),
        selection_reason=row.selection_reason,
        quality_notes=row.quality_notes,
        usage_notes=row.usage_notes,
        tags=row.tags or [],
        role=row.role,
        group=row.group_name,
        position=row.position,
        custom_metadata=_loaded("custom_metadata", row.custom_metadata),
        added_at=aware(row.added_at),
        added_by=row.added_by,
    )


def load_items(conn: Connection, selection_id: str) -> list[tuple[int, SelectionItem]]:
    """``(asset id, item)`` pairs in sequence order."""
    return [(row.asset_id, _item(row)) for row in conn.execute(_items_query(selection_id))]


def item_values(conn: Connection, selection_id: str, asset_id: int) -> dict[str, Any]:
    """The stored values of one item's editable fields (and its group's name)."""
    row = conn.execute(
        _items_query(selection_id).where(selection_items.c.asset_id == asset_id)
    ).one()
    out = {name: _loaded(name, getattr(row, name)) for name in ITEM_FIELDS}
    out["group"] = row.group_name
    return out


def memberships(conn: Connection, asset_id: int) -> list[SelectionMembership]:
    rows = conn.execute(
        select(
            selections.c.project_id,
            selections.c.slug,
            selections.c.name,
            selections.c.status,
            selection_items.c.role,
            selection_items.c.position,
            selection_items.c.added_at,
            selection_groups.c.name.label("group_name"),
        )
        .join(selections, selections.c.id == selection_items.c.selection_id)
        .outerjoin(selection_groups, selection_groups.c.id == selection_items.c.group_id)
        .where(selection_items.c.asset_id == asset_id)
        .order_by(selections.c.project_id, selections.c.slug)
    )
    return [
        SelectionMembership(
            project_id=r.project_id,
            selection_id=r.slug,
            selection_name=r.name,
            status=SelectionStatus(r.status),
            role=r.role,
            group=r.group_name,
            position=r.position,
            added_at=aware(r.added_at),
        )
        for r in rows
    ]


# --- groups ------------------------------------------------------------------------------


def group_id(conn: Connection, selection_id: str, name: str) -> int | None:
    """The group of this name regardless of case (:func:`group_key`), or None. A
    selection has few groups: they are compared here, the same way on every database."""
    key = group_key(name)
    rows = conn.execute(
        select(selection_groups.c.id, selection_groups.c.name).where(
            selection_groups.c.selection_id == selection_id
        )
    )
    return next((r.id for r in rows if group_key(r.name) == key), None)


def create_group(
    conn: Connection, selection_id: str, name: str, description: str | None = None
) -> int:
    top = conn.execute(
        select(func.max(selection_groups.c.position)).where(
            selection_groups.c.selection_id == selection_id
        )
    ).scalar_one()
    group_id: int = conn.execute(
        insert(selection_groups)
        .values(
            selection_id=selection_id,
            name=name,
            description=description,
            position=0 if top is None else top + 1,
        )
        .returning(selection_groups.c.id)
    ).scalar_one()
    return group_id


def rename_group(conn: Connection, group: int, new_name: str) -> None:
    conn.execute(
        update(selection_groups).where(selection_groups.c.id == group).values(name=new_name)
    )


def delete_group(conn: Connection, selection_id: str, group: int) -> list[int]:
    """Delete a group; returns the assets that were in it (now ungrouped)."""
    members = list(
        conn.execute(
            select(selection_items.c.asset_id).where(
                selection_items.c.selection_id == selection_id, selection_items.c.group_id == group
            )
        ).scalars()
    )
    conn.execute(
        update(selection_items).where(selection_items.c.group_id == group).values(group_id=None)
    )
    conn.execute(delete(selection_groups).where(selection_groups.c.id == group))
    return members


def list_groups(conn: Connection, selection_id: str) -> list[SelectionGroup]:
    counts = (
        select(selection_items.c.group_id, func.count().label("n"))
        .where(selection_items.c.selection_id == selection_id)
        .group_by(selection_items.c.group_id)
        .subquery()
    )
    rows = conn.execute(
        select(selection_groups, func.coalesce(counts.c.n, 0).label("n"))
        .select_from(selection_groups.outerjoin(counts, counts.c.group_id == selection_groups.c.id))
        .where(selection_groups.c.selection_id == selection_id)
        .order_by(selection_groups.c.position, selection_groups.c.id)
    )
    return [
        SelectionGroup(name=r.name, description=r.description, position=r.position, item_count=r.n)
        for r in rows
    ]


# --- assets as selections see them ----------------------------------------------------------


def ids_by_hash(conn: Connection, hashes: Sequence[str]) -> dict[str, int]:
    """Asset ids of full content hashes (unknown hashes are left out)."""
    out: dict[str, int] = {}
    for chunk in chunks(list(dict.fromkeys(hashes))):
        query = select(assets.c.content_hash, assets.c.id).where(assets.c.content_hash.in_(chunk))
        out.update(dict(conn.execute(query).all()))
    return out


def hashes_by_id(conn: Connection, asset_ids: Sequence[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for chunk in chunks(list(asset_ids)):
        query = select(assets.c.id, assets.c.content_hash).where(assets.c.id.in_(chunk))
        out.update(dict(conn.execute(query).all()))
    return out


def ids_with_prefix(conn: Connection, project_id: str, prefix: str) -> set[str]:
    """The project's selection ids equal to ``prefix`` or starting with ``prefix-``."""
    slug = selections.c.slug
    return set(
        conn.execute(
            select(slug).where(
                selections.c.project_id == project_id,
                (slug == prefix) | prefix_range(slug, prefix + "-"),
            )
        ).scalars()
    )


def asset_facts(conn: Connection, asset_ids: Sequence[int]) -> dict[int, tuple[str, int | None]]:
    """Each asset's media type and quality rating (what selection constraints check)."""
    out: dict[int, tuple[str, int | None]] = {}
    for chunk in chunks(list(dict.fromkeys(asset_ids))):
        rows = conn.execute(
            select(assets.c.id, assets.c.media_type, assets.c.quality_rating).where(
                assets.c.id.in_(chunk)
            )
        )
        out.update({r.id: (r.media_type, r.quality_rating) for r in rows})
    return out


def locations_of(conn: Connection, asset_ids: Sequence[int]) -> dict[int, list[str]]:
    """Every cataloged path of each asset: present ones first, oldest first."""
    out: dict[int, list[str]] = {a: [] for a in asset_ids}
    for chunk in chunks(list(asset_ids)):
        rows = conn.execute(
            select(locations.c.asset_id, locations.c.path)
            .where(locations.c.asset_id.in_(chunk))
            .order_by(locations.c.missing, locations.c.id)
        )
        for asset_id, path in rows:
            out[asset_id].append(path_from_db(path))
    return out

"""The append-only history of selections and the listing of their exports.

There is deliberately no function here that updates or deletes a history record.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select

from curata.catalog.codec import json_from_db, json_to_db, path_from_db, path_to_db
from curata.catalog.schema import selection_exports, selection_history
from curata.catalog.selections import aware
from curata.models.selections import ExportRecord, HistoryEntry


def append(
    conn: Connection,
    selection_id: str,
    *,
    at: datetime,
    actor: str | None,
    action: str,
    asset_hashes: Sequence[str] = (),
    notes: str | None = None,
    before: Any = None,
    after: Any = None,
) -> HistoryEntry:
    values = {
        "selection_id": selection_id,
        "at": at,
        "actor": actor,
        "action": action,
        "asset_hashes": list(asset_hashes),
        "notes": notes,
        "before": before,
        "after": after,
    }
    new_id = conn.execute(
        insert(selection_history)
        .values(
            {
                **values,
                "notes": None if notes is None else path_to_db(notes),
                "before": json_to_db(before),
                "after": json_to_db(after),
            }
        )
        .returning(selection_history.c.id)
    ).scalar_one()
    return HistoryEntry(id=new_id, **{k: v for k, v in values.items() if k != "selection_id"})


def _entry(row: Any) -> HistoryEntry:
    return HistoryEntry(
        id=row.id,
        at=aware(row.at),
        actor=row.actor,
        action=row.action,
        asset_hashes=row.asset_hashes or [],
        notes=None if row.notes is None else path_from_db(row.notes),
        before=json_from_db(row.before),
        after=json_from_db(row.after),
    )


def listing(
    conn: Connection,
    selection_id: str,
    *,
    action: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[HistoryEntry]:
    """History records oldest first."""
    query = (
        select(selection_history)
        .where(selection_history.c.selection_id == selection_id)
        .order_by(selection_history.c.id)
        .offset(offset)
    )
    if action is not None:
        query = query.where(selection_history.c.action == action)
    if limit is not None:
        query = query.limit(limit)
    return [_entry(row) for row in conn.execute(query)]


def count(conn: Connection, selection_id: str, action: str | None = None) -> int:
    query = select(func.count()).where(selection_history.c.selection_id == selection_id)
    if action is not None:
        query = query.where(selection_history.c.action == action)
    return conn.execute(query).scalar_one()


def exports(conn: Connection, selection_id: str) -> list[ExportRecord]:
    rows = conn.execute(
        select(selection_exports)
        .where(
            selection_exports.c.selection_id == selection_id,
            selection_exports.c.state == "complete",  # not an export still pending
        )
        .order_by(selection_exports.c.id)
    )
    return [
        ExportRecord(
            id=r.id,
            at=aware(r.at),
            path=path_from_db(r.path),
            item_count=r.item_count,
            settings=json_from_db(r.settings or {}),
            actor=r.actor,
        )
        for r in rows
    ]

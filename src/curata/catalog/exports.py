"""Where exports may not go, and the intent records of exports in progress.

An export is recorded in two steps: a ``pending`` row in ``selection_exports`` (with its
staging folder and where a replaced export was moved) before anything is renamed into
place, then the same row made ``complete`` in the transaction that marks the selection
exported. A pending row is the only kind of export record ever deleted: when an
interrupted export is rolled back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from curata.catalog.codec import json_from_db, json_to_db, path_from_db, path_to_db
from curata.catalog.schema import locations, scan_roots, selection_exports
from curata.catalog.selections import aware
from curata.catalog.sqlutil import under_root

PENDING = "pending"
COMPLETE = "complete"


def scan_root_paths(conn: Connection) -> list[str]:
    """Every folder (or file) that was ever scanned, as stored (resolved real paths)."""
    return [path_from_db(p) for p in conn.execute(select(scan_roots.c.path)).scalars()]


def has_present_location(conn: Connection, path: str, *, below: bool) -> bool:
    """Whether a cataloged file still present lies at ``path`` (or, with ``below``, at or
    below it), compared on the stored spelling."""
    where = under_root(locations.c.path, path) if below else locations.c.path == path_to_db(path)
    query = select(locations.c.id).where(where, locations.c.missing.is_(False)).limit(1)
    return conn.execute(query).first() is not None


@dataclass(frozen=True)
class PendingExport:
    """An export that was about to be renamed into place when its row was written."""

    id: int
    selection_id: str
    at: datetime
    path: str
    staging: str | None
    previous: str | None
    item_count: int
    settings: dict[str, Any]
    actor: str | None


def insert_pending(
    conn: Connection,
    selection_id: str,
    *,
    at: datetime,
    path: str,
    staging: str,
    previous: str,
    item_count: int,
    settings: dict[str, Any],
    actor: str | None,
) -> int:
    values = {
        "selection_id": selection_id,
        "at": at,
        "path": path_to_db(path),
        "item_count": item_count,
        "settings": json_to_db(settings),
        "actor": actor,
        "state": PENDING,
        "staging": path_to_db(staging),
        "previous": path_to_db(previous),
    }
    export_id: int = conn.execute(
        insert(selection_exports).values(**values).returning(selection_exports.c.id)
    ).scalar_one()
    return export_id


def _pending(row: Any) -> PendingExport:
    return PendingExport(
        id=row.id,
        selection_id=row.selection_id,
        at=aware(row.at),
        path=path_from_db(row.path),
        staging=path_from_db(row.staging) if row.staging else None,
        previous=path_from_db(row.previous) if row.previous else None,
        item_count=row.item_count,
        settings=json_from_db(row.settings or {}),
        actor=row.actor,
    )


def pending_exports(conn: Connection) -> list[PendingExport]:
    """Every pending row, oldest first (a handful at most: one per interrupted export)."""
    query = (
        select(selection_exports)
        .where(selection_exports.c.state == PENDING)
        .order_by(selection_exports.c.id)
    )
    return [_pending(row) for row in conn.execute(query)]


def get_pending(conn: Connection, export_id: int, *, lock: bool = False) -> PendingExport | None:
    """The row if it is still pending (``lock``: held until the transaction ends)."""
    query = select(selection_exports).where(
        selection_exports.c.id == export_id, selection_exports.c.state == PENDING
    )
    if lock and conn.dialect.name != "sqlite":
        query = query.with_for_update()
    row = conn.execute(query).first()
    return None if row is None else _pending(row)


def complete(conn: Connection, export_id: int, settings: dict[str, Any]) -> None:
    """The export is in place and verified: the row becomes an ordinary export record."""
    conn.execute(
        update(selection_exports)
        .where(selection_exports.c.id == export_id)
        .values(state=COMPLETE, staging=None, previous=None, settings=json_to_db(settings))
    )


def discard_pending(conn: Connection, export_id: int) -> None:
    """Forget an export that was rolled back (only ever a pending row)."""
    conn.execute(
        delete(selection_exports).where(
            selection_exports.c.id == export_id, selection_exports.c.state == PENDING
        )
    )

"""All SQL behind search: loading the in-memory search index, following changes,
small lookups the engine leaves to the database, and saved searches.

Bulk reads go through the driver's cursor (``fetchmany``) rather than SQLAlchemy's
row objects: at a million assets the per-row processing costs more than the read.
The values are plain driver values (JSON may arrive as text on SQLite).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Select,
    Text,
    case,
    cast,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)

from curata.catalog.codec import path_from_db
from curata.catalog.schema import (
    asset_tags,
    assets,
    locations,
    projects,
    saved_searches,
    settings,
    tags,
)
from curata.catalog.sqlutil import prefix_range
from curata.models.fields import STORED_COLUMNS, IndexColumn

_FETCH = 50_000
_IN_CHUNK = 900

# What the search index loads per asset: the id, the hash and every stored column of
# the field registry (``curata.models.fields.COLUMNS``).
COLUMNS = ("id", "content_hash", *(c.name for c in STORED_COLUMNS))


# Values of the registry computed from other tables: 1 when every location is missing.
_COMPUTED = {
    "missing": case(
        (
            exists().where(locations.c.asset_id == assets.c.id, locations.c.missing.is_(False)),
            0,
        ),
        else_=1,
    )
}


def _expression(column: IndexColumn) -> Any:
    """The SQL of a registry column: an ``assets`` column, a computed value, or a path
    into the metadata JSON read as text (numbers come back as numbers on SQLite, as
    text on PostgreSQL)."""
    if isinstance(column.source, str):
        found = _COMPUTED.get(column.source, assets.c.get(column.source))
        assert found is not None, column.source
        return found.label(column.name)
    assert column.source is not None
    return assets.c.meta[column.source].as_string().label(column.name)


def consistent_reads(conn: Connection) -> None:
    """Make every read of this (not yet begun) connection see one snapshot of the
    catalog, as loading the index needs. SQLite's read transaction already does;
    PostgreSQL's default (read committed) would let a write land between two reads."""
    if conn.dialect.name == "postgresql" and not conn.in_transaction():
        conn.execution_options(isolation_level="REPEATABLE READ")


def _stream(conn: Connection, stmt: Select[Any]) -> Iterator[Sequence[Any]]:
    """Chunks of raw driver rows of ``stmt``."""
    cursor = conn.execute(stmt).cursor
    while True:
        rows = cursor.fetchmany(_FETCH)
        if not rows:
            return
        yield rows


def _by_ids(
    conn: Connection, stmt: Select[Any], column: Any, ids: Sequence[int] | None
) -> Iterator[Sequence[Any]]:
    """``stmt`` over every row, or restricted to ``column IN ids`` in chunks."""
    if ids is None:
        yield from _stream(conn, stmt)
        return
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = [int(i) for i in ids[start : start + _IN_CHUNK]]
        yield from _stream(conn, stmt.where(column.in_(chunk)))


def asset_columns(conn: Connection, ids: Sequence[int] | None = None) -> Iterator[Sequence[Any]]:
    """Rows of :data:`COLUMNS` for every asset or the given ids."""
    stmt = select(assets.c.id, assets.c.content_hash, *map(_expression, STORED_COLUMNS))
    return _by_ids(conn, stmt, assets.c.id, ids)


def tag_postings(conn: Connection) -> Iterator[tuple[int, str]]:
    """``(tag_id, "asset_id,asset_id,...")`` for every tag in use: the whole mapping
    in one aggregate per tag, which parses far faster than one row per link."""
    stmt = select(
        asset_tags.c.tag_id, func.aggregate_strings(cast(asset_tags.c.asset_id, Text), ",")
    ).group_by(asset_tags.c.tag_id)
    for rows in _stream(conn, stmt):
        yield from rows


def asset_tag_links(conn: Connection, ids: Sequence[int]) -> list[tuple[int, int]]:
    """``(asset_id, tag_id)`` links of the given assets."""
    stmt = select(asset_tags.c.asset_id, asset_tags.c.tag_id)
    return [r for rows in _by_ids(conn, stmt, asset_tags.c.asset_id, ids) for r in rows]


def tag_rows(
    conn: Connection, after_id: int = 0
) -> list[tuple[int, str, str | None, str, float | None]]:
    """``(id, name, key, value, num_value)`` of tags with an id above ``after_id``."""
    stmt = (
        select(tags.c.id, tags.c.name, tags.c.key, tags.c.value, tags.c.num_value)
        .where(tags.c.id > after_id)
        .order_by(tags.c.id)
    )
    return [r for rows in _stream(conn, stmt) for r in rows]


def prompts(
    conn: Connection, ids: Sequence[int] | None = None
) -> Iterator[Sequence[tuple[int, str]]]:
    """``(asset_id, prompt)`` of assets that have a prompt, by id."""
    stmt = (
        select(assets.c.id, assets.c.prompt)
        .where(assets.c.prompt.is_not(None))
        .order_by(assets.c.id)
    )
    return _by_ids(conn, stmt, assets.c.id, ids)


def location_paths(
    conn: Connection, ids: Sequence[int] | None = None
) -> Iterator[Sequence[tuple[int, str]]]:
    """``(asset_id, path)``; per asset the primary location first (present before
    missing, then oldest), the order :func:`curata.catalog.assets.load_assets` shows."""
    stmt = select(locations.c.asset_id, locations.c.path).order_by(
        locations.c.asset_id, locations.c.missing, locations.c.id
    )
    for rows in _by_ids(conn, stmt, locations.c.asset_id, ids):
        yield [(a, path_from_db(p)) for a, p in rows]


def metadata_rows(conn: Connection, ids: Sequence[int] | None = None) -> Iterator[Sequence[Any]]:
    """By id: ``(id, meta dict, prompt, negative_prompt, width, height, duration)``."""
    stmt = select(
        assets.c.id,
        assets.c.meta,
        assets.c.prompt,
        assets.c.negative_prompt,
        assets.c.width,
        assets.c.height,
        assets.c.duration,
    ).order_by(assets.c.id)
    for rows in _by_ids(conn, stmt, assets.c.id, ids):
        yield [(r[0], json.loads(r[1]) if isinstance(r[1], str) else r[1], *r[2:]) for r in rows]


def changed_since(conn: Connection, since: float, after_id: int) -> list[tuple[int, float]]:
    """``(id, updated_at)`` of assets updated at or after ``since`` or with an id above
    ``after_id`` (both served by indexes)."""
    stmt = select(assets.c.id, assets.c.updated_at).where(
        or_(assets.c.updated_at >= since, assets.c.id > after_id)
    )
    return [r for rows in _stream(conn, stmt) for r in rows]


def change_marks(conn: Connection) -> tuple[int, float]:
    """``(max id, max updated_at)`` of the assets; two index look-ups."""
    top_id = conn.execute(select(func.max(assets.c.id))).scalar()
    top_time = conn.execute(select(func.max(assets.c.updated_at))).scalar()
    return int(top_id or 0), float(top_time or 0.0)


def project_ids(conn: Connection, ref: str) -> list[str]:
    """Ids of the projects whose id or name is ``ref`` (case-insensitive)."""
    wanted = ref.lower()
    stmt = select(projects.c.id).where(
        or_(func.lower(projects.c.id) == wanted, func.lower(projects.c.name) == wanted)
    )
    return list(conn.execute(stmt).scalars())


def ids_with_hash_prefix(conn: Connection, prefix: str) -> list[int]:
    stmt = select(assets.c.id).where(prefix_range(assets.c.content_hash, prefix.lower()))
    return list(conn.execute(stmt).scalars())


_IDENTITY = "search.catalog_id"


def catalog_identity(conn: Connection) -> str | None:
    """The random id that tells this catalog from another at the same place (a file
    deleted and created again): a saved search index is only used for its catalog."""
    value = conn.execute(select(settings.c.value).where(settings.c.key == _IDENTITY)).scalar()
    return None if value is None else str(value)


def create_identity(conn: Connection) -> str:
    """The catalog's identity, created on first use."""
    found = catalog_identity(conn)
    if found is None:
        found = uuid.uuid4().hex
        conn.execute(insert(settings).values(key=_IDENTITY, value=found))
    return found


# --- saved searches ------------------------------------------------------------------

SavedRow = tuple[str, str, str | None, dict[str, Any], datetime, datetime]


def _saved_select() -> Select[Any]:
    return select(
        saved_searches.c.project_id,
        saved_searches.c.name,
        saved_searches.c.description,
        saved_searches.c.request,
        saved_searches.c.created_at,
        saved_searches.c.updated_at,
    )


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _saved(row: Any) -> SavedRow:
    return (row[0], row[1], row[2], row[3], _aware(row[4]), _aware(row[5]))


def get_saved(conn: Connection, project_id: str, name: str) -> SavedRow | None:
    row = conn.execute(
        _saved_select().where(
            saved_searches.c.project_id == project_id, saved_searches.c.name == name
        )
    ).first()
    return None if row is None else _saved(row)


def list_saved(conn: Connection, project_id: str | None) -> list[SavedRow]:
    """Saved searches of one project (``""`` = the global ones), or all of them."""
    stmt = _saved_select().order_by(saved_searches.c.project_id, saved_searches.c.name)
    if project_id is not None:
        stmt = stmt.where(saved_searches.c.project_id == project_id)
    return [_saved(r) for r in conn.execute(stmt)]


def insert_saved(
    conn: Connection,
    project_id: str,
    name: str,
    description: str | None,
    request: dict[str, Any],
    now: datetime,
) -> None:
    conn.execute(
        insert(saved_searches).values(
            project_id=project_id,
            name=name,
            description=description,
            request=request,
            created_at=now,
            updated_at=now,
        )
    )


def update_saved(
    conn: Connection, project_id: str, name: str, values: dict[str, Any], now: datetime
) -> int:
    """Change the given columns (``name``, ``description``, ``request``); rows changed."""
    result = conn.execute(
        update(saved_searches)
        .where(saved_searches.c.project_id == project_id, saved_searches.c.name == name)
        .values(updated_at=now, **values)
    )
    return result.rowcount or 0


def delete_saved(conn: Connection, project_id: str, name: str) -> int:
    result = conn.execute(
        delete(saved_searches).where(
            saved_searches.c.project_id == project_id, saved_searches.c.name == name
        )
    )
    return result.rowcount or 0

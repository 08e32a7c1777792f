"""Ingest errors and warnings: one record per problem, cleared by a later good read."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, delete, func, insert, select

from curata.catalog.codec import epoch_to_datetime, path_from_db, path_to_db
from curata.catalog.schema import ingest_errors
from curata.catalog.sqlutil import under_root
from curata.models.assets import IngestErrorRecord


def record(
    conn: Connection,
    path: str,
    reason: str,
    at: float,
    level: str = "error",
    *,
    file_size: int | None = None,
    mtime: float | None = None,
) -> None:
    """Replace the path's records of this level with one new record (``path`` as stored,
    through ``codec.path_to_db``). ``file_size`` and ``mtime`` let the next scan skip the
    file while it stays as it was."""
    conn.execute(
        delete(ingest_errors).where(ingest_errors.c.path == path, ingest_errors.c.level == level)
    )
    conn.execute(
        insert(ingest_errors).values(
            path=path,
            reason=path_to_db(reason),
            occurred_at=at,
            level=level,
            file_size=file_size,
            mtime=mtime,
        )
    )


def clear(conn: Connection, paths: Iterable[str]) -> None:
    paths = list(paths)
    if paths:
        conn.execute(delete(ingest_errors).where(ingest_errors.c.path.in_(paths)))


def listing(
    conn: Connection, level: str | None = "error", limit: int | None = None
) -> list[IngestErrorRecord]:
    query = select(
        ingest_errors.c.path,
        ingest_errors.c.reason,
        ingest_errors.c.occurred_at,
        ingest_errors.c.level,
    )
    if level:
        query = query.where(ingest_errors.c.level == level)
    query = query.order_by(ingest_errors.c.path).limit(limit)
    return [
        IngestErrorRecord(
            path=path_from_db(p),
            reason=path_from_db(r),
            occurred_at=epoch_to_datetime(t),
            level=lv,
        )
        for p, r, t, lv in conn.execute(query)
    ]


def count(conn: Connection, level: str = "error") -> int:
    return conn.execute(
        select(func.count()).select_from(ingest_errors).where(ingest_errors.c.level == level)
    ).scalar_one()


def failed_files(conn: Connection, root: str) -> dict[str, tuple[int | None, float | None]]:
    """``path -> (size, mtime)`` of the files at or below ``root`` that failed to read."""
    rows = conn.execute(
        select(ingest_errors.c.path, ingest_errors.c.file_size, ingest_errors.c.mtime).where(
            ingest_errors.c.level == "error", under_root(ingest_errors.c.path, root)
        )
    )
    return {path_from_db(p): (s, m) for p, s, m in rows}

"""Alembic environment: migrations run on the connection the catalog hands over.

Run by hand (``alembic -c <ini> revision --autogenerate``), it connects to the
``sqlalchemy.url`` of that ini file instead.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from curata.catalog.schema import metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Two processes opening a fresh shared catalog at once migrate one after the other.
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7262638279)")
        context.run_migrations()


_given = context.config.attributes.get("connection")
if _given is not None:
    _run(_given)
else:
    _url = context.config.get_main_option("sqlalchemy.url")
    if _url is None:
        raise RuntimeError("alembic: no connection given and no sqlalchemy.url configured")
    with create_engine(_url).connect() as _conn:
        _run(_conn)
        _conn.commit()

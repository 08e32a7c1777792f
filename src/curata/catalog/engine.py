"""Opening a catalog: engine set-up per backend, migrations on open, transactions."""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from curata.errors import Busy, CatalogError, InsufficientStorage

_MIGRATIONS = Path(__file__).with_name("migrations")
_WRITE = "curata_write"
# Seconds a caller waits for a free connection of the pool before ``Busy`` (503).
POOL_TIMEOUT = 10.0


def _alembic_config(connection: Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def _configure_sqlite(engine: Engine) -> None:
    """WAL, foreign keys, a generous busy timeout, and ``BEGIN IMMEDIATE`` for writers.

    pysqlite's own transaction handling is switched off so that a write transaction
    takes the write lock up front: two writers then queue instead of deadlocking on
    a lock upgrade, and readers never block writers (WAL).
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        for pragma in (
            "journal_mode=WAL",
            "synchronous=NORMAL",
            "foreign_keys=ON",
            "busy_timeout=60000",
            "cache_size=-65536",
            "temp_store=MEMORY",
        ):
            cur.execute(f"PRAGMA {pragma}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(_WRITE)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def disk_full(exc: SQLAlchemyError) -> bool:
    """The database failed because its disk (or quota) is full: SQLite's SQLITE_FULL,
    PostgreSQL's ``disk_full`` (53100), or ENOSPC underneath either."""
    orig = getattr(exc, "orig", None)
    if getattr(orig, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
        return True
    if getattr(orig, "sqlstate", None) == "53100" or getattr(orig, "pgcode", None) == "53100":
        return True
    return isinstance(orig, OSError) and orig.errno in (errno.ENOSPC, errno.EDQUOT)


class Catalog:
    """A catalog database. ``Catalog(url)`` opens it and applies pending migrations;
    ``cache_dir`` is where files derived from it that can always be rebuilt are kept
    (None: none are)."""

    def __init__(self, url: str, *, echo: bool = False, cache_dir: Path | None = None) -> None:
        self.url = make_url(url)
        self.cache_dir = cache_dir
        self.dialect = self.url.get_backend_name()
        if self.dialect == "sqlite" and self.url.database not in (None, "", ":memory:"):
            Path(self.url.database).parent.mkdir(parents=True, exist_ok=True)
        in_memory = self.dialect == "sqlite" and self.url.database in (None, "", ":memory:")
        self.pool_timeout = POOL_TIMEOUT
        pooling = {} if in_memory else {"pool_timeout": self.pool_timeout}  # memory: one connection
        try:
            self.engine = create_engine(self.url, echo=echo, future=True, **pooling)
            if self.dialect == "sqlite":
                _configure_sqlite(self.engine)
            self._migrate()
        except SQLAlchemyError as exc:
            raise CatalogError(f"cannot open catalog {self.url!r}: {exc}") from exc

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None for a server database."""
        return Path(self.url.database) if self.is_sqlite and self.url.database else None

    def _migrate(self) -> None:
        head = ScriptDirectory.from_config(_alembic_config(None)).get_current_head()  # type: ignore[arg-type]
        with self.engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
        if current == head:
            return
        with self.engine.connect().execution_options(**{_WRITE: True}) as conn:
            command.upgrade(_alembic_config(conn), "head")
            conn.commit()

    def _connect(self) -> Connection:
        """A connection from the pool; ``Busy`` when every one stays in use for
        ``pool_timeout`` seconds (too many requests at once), never a raw pool error."""
        try:
            return self.engine.connect()
        except PoolTimeout:
            raise Busy(
                f"every connection to the catalog stayed in use for {self.pool_timeout:g} s "
                "(too many requests at once); retry later"
            ) from None

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for reading; its implicit transaction is rolled back at the end."""
        with self._connect() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction: committed on success, rolled back on any exception.
        A full disk is an :class:`InsufficientStorage` naming the catalog."""
        try:
            with self._connect().execution_options(**{_WRITE: True}) as conn, conn.begin():
                yield conn
        except SQLAlchemyError as exc:
            if not disk_full(exc):
                raise
            where = str(self.path) if self.path else repr(self)
            raise InsufficientStorage(
                f"disk full: cannot write the catalog {where}; the last transaction was"
                " rolled back, what was committed before is intact",
                field="database",
            ) from exc

    def close(self) -> None:
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Catalog({self.url.render_as_string(hide_password=True)!r})"

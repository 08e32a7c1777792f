"""Opening catalogs: migrations, backend settings, schema in step with the migration."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from curata.catalog import Catalog
from curata.catalog.schema import metadata


def _diff(catalog: Catalog) -> list[object]:
    with catalog.engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn), metadata)


def test_sqlite_catalog_is_created_migrated_and_in_wal_mode(tmp_path: Path) -> None:
    db = tmp_path / "nested" / "catalog.db"
    catalog = Catalog(f"sqlite:///{db}")
    assert db.exists()
    with catalog.read() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert set(metadata.tables) <= set(inspect(catalog.engine).get_table_names())
    assert _diff(catalog) == []


def test_reopening_keeps_data_and_does_not_migrate_again(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    with Catalog(url).write() as conn:
        conn.execute(text("INSERT INTO settings (key, value) VALUES ('k', 'kept')"))
    again = Catalog(url)
    with again.read() as conn:
        assert conn.execute(text("SELECT value FROM settings")).scalar() == "kept"
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1


def test_a_failed_write_transaction_leaves_nothing(tmp_path: Path) -> None:
    catalog = Catalog(f"sqlite:///{tmp_path / 'c.db'}")
    with pytest.raises(RuntimeError), catalog.write() as conn:
        conn.execute(text("INSERT INTO settings (key, value) VALUES ('k', '1')"))
        raise RuntimeError("boom")
    with catalog.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM settings")).scalar() == 0


@pytest.mark.postgres
def test_postgresql_catalog_matches_the_schema(pg_database: str) -> None:
    catalog = Catalog(pg_database)
    assert _diff(catalog) == []
    catalog.close()
    Catalog(pg_database).close()  # a second open finds it current

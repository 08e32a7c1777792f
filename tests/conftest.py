"""Shared fixtures: real catalogs in temporary folders and the shared test files."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, text

from curata import Curata

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(os.environ.get("CURATA_FIXTURES", REPO.parent / "shared" / "fixtures"))
# Tests never depend on wall-clock time: no per-example deadline, and no health check
# that fails a property test because a loaded machine generated its inputs slowly.
settings.register_profile("curata", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("curata")

POSTGRES_URL = os.environ.get(
    "CURATA_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(scope="session")
def fixtures() -> Path:
    if not FIXTURES.is_dir():
        pytest.fail(f"test files not found at {FIXTURES} (set CURATA_FIXTURES)")
    return FIXTURES


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "catalog.db"


@pytest.fixture
def cur(db_path: Path) -> Iterator[Curata]:
    with Curata(database=db_path) as c:
        yield c


@pytest.fixture
def library(tmp_path: Path, fixtures: Path) -> Path:
    """A writable copy of the shared fixture folders (moves and deletions are safe)."""
    root = tmp_path / "library"
    for part in ("formats", "near-duplicates", "generators", "bad"):
        shutil.copytree(fixtures / part, root / part)
    for path in root.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return root


@contextmanager
def fresh_pg_database() -> Iterator[str]:
    """The URL of a new, empty database on the real PostgreSQL server, dropped at exit."""
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"curata_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # the server is part of this machine's setup
        pytest.fail(f"PostgreSQL at {POSTGRES_URL} is not reachable: {exc}")
    try:
        yield POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def pg_database() -> Iterator[str]:
    """A fresh database on the real PostgreSQL server, dropped afterwards."""
    with fresh_pg_database() as url:
        yield url

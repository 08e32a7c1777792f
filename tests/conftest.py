"""Shared fixtures: real catalogs in temporary folders and the shared test files."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from curata import Curata

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(os.environ.get("CURATA_FIXTURES", REPO.parent / "shared" / "fixtures"))
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

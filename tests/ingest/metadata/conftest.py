"""Fixtures for the metadata tests: shared fixture folders and the probe's raw blocks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from curata.ingest.probe import probe_file

BlocksOf = Callable[[Path], dict[str, str]]


@pytest.fixture
def generators(fixtures: Path) -> Path:
    return fixtures / "generators"


def read_blocks_of(path: Path) -> dict[str, str]:
    result = probe_file(str(path))
    assert result.error is None, result.error
    return result.blocks


@pytest.fixture
def blocks_of() -> BlocksOf:
    """The raw blocks the probe reads from a file."""
    return read_blocks_of

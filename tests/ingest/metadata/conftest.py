"""Helpers for the metadata tests: the real blocks of a file, as the probe reads them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from curata.ingest.probe import probe_file


@pytest.fixture
def generators(fixtures: Path) -> Path:
    return fixtures / "generators"


@pytest.fixture
def blocks_of() -> Callable[[Path], dict[str, str]]:
    """The raw blocks the probe reads from a file."""

    def read(path: Path) -> dict[str, str]:
        result = probe_file(str(path))
        assert result.error is None, result.error
        return result.blocks

    return read

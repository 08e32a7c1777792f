"""A real catalog of the near-duplicate photos, scanned by the real scanner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from curata import Curata

ORIGINAL = "ukbench00120.jpg"
COPIES = {"gray": "ukbench00120_gray.jpg", "resize": "ukbench00120_resize.jpg"}
MIRRORED = "ukbench00120_hflip.jpg"
ROTATED = "ukbench00120_rotation.jpg"
UNRELATED = ["ukbench09040.jpg", "ukbench09060.jpg", "ukbench09268.jpg", "ukbench09348.jpg"]


@pytest.fixture
def photos(tmp_path: Path, fixtures: Path) -> Path:
    root = tmp_path / "photos"
    shutil.copytree(fixtures / "near-duplicates", root)
    for path in root.iterdir():
        path.chmod(0o644)
    return root


@pytest.fixture
def scanned(cur: Curata, photos: Path) -> Curata:
    summary = cur.scan(photos).data
    assert summary is not None and summary.new == 9 and summary.failed == 0
    return cur

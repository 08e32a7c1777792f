"""Search filters restrict similarity candidates and duplicate groups (issue 4's service)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from curata import Curata
from curata.errors import InvalidRequest
from tests.similarity.conftest import COPIES, ORIGINAL
from tests.similarity.test_service import paths


def test_filters_restrict_the_candidates(scanned: Curata, photos: Path) -> None:
    scanned.rate_assets({"assets": [str(photos / COPIES["gray"])], "rating": 4})
    result = scanned.find_similar(
        {"target": str(photos / ORIGINAL), "filters": {"quality_rating": {"min": 3}}}
    ).data
    assert result is not None and paths(result) == [COPIES["gray"]]
    groups = scanned.find_duplicates({"filters": {"quality_rating": {"min": 3}}}).data
    assert groups is not None and groups.groups == []


def test_project_filter_and_bad_filters(cur: Curata, photos: Path, tmp_path: Path) -> None:
    cur.scan(photos, project="shoot")
    other = tmp_path / "other"
    other.mkdir()
    with Image.open(photos / COPIES["resize"]) as im:
        im.save(other / "copy.jpg", quality=95)
    cur.scan(other)
    everything = cur.find_similar({"target": str(photos / ORIGINAL), "threshold": 10}).data
    assert everything is not None and "copy.jpg" in paths(everything)
    in_project = cur.find_similar(
        {"target": str(photos / ORIGINAL), "filters": {"project": "shoot"}}
    ).data
    assert in_project is not None and sorted(paths(in_project)) == sorted(COPIES.values())
    with pytest.raises(InvalidRequest) as err:
        cur.find_similar(
            {"target": str(photos / ORIGINAL), "filters": {"quality_rating": {"min": 9, "max": 1}}}
        )
    assert (err.value.field or "").startswith("filters")

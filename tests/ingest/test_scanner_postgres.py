"""The same scan on the real PostgreSQL server: the services do not know the backend."""

from __future__ import annotations

from pathlib import Path

import pytest

from curata import Curata


@pytest.mark.postgres
def test_scan_rescan_tag_and_stats_on_postgresql(pg_database: str, library: Path) -> None:
    with Curata(database=pg_database) as cur:
        first = cur.scan([library]).data
        assert first is not None and first.failed == 5 and first.new > 15
        again = cur.scan([library]).data
        assert again is not None and again.unchanged == again.files_seen
        photo = str(library / "near-duplicates" / "ukbench00120.jpg")
        cur.tag_assets({"assets": [photo], "tags": ["Style:Noir", "portrait"]})
        asset = cur.get_asset(photo).data
        assert asset is not None and asset.tags == ["portrait", "style:noir"]
        assert asset.phash is not None and int(asset.phash, 16) > 0
        stats = cur.stats().data
        assert stats is not None and stats.errors == 5
        assert stats.assets == first.new == stats.locations

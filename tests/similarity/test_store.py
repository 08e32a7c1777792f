"""The in-memory hash index follows the catalog: loaded once, re-read only when it changed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import update

from curata import Curata
from curata.catalog import similarity as hash_store
from curata.catalog.codec import to_signed64
from curata.catalog.schema import assets
from curata.similarity.bits import as_codes
from curata.similarity.store import index_for
from tests.similarity.conftest import ORIGINAL


def catalog_codes(cur: Curata) -> tuple[np.ndarray, np.ndarray]:
    with cur.catalog.read() as conn:
        rows = hash_store.hash_rows(conn)
    return rows.ids, as_codes(rows.codes)


def synced(cur: Curata):  # type: ignore[no-untyped-def]
    store = index_for(cur.catalog)
    with cur.catalog.read() as conn:
        store.sync(conn)
    return store


def test_loads_once_and_skips_unchanged_catalogs(scanned: Curata) -> None:
    store = synced(scanned)
    assert store.reloads == 1 and len(store.ids) == 9
    ids, codes = catalog_codes(scanned)
    np.testing.assert_array_equal(store.ids, ids)
    np.testing.assert_array_equal(store.codes, codes)
    assert synced(scanned).reloads == 1


def test_rating_changes_do_not_rebuild_but_new_assets_do(
    scanned: Curata, photos: Path, tmp_path: Path
) -> None:
    store = synced(scanned)
    scanned.rate_assets({"assets": [str(photos / ORIGINAL)], "rating": 2})
    assert synced(scanned).reloads == 1
    extra = tmp_path / "extra"
    extra.mkdir()
    with Image.open(photos / ORIGINAL) as im:
        im.crop((0, 0, 300, 300)).save(extra / "crop.png")
    scanned.scan(extra)
    store = synced(scanned)
    assert store.reloads == 2 and len(store.ids) == 10
    ids, codes = catalog_codes(scanned)
    np.testing.assert_array_equal(store.ids, ids)
    np.testing.assert_array_equal(store.index.codes(), codes)


def test_a_rewritten_hash_replaces_the_old_one(scanned: Curata) -> None:
    """A row whose pHash changes (e.g. a re-probe) is re-read and re-indexed."""
    store = synced(scanned)
    target = int(store.ids[0])
    with scanned.catalog.write() as conn:
        conn.execute(
            update(assets)
            .where(assets.c.id == target)
            .values(phash=to_signed64(2**64 - 1), updated_at=assets.c.updated_at + 1)
        )
    store = synced(scanned)
    assert store.reloads == 2
    assert int(store.codes[store.position(target)]) == 2**64 - 1
    assert store.index.range(2**64 - 1, 0).positions.tolist() == [store.position(target)]


@pytest.mark.postgres
def test_postgres_catalog_finds_the_same_neighbours(pg_database: str, photos: Path) -> None:
    with Curata(database=pg_database) as cur:
        cur.scan(photos)
        found = cur.find_similar({"target": str(photos / ORIGINAL), "invariant": True}).data
        assert found is not None
        assert sorted(Path(m.asset.file_path).name for m in found.results) == [
            "ukbench00120_gray.jpg",
            "ukbench00120_hflip.jpg",
            "ukbench00120_resize.jpg",
        ]
        groups = cur.find_duplicates().data
        assert groups is not None and [g.size for g in groups.groups] == [3]
        store = index_for(cur.catalog)
        assert (store.codes >= 2**63).any()  # signed BIGINTs came back as their unsigned bits


def test_an_asset_whose_hash_is_cleared_leaves_the_index(scanned: Curata) -> None:
    store = synced(scanned)
    target = int(store.ids[3])
    with scanned.catalog.write() as conn:
        conn.execute(
            update(assets)
            .where(assets.c.id == target)
            .values(phash=None, updated_at=assets.c.updated_at + 1)
        )
    store = synced(scanned)
    assert target not in store.ids.tolist() and len(store.ids) == 8
    ids, codes = catalog_codes(scanned)
    np.testing.assert_array_equal(store.ids, ids)
    np.testing.assert_array_equal(store.index.codes(), codes)

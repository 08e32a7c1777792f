"""Scanning real folders into a real SQLite catalog."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from PIL import Image

from curata import Curata, InvalidRequest
from curata.models import ScanProgress


def _noise_images(folder: Path, count: int, size: int = 64) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"img_{i:04d}.png"
        Image.effect_noise((size, size), 40 + i % 50).convert("RGB").save(path)
        paths.append(path)
    return paths


def test_first_scan_catalogs_everything_and_a_rescan_finds_it_unchanged(
    cur: Curata, library: Path
) -> None:
    first = cur.scan([library]).data
    assert first is not None
    assert first.failed == 5  # the five files in bad/
    assert first.new == first.files_seen - 5
    assert first.changed == first.moved == first.missing == 0
    again = cur.scan([library]).data
    assert again is not None
    assert again.unchanged == again.files_seen == first.files_seen
    assert again.new == again.failed == again.bytes_read == 0


def test_every_bad_file_is_one_error_record_and_the_scan_goes_on(
    cur: Curata, library: Path
) -> None:
    cur.scan([library])
    errors = cur.ingest_errors().data
    assert errors is not None
    assert sorted(Path(e.path).name for e in errors) == sorted(os.listdir(library / "bad"))
    stats = cur.stats().data
    assert stats is not None and stats.errors == 5


def test_a_later_good_read_clears_the_error(cur: Curata, tmp_path: Path, fixtures: Path) -> None:
    target = tmp_path / "photos" / "photo.jpg"
    target.parent.mkdir()
    shutil.copy(fixtures / "bad" / "truncated.jpg", target)
    cur.scan([target.parent])
    assert [e.path for e in cur.ingest_errors().data or []] == [str(target)]
    shutil.copy(fixtures / "near-duplicates" / "ukbench09348.jpg", target)
    summary = cur.scan([target.parent]).data
    assert summary is not None and summary.new == 1
    assert cur.ingest_errors().data == []


def test_a_moved_file_keeps_its_asset_tags_and_rating(cur: Curata, tmp_path: Path) -> None:
    (path,) = _noise_images(tmp_path / "a", 1)
    cur.scan([tmp_path])
    asset = cur.get_asset(str(path)).data
    assert asset is not None
    cur.tag_assets({"assets": [asset.content_hash], "tags": ["Keeper"]})
    cur.rate_assets({"assets": [asset.content_hash], "rating": 5})
    new_path = tmp_path / "b" / "renamed.png"
    new_path.parent.mkdir()
    path.rename(new_path)
    summary = cur.scan([tmp_path]).data
    assert summary is not None and (summary.moved, summary.new, summary.missing) == (1, 0, 0)
    moved = cur.get_asset(str(new_path)).data
    assert moved is not None
    assert moved.content_hash == asset.content_hash
    assert moved.discovered_at == asset.discovered_at
    assert (moved.tags, moved.quality_rating) == (["keeper"], 5)
    assert [loc.path for loc in moved.locations] == [str(new_path)]


def test_a_copy_is_one_asset_with_two_locations(cur: Curata, tmp_path: Path) -> None:
    (path,) = _noise_images(tmp_path / "a", 1)
    shutil.copy2(path, tmp_path / "copy.png")
    summary = cur.scan([tmp_path]).data
    assert summary is not None and summary.new == 2
    asset = cur.get_asset(str(path)).data
    assert asset is not None
    assert sorted(loc.path for loc in asset.locations) == sorted(
        [str(path), str(tmp_path / "copy.png")]
    )
    assert cur.stats().data.assets == 1  # type: ignore[union-attr]


def test_a_deleted_file_is_marked_missing_never_dropped(cur: Curata, tmp_path: Path) -> None:
    paths = _noise_images(tmp_path, 2)
    cur.scan([tmp_path])
    digest = cur.get_asset(str(paths[0])).data.content_hash  # type: ignore[union-attr]
    paths[0].unlink()
    summary = cur.scan([tmp_path]).data
    assert summary is not None and summary.missing == 1
    asset = cur.get_asset(digest).data
    assert asset is not None and asset.locations[0].missing
    again = cur.scan([tmp_path]).data
    assert again is not None and again.missing == 0  # already known to be missing


def test_a_file_whose_bytes_change_is_changed(cur: Curata, tmp_path: Path) -> None:
    (path,) = _noise_images(tmp_path, 1)
    cur.scan([tmp_path])
    before = cur.get_asset(str(path)).data.content_hash  # type: ignore[union-attr]
    Image.new("RGB", (80, 80), "blue").save(path)
    summary = cur.scan([tmp_path]).data
    assert summary is not None and summary.changed == 1
    assert cur.get_asset(str(path)).data.content_hash != before  # type: ignore[union-attr]


def test_touched_but_identical_file_is_unchanged(cur: Curata, tmp_path: Path) -> None:
    (path,) = _noise_images(tmp_path, 1)
    cur.scan([tmp_path])
    os.utime(path, (1_000_000, 1_000_000))
    summary = cur.scan([tmp_path]).data
    assert summary is not None and (summary.unchanged, summary.changed) == (1, 0)
    assert cur.get_asset(str(path)).data.locations[0].mtime == 1_000_000  # type: ignore[union-attr]


def test_non_utf8_file_names_are_cataloged_and_can_be_found_again(
    cur: Curata, tmp_path: Path
) -> None:
    (path,) = _noise_images(tmp_path, 1)
    odd = os.path.join(os.fsencode(tmp_path), b"caf\xe9 \xff.png")
    os.rename(path, odd)
    summary = cur.scan([tmp_path]).data
    assert summary is not None and (summary.new, summary.failed) == (1, 0)
    name = os.fsdecode(odd)
    asset = cur.get_asset(name).data
    assert asset is not None and asset.file_path == name
    assert os.path.exists(asset.file_path)
    assert cur.scan([tmp_path]).data.unchanged == 1  # type: ignore[union-attr]


def test_project_assignment(cur: Curata, tmp_path: Path) -> None:
    (path,) = _noise_images(tmp_path, 1)
    summary = cur.scan([tmp_path], project="Hero Images Q4").data
    assert summary is not None and summary.project == "hero-images-q4"
    assert cur.get_asset(str(path)).data.project == "hero-images-q4"  # type: ignore[union-attr]


def test_missing_root_is_an_invalid_request(cur: Curata, tmp_path: Path) -> None:
    with pytest.raises(InvalidRequest) as info:
        cur.scan([tmp_path / "nope"])
    assert info.value.field == "paths"


def test_parallel_scan_reports_progress_and_matches_a_serial_scan(tmp_path: Path) -> None:
    _noise_images(tmp_path / "media", 60)
    events: list[ScanProgress] = []
    with Curata(tmp_path / "par.db") as par, Curata(tmp_path / "ser.db") as ser:
        p = par.scan([tmp_path / "media"], progress=events.append, workers=2).data
        s = ser.scan([tmp_path / "media"], workers=1).data
        assert p is not None and s is not None and p.new == s.new == 60
        assert par.stats().data == ser.stats().data
    reading = [e for e in events if e.phase == "reading"]
    assert reading[-1].files_done == reading[-1].files_total == 60
    assert reading[-1].bytes_done == reading[-1].bytes_total


def test_a_stopped_scan_keeps_whole_batches_and_the_next_scan_finishes(tmp_path: Path) -> None:
    _noise_images(tmp_path / "media", 40)
    stop = threading.Event()

    def stop_after_first_batch(event: ScanProgress) -> None:
        if event.phase == "reading" and event.files_done >= 1:
            stop.set()

    with Curata(tmp_path / "c.db") as cur:
        first = cur.scan([tmp_path / "media"], progress=stop_after_first_batch, stop=stop).data
        assert first is not None and first.interrupted
        assert first.missing == 0
        second = cur.scan([tmp_path / "media"]).data
        assert second is not None
        assert first.new + second.new == 40
        assert second.unchanged == first.new
        assert cur.stats().data.assets == 40  # type: ignore[union-attr]

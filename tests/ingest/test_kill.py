"""A scan killed with SIGKILL at any moment, then run again, equals an uninterrupted scan."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

FILES = 300


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory, fixtures: Path) -> Path:
    root = tmp_path_factory.mktemp("kill") / "media"
    for i in range(FILES):
        folder = root / f"d{i % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        Image.effect_noise((160, 160), 20 + i % 90).convert("RGB").save(folder / f"{i:04d}.png")
    shutil.copy(fixtures / "bad" / "truncated.jpg", root / "broken.jpg")
    shutil.copy(fixtures / "near-duplicates" / "ukbench09348.jpg", root / "d1" / "copy.jpg")
    shutil.copy(fixtures / "near-duplicates" / "ukbench09348.jpg", root / "d2" / "copy.jpg")
    return root


def _scan_cmd(db: Path, media: Path) -> list[str]:
    return [sys.executable, "-m", "curata", "--database", str(db), "scan", str(media),
            "--json", "--batch-size", "10", "--workers", "2"]  # fmt: skip


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM locations").fetchone()[0]
    except sqlite3.Error:
        return 0


def _dump(db: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        orphans = conn.execute(
            "SELECT count(*) FROM assets WHERE id NOT IN (SELECT asset_id FROM locations)"
        ).fetchone()[0]
        assert orphans == 0
        return {
            "assets": conn.execute(
                "SELECT content_hash, media_type, file_format, file_size, width, height, phash,"
                " dhash FROM assets ORDER BY content_hash"
            ).fetchall(),
            "locations": conn.execute(
                "SELECT l.path, a.content_hash, l.file_size, l.mtime, l.missing FROM locations l"
                " JOIN assets a ON a.id = l.asset_id ORDER BY l.path"
            ).fetchall(),
            "errors": conn.execute(
                "SELECT path, level, reason FROM ingest_errors ORDER BY path"
            ).fetchall(),
        }


@pytest.fixture(scope="module")
def reference(
    tmp_path_factory: pytest.TempPathFactory, media: Path
) -> dict[str, list[tuple[object, ...]]]:
    db = tmp_path_factory.mktemp("ref") / "ref.db"
    subprocess.run(_scan_cmd(db, media), check=True, capture_output=True)
    dump = _dump(db)
    assert len(dump["locations"]) == FILES + 2 and len(dump["assets"]) == FILES + 1
    return dump


# Kill when this many locations are committed: at start-up, after the first batch, mid-way.
@pytest.mark.parametrize("kill_after", [0, 1, FILES // 3, (2 * FILES) // 3])
def test_killed_scan_then_rescan_equals_uninterrupted_scan(
    tmp_path: Path, media: Path, reference: dict[str, list[tuple[object, ...]]], kill_after: int
) -> None:
    db = tmp_path / "killed.db"
    proc = subprocess.Popen(
        _scan_cmd(db, media), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while kill_after and _count(db) < kill_after and proc.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.005)
    if kill_after == 0:
        time.sleep(0.3)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    committed = _count(db)
    assert committed < FILES + 2, "the scan finished before it could be killed"
    rerun = subprocess.run(_scan_cmd(db, media), capture_output=True, text=True, check=True)
    assert '"interrupted": false' in rerun.stdout
    assert _dump(db) == reference


def test_ctrl_c_stops_after_the_current_batch_and_the_next_scan_finishes(
    tmp_path: Path, media: Path, reference: dict[str, list[tuple[object, ...]]]
) -> None:
    db = tmp_path / "interrupted.db"
    proc = subprocess.Popen(
        _scan_cmd(db, media), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while _count(db) < FILES // 4 and proc.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal sends the whole group on Ctrl-C
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 130
    summary = json.loads(out)
    assert summary["interrupted"] is True and summary["missing"] == 0
    assert 0 < summary["new"] == _count(db) < FILES + 2
    rerun = subprocess.run(_scan_cmd(db, media), capture_output=True, text=True, check=True)
    assert json.loads(rerun.stdout)["unchanged"] == summary["new"] + summary["failed"]
    assert _dump(db) == reference

"""Real processes: concurrent writers on one selection, and an export killed with SIGKILL."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from curata import Curata
from tests.selections.conftest import PROJECT, add, draw_images

PER_PROCESS = 500
pytestmark = pytest.mark.slow

ADDER = """
import sys, time
from pathlib import Path
from curata import Curata

db, sid, actor, ready, go, *hashes = sys.argv[1:]
with Curata(database=db) as cur:
    Path(ready).touch()
    while not Path(go).exists():
        time.sleep(0.005)
    for digest in hashes:
        cur.update_selection({
            "project_id": "my-project", "selection_id": sid, "action": "add_items",
            "items": [{"asset_hash": digest, "selection_reason": actor}], "actor": actor,
        })
"""


@pytest.fixture(scope="module")
def thousand(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A catalog of 1,000 real PNG files (scanned once for the module)."""
    base = tmp_path_factory.mktemp("thousand")
    files = draw_images(base / "files", 2 * PER_PROCESS, size=24)
    db = base / "template.db"
    with Curata(database=db) as cur:
        assert cur.scan(base / "files").data.new == len(files)
        cur.create_project({"name": "My Project"})
    hashes = [hashlib.sha256(f.read_bytes()).hexdigest() for f in files]
    assert len(set(hashes)) == 2 * PER_PROCESS
    return db, hashes


def _fresh(
    thousand: tuple[Path, list[str]], tmp_path: Path, items: list[str]
) -> tuple[Path, str, list[str]]:
    """A copy of the 1,000-file catalog with a new selection holding ``items``."""
    template, hashes = thousand
    db = tmp_path / "catalog.db"
    db.write_bytes(template.read_bytes())
    with Curata(database=db) as cur:
        sid = cur.create_selection({"project_id": PROJECT, "name": "Reliability"}).data.id
        if items:
            add(cur, sid, *items)
    return db, sid, hashes


def test_two_processes_add_500_items_each_at_once(
    thousand: tuple[Path, list[str]], tmp_path: Path
) -> None:
    db, sid, hashes = _fresh(thousand, tmp_path, [])
    go = tmp_path / "go"
    procs = []
    for n, part in enumerate((hashes[:PER_PROCESS], hashes[PER_PROCESS:])):
        ready = tmp_path / f"ready{n}"
        cmd = [sys.executable, "-c", ADDER, str(db), sid, f"p{n}", str(ready), str(go), *part]
        procs.append((subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True), ready))
    while not all(ready.exists() for _, ready in procs):
        assert all(p.poll() is None for p, _ in procs), [p.stderr.read() for p, _ in procs]
        time.sleep(0.01)
    go.touch()
    for proc, _ in procs:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    with Curata(database=db) as cur:
        sel = cur.get_selection(PROJECT, sid).data
        history = cur.selection_history(PROJECT, sid, action="add_items").data
    assert sel.item_count == 2 * PER_PROCESS
    assert sorted(i.asset_hash for i in sel.items) == sorted(hashes)
    assert sorted(i.position for i in sel.items) == list(range(2 * PER_PROCESS))
    assert all(i.selection_reason == i.added_by for i in sel.items)
    assert len(history) == 2 * PER_PROCESS
    assert sorted(h.asset_hashes[0] for h in history) == sorted(hashes)
    assert {h.actor for h in history} == {"p0", "p1"}


KILLED_EXPORT = """
import sys
from pathlib import Path
from curata import Curata

db, sid, target, mark = sys.argv[1:]

def progress(done, total):
    if done == 40:
        Path(mark).touch()

with Curata(database=db) as cur:
    cur.export_selection(
        {"project_id": "my-project", "selection_id": sid, "export_path": target},
        progress=progress,
    )
"""


def test_export_killed_midway_leaves_no_target_and_can_be_redone(
    thousand: tuple[Path, list[str]], tmp_path: Path
) -> None:
    db, sid, hashes = _fresh(thousand, tmp_path, thousand[1])
    with Curata(database=db) as cur:
        before = cur.get_selection(PROJECT, sid).data
    target = tmp_path / "exports" / "delivery"
    mark = tmp_path / "midway"
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_EXPORT, str(db), sid, str(target), str(mark)],
        stderr=subprocess.PIPE,
    )
    while not mark.exists():
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        time.sleep(0.002)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert not target.exists()
    staged = [p for p in target.parent.iterdir() if ".curata-export-" in p.name]
    assert len(staged) == 1 and any(staged[0].rglob("*.png"))
    with Curata(database=db) as cur:
        after = cur.get_selection(PROJECT, sid).data
        assert after.status == before.status and after.exports == []
        assert cur.selection_history(PROJECT, sid, action="export").data == []
        result = cur.export_selection(
            {"project_id": PROJECT, "selection_id": sid, "export_path": str(target)}
        ).data
        assert cur.get_selection(PROJECT, sid).data.status.value == "exported"
    assert result.exported_count == len(hashes)
    assert sorted(p.name for p in target.parent.iterdir()) == ["delivery"]
    written = sorted(p for p in (target / "ungrouped").iterdir() if p.suffix == ".png")
    assert len(written) == len(hashes)

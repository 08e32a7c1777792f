"""Watch mode over real folders: files written, grown, renamed, deleted while watched."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from curata import Curata
from curata.ingest import watch as watch_service
from curata.ingest.watch import Settling
from curata.models import CatalogChange, ScanSummary

#: Generous bound for an event to be seen on a loaded machine (never a speed claim).
EVENTUAL = 60.0


def eventually(condition: Callable[[], object], what: str) -> None:
    deadline = time.monotonic() + EVENTUAL
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {EVENTUAL}s: {what}")
        time.sleep(0.05)


def noise_png(path: Path, seed: int, size: int = 48) -> Path:
    rng = random.Random(seed)
    image = Image.frombytes("RGB", (size, size), rng.randbytes(size * size * 3))
    image.save(path, "PNG")
    return path


class Watching:
    """``Curata.watch`` of a folder in a thread, with every change and batch it reported."""

    def __init__(self, cur: Curata, roots: list[Path], **options: object) -> None:
        self.cur = cur
        self.stop = threading.Event()
        self.changes: list[CatalogChange] = []
        self.batches: list[ScanSummary] = []
        self.result: ScanSummary | None = None
        self.thread = threading.Thread(
            target=self._run, args=([str(r) for r in roots], options), daemon=True
        )

    def _run(self, roots: list[str], options: dict[str, object]) -> None:
        self.result = watch_service.watch(
            self.cur.catalog,
            roots,
            workers=1,
            stop=self.stop,
            on_change=self.changes.extend,
            on_batch=self.batches.append,
            **options,  # type: ignore[arg-type]
        )

    def kinds(self, path: Path) -> list[str]:
        return [c.kind for c in list(self.changes) if c.path == str(path)]


@contextmanager
def watching(cur: Curata, *roots: Path, **options: object) -> Iterator[Watching]:
    w = Watching(cur, list(roots), **options)
    w.thread.start()
    eventually(lambda: w.batches, "the first scan of the watched folder")
    try:
        yield w
    finally:
        w.stop.set()
        w.thread.join(EVENTUAL)
    assert not w.thread.is_alive()


def location(cur: Curata, path: Path) -> tuple[str, bool] | None:
    """(content hash, missing) of the cataloged location ``path``, or None."""
    with cur.catalog.read() as conn:
        from sqlalchemy import select

        from curata.catalog.codec import path_to_db
        from curata.catalog.schema import assets, locations

        row = conn.execute(
            select(assets.c.content_hash, locations.c.missing)
            .join(assets, assets.c.id == locations.c.asset_id)
            .where(locations.c.path == path_to_db(str(path)))
        ).first()
    return None if row is None else (row[0], bool(row[1]))


def asset_count(cur: Curata) -> int:
    stats = cur.stats().data
    assert stats is not None
    return stats.assets


# --- the pure settling rule ----------------------------------------------------------


@given(st.lists(st.integers(0, 10**6), min_size=1, max_size=30))
def test_a_path_whose_size_keeps_changing_never_settles(sizes: list[int]) -> None:
    growing = iter(range(10**9))
    settling = Settling(quiet=0.5)
    settling.touch(["f"], 0.0, lambda _p: (next(growing), 0))
    for step, _size in enumerate(sizes, start=1):
        assert settling.settled(step * 1.0, lambda _p: (next(growing), 0)) == []
    assert "f" in settling.pending


@given(st.floats(0.1, 5.0), st.floats(0.0, 20.0))
def test_a_quiet_unchanged_path_settles_once_and_only_after_the_quiet_time(
    quiet: float, later: float
) -> None:
    def lookup(path: str) -> tuple[int, int] | None:
        return None if path == "gone" else (7, 1)

    settling = Settling(quiet=quiet)
    settling.touch(["a", "gone"], 0.0, lookup)
    ready = settling.settled(later, lookup)
    assert ready == ([] if later < quiet else ["a", "gone"])
    assert settling.settled(later + quiet, lookup) == (["a", "gone"] if later < quiet else [])


def test_a_new_event_restarts_the_wait() -> None:
    settling = Settling(quiet=1.0)
    settling.touch(["a"], 0.0, lambda _p: (1, 1))
    settling.touch(["a"], 0.9, lambda _p: (1, 1))
    assert settling.settled(1.5, lambda _p: (1, 1)) == []
    assert settling.settled(2.0, lambda _p: (1, 1)) == ["a"]


# --- watching real folders -----------------------------------------------------------


def test_new_renamed_and_deleted_files_while_watched(cur: Curata, tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    noise_png(lib / "old.png", 1)
    with watching(cur, lib) as w:
        assert w.kinds(lib / "old.png") == ["new"]
        digest = location(cur, lib / "old.png")
        assert digest is not None
        cur.tag_assets({"assets": [digest[0]], "tags": ["keeper"]})

        noise_png(lib / "fresh.png", 2)
        eventually(lambda: w.kinds(lib / "fresh.png") == ["new"], "the new file cataloged")
        fresh = _sha256(lib / "fresh.png")
        assert location(cur, lib / "fresh.png") == (fresh, False)

        (lib / "sub").mkdir()
        os.rename(lib / "old.png", lib / "sub" / "renamed.png")
        eventually(lambda: w.kinds(lib / "sub" / "renamed.png") == ["moved"], "the rename")
        assert location(cur, lib / "old.png") is None  # the location moved, not a copy
        assert location(cur, lib / "sub" / "renamed.png") == (digest[0], False)
        assert asset_count(cur) == 2
        asset = cur.get_asset(digest[0]).data
        assert asset is not None and "keeper" in asset.tags

        (lib / "fresh.png").unlink()
        eventually(lambda: w.kinds(lib / "fresh.png") == ["new", "missing"], "the deletion")
        assert location(cur, lib / "fresh.png") == (fresh, True)
    assert w.result is not None and w.result.interrupted
    assert w.result.new == 2 and w.result.moved == 1 and w.result.missing == 1
    roots = cur.scan_roots().data
    assert roots is not None and [r.path for r in roots] == [str(lib.resolve())]


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_file_still_being_written_is_read_once_complete(cur: Curata, tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    whole = noise_png(tmp_path / "whole.png", 3, size=256).read_bytes()
    target = lib / "slow.png"
    with watching(cur, lib, quiet=1.0) as w:
        with target.open("wb") as out:
            for start in range(0, len(whole), 4096):
                out.write(whole[start : start + 4096])
                out.flush()
                time.sleep(0.02)
        eventually(lambda: w.kinds(target), "the written file cataloged")
        assert w.kinds(target) == ["new"]  # not a failed read of half a file first
        assert location(cur, target) == (_sha256(target), False)


def test_links_out_of_the_root_hidden_files_and_the_catalog_are_passed_over(
    tmp_path: Path,
) -> None:
    lib = tmp_path / "lib"
    outside = tmp_path / "outside"
    lib.mkdir()
    outside.mkdir()
    noise_png(outside / "private.png", 4)
    with Curata(database=lib / "catalog.db") as cur, watching(cur, lib) as w:
        (lib / "door").symlink_to(outside, target_is_directory=True)
        (lib / "file-door.png").symlink_to(outside / "private.png")
        (lib / ".hidden").mkdir()
        noise_png(lib / ".hidden" / "secret.png", 5)
        noise_png(lib / "after.png", 6)  # seen after the others: they were looked at
        eventually(lambda: w.kinds(lib / "after.png") == ["new"], "the sentinel file")
        time.sleep(watch_service.QUIET * 2)
        seen = {c.path for c in w.changes}
        assert seen == {str(lib / "after.png")}
        assert asset_count(cur) == 1
        errors = cur.ingest_errors(level=None).data or []
        assert {e.path for e in errors} >= {str(lib / "door"), str(lib / "file-door.png")}


def test_a_changed_sidecar_rereads_its_image(cur: Curata, tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    noise_png(lib / "render.png", 7)
    with watching(cur, lib) as w:
        (lib / "render.txt").write_text(
            "a lighthouse at dusk\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 42, "
            "Size: 48x48, Model: sdxl"
        )

        def prompt() -> object:
            asset = cur.get_asset(str(lib / "render.png")).data
            return asset is not None and asset.metadata.get("prompt")

        eventually(prompt, "the sidecar's prompt on the image")
        assert prompt() == "a lighthouse at dusk"
        assert not w.kinds(lib / "render.txt")  # a sidecar, not a document


def test_a_later_start_catches_up_with_what_changed_meanwhile(cur: Curata, tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    noise_png(lib / "a.png", 8)
    noise_png(lib / "b.png", 9)
    with watching(cur, lib):
        pass
    (lib / "a.png").unlink()
    noise_png(lib / "c.png", 10)
    with watching(cur, lib) as w:
        assert sorted((c.kind, Path(c.path).name) for c in w.changes) == [
            ("missing", "a.png"),
            ("new", "c.png"),
        ]


def test_curata_watch_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    noise_png(lib / "a.png", 11)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "curata", "--database", str(tmp_path / "c.db"), "watch", str(lib)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if line.startswith("scanned"):
            break
    noise_png(lib / "b.png", 12)
    for line in proc.stdout:
        lines.append(line)
        if "b.png" in line:
            break
    proc.send_signal(signal.SIGINT)
    rest, _ = proc.communicate(timeout=EVENTUAL)
    output = "".join(lines) + rest
    assert proc.returncode == 0, output
    assert "new " in output and str(lib / "b.png") in output
    assert "stopped" in rest and "Traceback" not in output


def test_the_python_example_of_docs_watch_md_runs(capsys: pytest.CaptureFixture[str]) -> None:
    import re

    doc = (Path(__file__).parents[2] / "docs" / "watch.md").read_text()
    (block,) = re.findall(r"```python\n(.*?)```", doc, re.S)
    exec(compile(block, "docs/watch.md", "exec"), {})
    assert capsys.readouterr().out.strip() == "1 ['new']"

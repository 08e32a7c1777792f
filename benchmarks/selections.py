"""Selections: adding 10,000 items in one request, and exporting 1,000 real image files.

1. ``add``: one ``add_items`` request with 10,000 items (full content hashes, a reason
   and a role each) on a catalog of 10,000 scanned PNG files. The peer, in the same
   run, is the floor for the same rows: one ``executemany`` INSERT of those 10,000
   ``selection_items`` rows with the sqlite3 module into a copy of the same catalog
   (no validation, no checks, no history).
2. ``export``: a selection of 1,000 JPEG photos (640x480, ~50 kB each) exported in copy
   mode, against ``cp -r`` of the same files in the same run (files/s and the ratio).
   Two curata configurations: files only (``sidecars=False, contact_sheet=False``:
   copy, SHA-256 of the source on the way, re-read and SHA-256 of every written file,
   manifests, README, checksums) and the default (also a JSON sidecar and a thumbnail
   per file, and the HTML contact sheet). Each is run ``--repeat`` times, alternating
   with ``cp -r``; the median is reported. Files are in the page cache for both.

    .venv/bin/python benchmarks/selections.py
    .venv/bin/python benchmarks/selections.py --items 10000 --files 1000 --repeat 3
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sqlite3
import statistics
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

from curata import Curata

DATA = Path(__file__).resolve().parent / ".data" / "selections"
PROJECT = "bench"


def _png(i: int, folder: Path) -> Path:
    path = folder / f"{i // 1000:03d}" / f"{i:06d}.png"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (16, 16), (i % 256, (i // 256) % 256, (i // 65536) % 256)).save(path)
    return path


def _photo(i: int, folder: Path) -> Path:
    """A photo-like JPEG: a noisy gradient with shapes, blurred (so it compresses like a
    photograph, not like flat colour or pure noise)."""
    path = folder / f"photo_{i:05d}.jpg"
    if not path.exists():
        img = Image.linear_gradient("L").resize((640, 480)).convert("RGB")
        noise = Image.effect_noise((640, 480), 40 + i % 50).convert("RGB")
        img = Image.blend(img, noise, 0.35)
        draw = ImageDraw.Draw(img)
        for k in range(6):
            x, y = (i * 37 + k * 101) % 600, (i * 53 + k * 67) % 440
            draw.ellipse((x, y, x + 40 + k * 9, y + 30 + k * 7), fill=(i % 255, k * 40, 90))
        img.filter(ImageFilter.GaussianBlur(1)).save(path, quality=90)
    return path


def _catalog(name: str, files: list[Path], root: Path) -> Path:
    db = DATA / f"{name}.db"
    marker = DATA / f"{name}.complete"
    if not marker.exists():
        db.unlink(missing_ok=True)
        with Curata(database=db) as cur:
            cur.scan(root)
            cur.create_project({"name": "Bench", "project_id": PROJECT})
        marker.touch()
    return db


def _copy_db(db: Path, into: Path) -> Path:
    out = into / db.name
    shutil.copy(db, out)
    return out


def bench_add(count: int) -> dict[str, float]:
    folder = DATA / f"png-{count}"
    files = [_png(i, folder) for i in range(count)]
    db = _catalog(f"png-{count}", files, folder)
    hashes = [hashlib.sha256(f.read_bytes()).hexdigest() for f in files]
    with tempfile.TemporaryDirectory(dir=DATA) as tmp:
        work = _copy_db(db, Path(tmp))
        with Curata(database=work) as cur:
            sid = cur.create_selection({"project_id": PROJECT, "name": "Big"}).data.id
            items = [
                {"asset_hash": h, "selection_reason": f"pick {n}", "role": "supporting"}
                for n, h in enumerate(hashes)
            ]
            started = time.perf_counter()
            cur.update_selection(
                {"project_id": PROJECT, "selection_id": sid, "action": "add_items", "items": items}
            )
            ours = time.perf_counter() - started
            assert cur.get_selection(PROJECT, sid).data.item_count == count
        peer_db = Path(tmp) / "peer.db"
        shutil.copy(db, peer_db)
        with Curata(database=peer_db) as cur:
            peer_sid = cur.create_selection({"project_id": PROJECT, "name": "Big"}).data.id
        conn = sqlite3.connect(peer_db)
        ids = dict(conn.execute("SELECT content_hash, id FROM assets").fetchall())
        now = datetime.now(UTC).isoformat(" ")
        rows = [
            (peer_sid, ids[h], f"pick {n}", "supporting", n, "[]", "{}", now)
            for n, h in enumerate(hashes)
        ]
        started = time.perf_counter()
        conn.executemany(
            "INSERT INTO selection_items (selection_id, asset_id, selection_reason, role, "
            "position, tags, custom_metadata, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        conn.commit()
        peer = time.perf_counter() - started
        conn.close()
    return {"ours": ours, "peer": peer}


def bench_export(count: int, repeat: int) -> dict[str, list[float]]:
    folder = DATA / f"photos-{count}"
    folder.mkdir(parents=True, exist_ok=True)
    files = [_photo(i, folder) for i in range(count)]
    db = _catalog(f"photos-{count}", files, folder)
    times: dict[str, list[float]] = {"cp": [], "files_only": [], "default": []}
    with tempfile.TemporaryDirectory(dir=DATA) as tmp:
        work = _copy_db(db, Path(tmp))
        out = Path(tmp) / "out"
        out.mkdir()
        with Curata(database=work) as cur:
            sid = cur.create_selection({"project_id": PROJECT, "name": "Photos"}).data.id
            cur.update_selection(
                {
                    "project_id": PROJECT,
                    "selection_id": sid,
                    "action": "add_items",
                    "items": [{"asset_hash": str(f)} for f in files],
                }
            )
            for f in files:  # page cache
                f.read_bytes()
            for run in range(repeat):
                target = out / f"cp-{run}"
                started = time.perf_counter()
                subprocess.run(["cp", "-r", str(folder), str(target)], check=True)
                times["cp"].append(time.perf_counter() - started)
                for config, extra in (
                    ("files_only", {"sidecars": False, "contact_sheet": False}),
                    ("default", {}),
                ):
                    request = {
                        "project_id": PROJECT,
                        "selection_id": sid,
                        "export_path": str(out / f"{config}-{run}"),
                        **extra,
                    }
                    started = time.perf_counter()
                    result = cur.export_selection(request).data
                    times[config].append(time.perf_counter() - started)
                    assert result.exported_count == count
            shutil.rmtree(out)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)

    add = bench_add(args.items)
    print(f"add {args.items:,} items in one request")
    print(
        f"  curata add_items        {add['ours']:8.3f} s  ({args.items / add['ours']:,.0f} items/s)"
    )
    print(f"  sqlite3 executemany     {add['peer']:8.3f} s  (bare INSERT of the same rows)")
    print(f"  ratio curata / peer     {add['ours'] / add['peer']:8.1f}x")

    times = bench_export(args.files, args.repeat)
    cp = statistics.median(times["cp"])
    print(f"\nexport {args.files:,} JPEG photos, copy mode (median of {args.repeat})")
    print(f"  cp -r                   {cp:8.3f} s  {args.files / cp:8,.0f} files/s")
    for config in ("files_only", "default"):
        t = statistics.median(times[config])
        print(
            f"  curata {config:<16} {t:8.3f} s  {args.files / t:8,.0f} files/s"
            f"  ratio to cp -r: {cp / t:.2f}"
        )


if __name__ == "__main__":
    main()

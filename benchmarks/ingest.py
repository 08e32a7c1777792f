"""Ingest speed: curata's scan against a naive one-process peer, on the same folder.

The folder (generated once, cached in benchmarks/.data/ingest): 300 JPEGs at 12 MP and
300 PNGs at 1-2 MP carrying AUTOMATIC1111 ``parameters`` text chunks, made by upscaling
and perturbing the fixture photos so that every file is distinct.

The peer does what most tools do: one process, ``Image.open`` + ``imagehash.phash`` +
``hashlib.sha256`` per file. curata scans into a fresh SQLite catalog each time.

    .venv/bin/python benchmarks/ingest.py [--jpegs 300] [--pngs 300]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import imagehash
import numpy as np
from PIL import Image, PngImagePlugin

from curata import Curata
from ingest_metadata import scan_seconds  # benchmarks/ingest_metadata.py, beside this file

HERE = Path(__file__).resolve().parent
FIXTURES = Path(os.environ.get("CURATA_FIXTURES", HERE.parents[1] / "shared" / "fixtures"))
DATA = HERE / ".data" / "ingest"

A1111 = (
    "masterpiece, portrait of a {i} year old explorer, dramatic light, highly detailed\n"
    "Negative prompt: blurry, lowres, watermark\n"
    "Steps: {steps}, Sampler: DPM++ 2M Karras, CFG scale: 7, Seed: {seed}, "
    "Size: {w}x{h}, Model hash: 6ce0161689, Model: v1-5-pruned-emaonly"
)


def _sources() -> list[Path]:
    return sorted((FIXTURES / "near-duplicates").glob("ukbench0*[0-9].jpg"))


def _perturbed(src: Path, size: tuple[int, int], i: int) -> Image.Image:
    rng = np.random.default_rng(i)
    with Image.open(src) as im:
        im = im.convert("RGB")
        w, h = im.size
        dx, dy = int(rng.integers(0, w // 10)), int(rng.integers(0, h // 10))
        im = im.crop((dx, dy, w - w // 10 + dx, h - h // 10 + dy)).resize(size, Image.BICUBIC)
    pixels = np.asarray(im, dtype=np.int16)
    pixels = pixels * rng.uniform(0.85, 1.15) + rng.normal(0, 6, pixels.shape)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def _make_jpeg(args: tuple[Path, Path, int]) -> None:
    src, dest, i = args
    _perturbed(src, (4000, 3000), i).save(dest, quality=90)


def _make_png(args: tuple[Path, Path, int]) -> None:
    src, dest, i = args
    w, h = (1024 + 64 * (i % 8), 1024 + 64 * (i % 5))
    info = PngImagePlugin.PngInfo()
    info.add_text("parameters", A1111.format(i=20 + i % 50, steps=20 + i % 30, seed=1000 + i,
                                             w=w, h=h))  # fmt: skip
    _perturbed(src, (w, h), 10_000 + i).save(dest, pnginfo=info, compress_level=6)


def build_folder(jpegs: int, pngs: int) -> Path:
    folder = DATA / f"j{jpegs}-p{pngs}"
    marker = folder / ".complete"
    if marker.exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "jpeg").mkdir(parents=True)
    (folder / "png").mkdir(parents=True)
    sources = _sources()
    jobs_j = [
        (sources[i % len(sources)], folder / "jpeg" / f"photo_{i:04d}.jpg", i) for i in range(jpegs)
    ]
    jobs_p = [
        (sources[i % len(sources)], folder / "png" / f"render_{i:04d}.png", i) for i in range(pngs)
    ]
    print(f"generating {jpegs} JPEGs (12 MP) and {pngs} PNGs (1-2 MP) in {folder} ...", flush=True)
    with ProcessPoolExecutor() as pool:
        list(pool.map(_make_jpeg, jobs_j, chunksize=4))
        list(pool.map(_make_png, jobs_p, chunksize=4))
    marker.touch()
    return folder


def naive_peer(files: list[Path]) -> float:
    """Seconds for the naive approach over ``files``."""
    start = time.perf_counter()
    for path in files:
        with Image.open(path) as im:
            imagehash.phash(im)
        hashlib.sha256(path.read_bytes()).hexdigest()
    return time.perf_counter() - start


def curata_scan(folder: Path, workdir: Path, **kwargs: object) -> tuple[float, int]:
    """Seconds for a full curata scan of ``folder`` into a fresh catalog, and files cataloged."""
    db = workdir / f"bench-{time.monotonic_ns()}.db"
    with Curata(db) as cur:
        start = time.perf_counter()
        summary = cur.scan([folder], **kwargs).data  # type: ignore[arg-type]
        elapsed = time.perf_counter() - start
    assert summary is not None and summary.failed == 0
    return elapsed, summary.new


def rescan(folder: Path, workdir: Path) -> tuple[float, int]:
    db = workdir / "rescan.db"
    with Curata(db) as cur:
        cur.scan([folder])
        start = time.perf_counter()
        summary = cur.scan([folder]).data
        elapsed = time.perf_counter() - start
    assert summary is not None and summary.unchanged == summary.files_seen
    return elapsed, summary.files_seen


def small_tree(root: Path, count: int) -> Path:
    """``count`` tiny distinct PNGs in nested folders, for the re-scan rate at scale."""
    marker = root / ".complete"
    if marker.exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    for i in range(count):
        folder = root / f"{i // 1000:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        Image.new("L", (8, 8), i % 256).save(folder / f"{i:06d}.png", pnginfo=_tiny_info(i))
    marker.touch()
    return root


def _tiny_info(i: int) -> PngImagePlugin.PngInfo:
    info = PngImagePlugin.PngInfo()
    info.add_text("n", str(i))
    return info


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--jpegs", type=int, default=300)
    parser.add_argument("--pngs", type=int, default=300)
    parser.add_argument("--rescan-files", type=int, default=20_000,
                        help="size of the tree of tiny files for the re-scan rate")  # fmt: skip
    args = parser.parse_args()
    folder = build_folder(args.jpegs, args.pngs)
    kinds = {"jpeg (12 MP)": folder / "jpeg", "png (1-2 MP, A1111)": folder / "png"}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for label, sub in kinds.items():
            files = sorted(sub.iterdir())
            ours, n = curata_scan(sub, work)
            peer = naive_peer(files)
            rows.append((label, n, n / ours, len(files) / peer))
        ours, n = curata_scan(folder, work)
        peer = naive_peer(sorted(p for sub in kinds.values() for p in sub.iterdir()))
        rows.append(("overall", n, n / ours, n / peer))
        without_meta = scan_seconds(folder, work, False, None).wall
        with_meta = scan_seconds(folder, work, True, None).wall
        again, seen = rescan(folder, work)
        tiny = small_tree(DATA / f"tiny-{args.rescan_files}", args.rescan_files)
        again_big, seen_big = rescan(tiny, work)
    cpus = os.cpu_count()
    print(f"\n## Ingest ({cpus} cores, Python {sys.version.split()[0]})\n")
    print("| files | count | curata files/s | naive peer files/s | ratio |")
    print("|---|---:|---:|---:|---:|")
    for label, n, ours_rate, peer_rate in rows:
        print(
            f"| {label} | {n} | {ours_rate:.1f} | {peer_rate:.1f} | {ours_rate / peer_rate:.2f}x |"
        )
    added = (with_meta - without_meta) / without_meta * 100
    print(
        f"\nfull scan without / with the metadata step: {without_meta:.1f} s / {with_meta:.1f} s"
        f" ({added:+.1f}%; rounds and CPU time: benchmarks/ingest_metadata.py)"
    )
    print(f"unchanged re-scan: {seen} files in {again * 1000:.0f} ms = {seen / again:,.0f} files/s")
    print(f"unchanged re-scan: {seen_big} files in {again_big * 1000:.0f} ms = "
          f"{seen_big / again_big:,.0f} files/s")  # fmt: skip


if __name__ == "__main__":
    main()

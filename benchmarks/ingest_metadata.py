"""What the generation-metadata step costs a scan: the same folder scanned with and
without it (sidecars, C2PA, stealth pixels and the parsers), into fresh SQLite catalogs.

The folder (generated once, cached in benchmarks/.data/ingest-metadata) is an AI
library: PNGs (1-1.5 MP) with AUTOMATIC1111 ``parameters``, PNGs carrying the ComfyUI
``prompt`` and ``workflow`` graphs of the multi-prompt fixture (17 KB of JSON each),
12 MP JPEGs with the A1111 text in EXIF ``UserComment``, and ``.txt``/``.xmp`` sidecars
beside a quarter of the PNGs. The peer is the same scanner with ``metadata=False``:
the target is that parsing adds at most 10% to the full scan.

    .venv/bin/python benchmarks/ingest_metadata.py [--pngs 240] [--comfy 120] [--jpegs 40]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, PngImagePlugin

from curata.catalog import Catalog
from curata.config import resolve_database_url
from curata.ingest.metadata import parse_metadata
from curata.ingest.probe import probe_file
from curata.ingest.scanner import Scanner

HERE = Path(__file__).resolve().parent
FIXTURES = Path(os.environ.get("CURATA_FIXTURES", HERE.parents[1] / "shared" / "fixtures"))
DATA = HERE / ".data" / "ingest-metadata"
A1111 = (
    "portrait of explorer {i}, <lora:detail:0.6>, dramatic light, highly detailed\n"
    "Negative prompt: blurry, lowres, watermark\n"
    "Steps: {steps}, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: {seed}, "
    'Size: {w}x{h}, Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, Lora hashes: "detail: '
    'ab12cd34ef56", Version: v1.10.1'
)
XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmp:Rating="{r}"><dc:subject><rdf:Bag><rdf:li>explorer</rdf:li><rdf:li>set {i}</rdf:li>'
    "</rdf:Bag></dc:subject></rdf:Description></rdf:RDF></x:xmpmeta>"
)


def _picture(i: int, size: tuple[int, int]) -> Image.Image:
    sources = sorted((FIXTURES / "near-duplicates").glob("ukbench0*[0-9].jpg"))
    rng = np.random.default_rng(i)
    with Image.open(sources[i % len(sources)]) as im:
        im = im.convert("RGB").resize(size, Image.BICUBIC)
    pixels = np.asarray(im, dtype=np.int16) * rng.uniform(0.85, 1.15)
    pixels = pixels + rng.normal(0, 6, pixels.shape)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def _comfy_chunks() -> dict[str, str]:
    with Image.open(FIXTURES / "generators" / "comfyui_multi_prompt.png") as im:
        im.load()
        return {k: v for k, v in im.text.items() if k in ("prompt", "workflow")}


def _make(job: tuple[str, Path, int]) -> None:
    kind, dest, i = job
    if kind == "jpeg":
        exif = Image.Exif()
        text = A1111.format(i=i, steps=30, seed=i, w=4000, h=3000)
        exif[0x8769] = {0x9286: b"UNICODE\0" + text.encode("utf-16-be")}
        _picture(i, (4000, 3000)).save(dest, quality=90, exif=exif)
        return
    w, h = 1024 + 64 * (i % 4), 1024 + 64 * (i % 3)
    info = PngImagePlugin.PngInfo()
    if kind == "comfy":
        for key, value in _comfy_chunks().items():
            info.add_text(key, value)
    else:
        info.add_text("parameters", A1111.format(i=i, steps=20 + i % 30, seed=i, w=w, h=h))
    _picture(10_000 + i, (w, h)).save(dest, pnginfo=info, compress_level=6)
    if kind == "png" and i % 4 == 0:
        dest.with_suffix(".txt").write_text(A1111.format(i=i, steps=25, seed=i, w=w, h=h))
        Path(f"{dest}.xmp").write_text(XMP.format(r=i % 6, i=i))


@dataclass
class Timing:
    wall: float
    cpu: float
    files: int


def build_folder(pngs: int, comfy: int, jpegs: int) -> Path:
    folder = DATA / f"p{pngs}-c{comfy}-j{jpegs}"
    if (folder / ".complete").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    jobs = [("png", folder / f"a1111_{i:04d}.png", i) for i in range(pngs)]
    jobs += [("comfy", folder / f"comfy_{i:04d}.png", i) for i in range(comfy)]
    jobs += [("jpeg", folder / f"photo_{i:04d}.jpg", i) for i in range(jpegs)]
    print(f"generating {len(jobs)} files in {folder} ...", flush=True)
    with ProcessPoolExecutor() as pool:
        list(pool.map(_make, jobs, chunksize=4))
    (folder / ".complete").touch()
    return folder


def scan_seconds(folder: Path, work: Path, metadata: bool, workers: int | None) -> Timing:
    """A full scan of ``folder`` into a fresh catalog: wall seconds, CPU seconds of this
    process (all the work when ``workers`` is 1: probing then runs in-process), files."""
    catalog = Catalog(resolve_database_url(work / f"scan-{time.monotonic_ns()}.db"))
    try:
        wall, cpu = time.perf_counter(), time.process_time()
        summary = Scanner(catalog, metadata=metadata, workers=workers).scan([str(folder)])
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        catalog.close()
    assert summary.failed == 0, summary
    return Timing(wall, cpu, summary.new)


def parse_only(folder: Path, sample: int = 200) -> float:
    """Microseconds per file of the pure parsers alone, on the probe's blocks."""
    files = sorted(p for p in folder.rglob("*") if p.suffix in (".png", ".jpg"))[:sample]
    blocks = [(probe_file(str(p)).blocks, str(p)) for p in files]
    start = time.perf_counter()
    for b, path in blocks:
        parse_metadata(b, path)
    return (time.perf_counter() - start) / len(blocks) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pngs", type=int, default=240)
    parser.add_argument("--comfy", type=int, default=120)
    parser.add_argument("--jpegs", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--folder", type=Path, help="measure this folder instead of the generated one"
    )
    args = parser.parse_args()
    folder = args.folder or build_folder(args.pngs, args.comfy, args.jpegs)
    parallel: dict[bool, list[Timing]] = {True: [], False: []}
    serial: dict[bool, list[Timing]] = {True: [], False: []}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        scan_seconds(folder, work, True, None)  # warm the page cache once
        for _ in range(args.rounds):
            for metadata in (False, True):
                parallel[metadata].append(scan_seconds(folder, work, metadata, None))
                serial[metadata].append(scan_seconds(folder, work, metadata, 1))
    files = parallel[True][0].files
    wall = {m: statistics.median(t.wall for t in parallel[m]) for m in (False, True)}
    cpu = {m: statistics.median(t.cpu for t in serial[m]) for m in (False, True)}
    print(f"\n## Generation metadata ({os.cpu_count()} cores, Python {sys.version.split()[0]})\n")
    if args.folder:
        described = f"{args.folder}"
    else:
        described = (f"{args.pngs} A1111 PNGs, {args.comfy} ComfyUI PNGs, {args.jpegs} 12 MP "
                     f"JPEGs; sidecars beside {len(range(0, args.pngs, 4))} PNGs")  # fmt: skip
    print(f"folder: {files} files ({described}), {args.rounds} rounds, medians\n")
    print("| full scan | without metadata step | with metadata step | added |")
    print("|---|---:|---:|---:|")
    for label, values in (
        (f"wall s, {os.cpu_count()} workers", wall),
        ("CPU s, 1 process (load-independent)", cpu),
    ):
        added = (values[True] - values[False]) / values[False] * 100
        print(f"| {label} | {values[False]:.2f} | {values[True]:.2f} | {added:+.1f}% |")
    for name, runs in (("wall", parallel), ("cpu", serial)):
        pairs = zip(runs[False], runs[True], strict=True)
        key = "wall" if name == "wall" else "cpu"
        text = ", ".join(f"{getattr(a, key):.1f}/{getattr(b, key):.1f}" for a, b in pairs)
        print(f"\n{name} rounds (without/with): {text}")
    print(f"\npure parsers alone: {parse_only(folder):.0f} µs per file")
    print("target: the metadata step adds at most 10% to the full scan")


if __name__ == "__main__":
    main()

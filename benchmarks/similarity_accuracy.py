"""Similarity accuracy: recall and false positives on transformed real photos.

Originals: every decodable picture in the shared fixtures (UKBench photos, the
format samples, the generator images), each used whole and as its four quadrants
(distinct pictures of the same kind of content, so false positives get a fair
chance). Each original gets these copies: resized to 50%, JPEG quality 30,
brightness +20% and -20%, 5% cropped off the borders (2.5% a side), grayscale, and
mirrored. Everything is written to a folder, cataloged by the real scanner, and
searched with ``Curata.find_similar`` (the mirrored copy with ``invariant=True``).

- recall: the share of (original, copy) pairs the search finds, per transform;
- false positives: results that are not a copy of the query's own original, split
  into those from another photo and those from another quadrant of the same photo.

A threshold sweep over the same pHashes (computed from the catalog) shows the
trade-off; the search results at the default threshold are checked against it.
Also timed: the cost of an invariant query's 8 orientation hashes.

    .venv/bin/python benchmarks/similarity_accuracy.py [--thresholds 4,6,8,10,12,14]
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageEnhance, ImageOps

from curata import Curata
from curata.catalog import similarity as hash_store
from curata.catalog.assets import load_assets
from curata.similarity.bits import as_codes
from curata.similarity.orientation import load_for_hashing, orientation_hashes

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"
SOURCES = ("near-duplicates", "formats", "generators")
# Copies of other fixtures: the UKBench copies, the JPEG named .png, and the alpha
# channel image (ukbench00120 with transparency: 0-4 bits from it).
SKIP = ("_gray", "_hflip", "_resize", "_rotation", "_really_jpeg", "alpha_channel_image")
MIN_SIDE = 96


def _crop5(im: Image.Image) -> Image.Image:
    w, h = im.size
    dx, dy = round(w * 0.025), round(h * 0.025)
    return im.crop((dx, dy, w - dx, h - dy))


TRANSFORMS: dict[str, Callable[[Image.Image], Image.Image]] = {
    "resize50": lambda im: im.resize((max(1, im.width // 2), max(1, im.height // 2))),
    "jpeg30": lambda im: im,  # saved with quality 30
    "bright+20": lambda im: ImageEnhance.Brightness(im).enhance(1.2),
    "bright-20": lambda im: ImageEnhance.Brightness(im).enhance(0.8),
    "crop5": _crop5,
    "gray": lambda im: ImageOps.grayscale(im).convert("RGB"),
    "mirror": ImageOps.mirror,
}


def originals() -> list[tuple[str, Image.Image]]:
    """Distinct source pictures (pixel-identical ones, such as the alpha-channel copy of
    a UKBench photo, are kept once), each whole and as its four quadrants."""
    out: list[tuple[str, Image.Image]] = []
    seen: set[bytes] = set()
    for folder in SOURCES:
        for path in sorted((FIXTURES / folder).iterdir()):
            if any(s in path.stem for s in SKIP):
                continue
            try:
                with Image.open(path) as im:
                    im.seek(0)
                    base = ImageOps.exif_transpose(im).convert("RGB")
            except (OSError, ValueError):
                continue
            digest = hashlib.sha256(base.tobytes()).digest()
            if digest in seen:
                continue
            seen.add(digest)
            out.append((path.stem, base))
            w, h = base.size
            if min(w, h) >= 2 * MIN_SIDE:
                for i, (x, y) in enumerate([(0, 0), (w // 2, 0), (0, h // 2), (w // 2, h // 2)]):
                    out.append((f"{path.stem}_q{i}", base.crop((x, y, x + w // 2, y + h // 2))))
    return out


def photo(family: str) -> str:
    """The source photo of an original (its quadrants share it)."""
    return family.split("_q")[0]


def write_set(root: Path) -> dict[str, str]:
    """Write originals and copies; returns file name -> family (the original's name)."""
    family = {}
    for name, im in originals():
        im.save(root / f"{name}.png")
        family[f"{name}.png"] = name
        for tname, fn in TRANSFORMS.items():
            out = fn(im)
            file = f"{name}__{tname}.jpg"
            out.save(root / file, quality=30 if tname == "jpeg30" else 90)
            family[file] = name
    return family


def sweep(
    cur: Curata, family: dict[str, str], files: dict[str, list[str]], thresholds: list[int]
) -> None:
    """Recall and false positives per threshold, over every file's stored pHash."""
    with cur.catalog.read() as conn:
        rows = hash_store.hash_rows(conn)
        assets = load_assets(conn, rows.ids.tolist())
    per_asset = as_codes(rows.codes)
    names = [f for a in assets for f in files[a.content_hash]]
    codes = np.repeat(per_asset, [len(files[a.content_hash]) for a in assets])
    fam = np.array([family[n] for n in names])
    kind = np.array(
        [n.split("__")[1].removesuffix(".jpg") if "__" in n else "original" for n in names]
    )
    dist = np.bitwise_count(codes[:, None] ^ codes[None, :])
    same = fam[:, None] == fam[None, :]
    src = np.array([photo(f) for f in fam])
    same_photo = src[:, None] == src[None, :]
    upper = np.triu(np.ones_like(same), 1)
    print("\nthreshold sweep (pairs of distinct files; mirror excluded from recall):")
    print("t   recall (copies vs original)   FP pairs: other photos / other quadrants  FP rate")
    orig = kind == "original"
    for t in thresholds:
        copies = (~orig) & (kind != "mirror")
        hits = [
            dist[np.flatnonzero(orig & (fam == fam[i]))[0], i] <= t for i in np.flatnonzero(copies)
        ]
        close = (dist <= t) & upper & ~same
        fp, fp_quadrants = int((close & ~same_photo).sum()), int((close & same_photo).sum())
        rate = (fp + fp_quadrants) / int((~same & upper).sum())
        print(
            f"{t:<3} {np.mean(hits):.3f} ({sum(hits)}/{len(hits)})".ljust(34)
            + f"{fp} / {fp_quadrants}".ljust(42)
            + f"{rate:.5f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threshold", type=int, default=10)
    parser.add_argument("--thresholds", default="4,6,8,10,12,14,16")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "photos"
        root.mkdir()
        family = write_set(root)
        files: dict[str, list[str]] = {}
        for file in family:
            digest = hashlib.sha256((root / file).read_bytes()).hexdigest()
            files.setdefault(digest, []).append(file)
        n_orig = sum(1 for f in family if "__" not in f)
        print(f"{n_orig} originals x {len(TRANSFORMS)} copies = {len(family)} files")
        with Curata(database=Path(tmp) / "c.db") as cur:
            summary = cur.scan(root).data
            print(f"scanned: {summary.new} new, {summary.failed} failed")  # type: ignore[union-attr]
            found: dict[str, list[int]] = {t: [0, 0] for t in TRANSFORMS}
            fps, near_fps, results, hash_ms = 0, 0, 0, []
            for file, name in family.items():
                if "__" in file:
                    continue
                plain = cur.find_similar(
                    {"target": str(root / file), "threshold": args.threshold, "limit": 1000}
                ).data
                start = time.perf_counter()
                orientation_hashes(load_for_hashing(root / file))
                hash_ms.append((time.perf_counter() - start) * 1000)
                turned = cur.find_similar(
                    {
                        "target": str(root / file),
                        "threshold": args.threshold,
                        "limit": 1000,
                        "invariant": True,
                    }
                ).data
                for res, wanted in ((plain, set(TRANSFORMS) - {"mirror"}), (turned, {"mirror"})):
                    got = {f for m in res.results for f in files[m.asset.content_hash]}  # type: ignore[union-attr]
                    for t in wanted:
                        found[t][1] += 1
                        found[t][0] += f"{name}__{t}.jpg" in got
                    others = [family[g] for g in got if family[g] != name]
                    fps += sum(photo(o) != photo(name) for o in others)
                    near_fps += sum(photo(o) == photo(name) for o in others)
                    results += len(got)
            print(f"\nfind_similar at t = {args.threshold} (mirror: invariant=True):")
            for t, (hit, total) in found.items():
                print(f"  {t:<10} recall {hit / total:.3f} ({hit}/{total})")
            print(
                f"  false positives: {fps} from other photos, {near_fps} from other quadrants "
                f"of the same photo, of {results} results over {2 * n_orig} queries"
            )
            print(
                f"  8-orientation hashing per invariant query: median {np.median(hash_ms):.1f} ms, "
                f"max {max(hash_ms):.1f} ms"
            )
            sweep(cur, family, files, [int(t) for t in args.thresholds.split(",")])


if __name__ == "__main__":
    main()

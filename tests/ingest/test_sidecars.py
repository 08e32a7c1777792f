"""Sidecar files: which files are sidecars, their signature, and rescans that notice them."""

from __future__ import annotations

import os
from pathlib import Path

from PIL import Image

from curata import Curata
from curata.ingest.scanner import discover
from curata.ingest.sidecars import (
    candidates,
    read_sidecars,
    sidecar_owners,
    sidecar_signature,
)

A1111 = "a heron\nSteps: 20, Sampler: Euler, CFG scale: 7, Seed: {seed}, Model: {model}"


def test_candidates_cover_both_spellings_full_name_first() -> None:
    assert candidates("/d/a.png") == [
        ("json", "/d/a.png.json"),
        ("json", "/d/a.json"),
        ("txt", "/d/a.png.txt"),
        ("txt", "/d/a.txt"),
        ("xmp", "/d/a.png.xmp"),
        ("xmp", "/d/a.xmp"),
    ]
    assert ("txt", "/d/notes.txt") not in candidates("/d/notes.txt")


def test_signature_is_pure_given_a_lookup() -> None:
    files = {"/d/a.png.xmp": (10, 1.5), "/d/a.txt": (20, 2.0), "/d/b.txt": (5, 1.0)}
    sig = sidecar_signature("/d/a.png", files.get)
    assert sig == "a.png.xmp:10:1.5|a.txt:20:2.0"
    assert sidecar_signature("/d/c.png", files.get) is None
    changed = {**files, "/d/a.txt": (20, 3.0)}
    assert sidecar_signature("/d/a.png", changed.get) != sig


def test_the_full_name_spelling_wins(tmp_path: Path) -> None:
    image = tmp_path / "a.png"
    image.write_bytes(b"x")
    (tmp_path / "a.png.txt").write_text("full")
    (tmp_path / "a.txt").write_text("stem")
    blocks, problems = read_sidecars(str(image))
    assert (blocks, problems) == ({"sidecar:txt": "full"}, [])


def test_sidecar_owners() -> None:
    files = {
        "/d/a.png": 1,
        "/d/a.png.json": 1,
        "/d/a.txt": 1,
        "/d/b.jpg": 1,
        "/d/b.xmp": 1,
        "/d/notes.txt": 1,
        "/d/data.json": 1,
        "/e/a.txt": 1,
    }
    assert sidecar_owners(files) == {
        "/d/a.png.json": "/d/a.png",
        "/d/a.txt": "/d/a.png",
        "/d/b.xmp": "/d/b.jpg",
    }


def _image(path: Path, seed: int, model: str = "dreamshaper_8") -> None:
    Image.new("RGB", (8, 8), (seed % 256, 0, 0)).save(path)
    (path.parent / f"{path.stem}.txt").write_text(A1111.format(seed=seed, model=model))


def test_sidecars_are_not_assets_and_their_changes_reread_the_owner(
    cur: Curata, tmp_path: Path
) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    _image(lib / "00001-11.png", 11)
    (lib / "readme.txt").write_text("not a sidecar")
    first = cur.scan([lib]).data
    assert first is not None and first.files_seen == 2 and first.new == 2
    asset = cur.get_asset(str(lib / "00001-11.png")).data
    assert asset is not None and "model:dreamshaper_8" in asset.tags
    again = cur.scan([lib]).data
    assert again is not None and again.bytes_read == 0

    sidecar = lib / "00001-11.txt"
    sidecar.write_text(A1111.format(seed=11, model="juggernaut_x"))
    os.utime(sidecar, (1_700_000_000, 1_700_000_000))
    third = cur.scan([lib]).data
    assert third is not None and third.bytes_read > 0
    asset = cur.get_asset(str(lib / "00001-11.png")).data
    assert asset is not None
    assert "model:juggernaut_x" in asset.tags and "model:dreamshaper_8" not in asset.tags

    sidecar.unlink()
    fourth = cur.scan([lib]).data
    assert fourth is not None and fourth.bytes_read > 0
    asset = cur.get_asset(str(lib / "00001-11.png")).data
    assert asset is not None and not any(t.startswith("model:") for t in asset.tags)
    assert asset.ai_source == "automatic1111"  # the file name is still a (marked) guess
    assert asset.metadata["ai_source_guess"] is True


def test_a_single_file_root_sees_its_sidecar(cur: Curata, tmp_path: Path) -> None:
    image = tmp_path / "00002-22.png"
    _image(image, 22)
    cur.scan([image])
    assert cur.scan([image]).data.bytes_read == 0  # type: ignore[union-attr]
    (tmp_path / "00002-22.txt").write_text(A1111.format(seed=22, model="other_model"))
    assert cur.scan([image]).data.bytes_read > 0  # type: ignore[union-attr]
    asset = cur.get_asset(str(image)).data
    assert asset is not None and "model:other_model" in asset.tags


def test_discovered_signatures_equal_the_probes_own(tmp_path: Path) -> None:
    """The scanner's cheap signature (from the walk) equals the probe's (from stat)."""
    names = [
        "a.png", "a.png.json", "a.txt", "b.jpg", "b.xmp", "c.tar.gz", "c.tar.gz.txt",
        "noext", "noext.json", "v1.2/render.webp", "v1.2/render.xmp", "v1.2/plain",
        "notes.txt", "d.json", "d.json.xmp", "e.PNG", "e.TXT", "x.y.z.png", "x.y.txt",
    ]  # fmt: skip
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name)
    discovery = discover([str(tmp_path)])
    for path in [*discovery.files, *discovery.sidecars]:
        assert discovery.sidecar_signature(path) == sidecar_signature(path), path
    assert discovery.sidecar_signature(str(tmp_path / "a.png")) is not None
    assert discovery.sidecar_signature(str(tmp_path / "v1.2" / "plain")) is None

"""Export option ``metadata: keep | strip | sidecar-only``: embedded generation text and
EXIF/XMP stripped from the copies (never the originals), said in the manifest, with
the SHA-256 of what was written."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo

from curata import Curata
from curata.errors import InvalidRequest
from curata.ingest.probe import probe_file
from curata.roots import Confinement
from curata.selections.export.strip import StripError, strip
from curata.server import create_app
from tests.selections.conftest import PROJECT, add, new_selection, run_json
from tests.server.conftest import LiveServer

PARAMETERS = (
    "a lighthouse at dusk, oil painting\nNegative prompt: blurry\n"
    "Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 42, Size: 64x48, Model: sd_xl_base_1.0"
)
XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
    '22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/">'
    "<dc:subject><rdf:Bag><rdf:li>secret-client</rdf:li></rdf:Bag></dc:subject>"
    "</rdf:Description></rdf:RDF></x:xmpmeta>"
)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def noise(seed: int) -> Image.Image:
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 256, (48, 64, 3), dtype=np.uint8))


def exif_with_comment(orientation: int) -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "Prompt: {}"  # Make, where some ComfyUI savers put the graph
    exif.get_ifd(0x8769)[0x9286] = b"ASCII\x00\x00\x00" + PARAMETERS.encode()
    return exif


def write_library(root: Path) -> dict[str, Path]:
    root.mkdir()
    png = root / "a1111.png"
    info = PngInfo()
    info.add_text("parameters", PARAMETERS)
    info.add_itxt("XML:com.adobe.xmp", XMP)
    noise(1).save(png, pnginfo=info)
    jpeg = root / "rotated.jpg"
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    noise(2).save(jpeg, exif=exif_with_comment(6), xmp=XMP.encode(), comment=b"a comment",
                  icc_profile=srgb, quality=90)  # fmt: skip
    jpeg.write_bytes(jpeg.read_bytes() + b"appended after the image: secret")
    webp = root / "render.webp"
    noise(3).save(webp, exif=exif_with_comment(1), xmp=XMP.encode(), lossless=True)
    gif = root / "anim.gif"
    noise(4).convert("P").save(gif, comment=b"gif comment")
    return {"png": png, "jpeg": jpeg, "webp": webp, "gif": gif}


@pytest.fixture
def delivery(tmp_path: Path) -> tuple[Curata, str, dict[str, Path]]:
    files = write_library(tmp_path / "library")
    cur = Curata(database=tmp_path / "c.db")
    cur.scan([tmp_path / "library"], workers=1)
    cur.create_project({"name": "My Project"})
    sid = new_selection(cur)
    add(cur, sid, *files.values())
    yield cur, sid, files
    cur.close()


def export(cur: Curata, sid: str, target: Path, **options: Any):  # type: ignore[no-untyped-def]
    return cur.export_selection(
        {"project_id": PROJECT, "selection_id": sid, "export_path": str(target), **options}
    ).data


def pixels(path: Path) -> bytes:
    with Image.open(path) as image:
        return image.convert("RGB").tobytes()


def test_strip_removes_embedded_metadata_and_keeps_pixels_and_originals(
    delivery: tuple[Curata, str, dict[str, Path]], tmp_path: Path
) -> None:
    cur, sid, files = delivery
    before = {k: p.read_bytes() for k, p in files.items()}
    assert probe_file(str(files["png"])).generation["prompt"].startswith("a lighthouse")
    result = export(cur, sid, tmp_path / "out", metadata="strip")
    assert result.metadata.value == "strip"
    assert {k: p.read_bytes() for k, p in files.items()} == before  # never the originals

    written = {Path(i.source_path).suffix: i for i in result.items}
    for suffix in (".png", ".jpg", ".webp"):
        item = written[suffix]
        copy = tmp_path / "out" / item.exported_path
        assert item.metadata == "stripped"
        assert item.sha256 == sha(copy) != item.asset_hash
        assert item.bytes == copy.stat().st_size
        assert pixels(copy) == pixels(Path(item.source_path))
        probed = probe_file(str(copy))
        assert probed.error is None and not (probed.generation or {}).get("prompt")
        assert not any(k.startswith(("png:", "exif:", "xmp", "comment")) for k in probed.blocks)
        assert b"lighthouse" not in copy.read_bytes() and b"secret" not in copy.read_bytes()
    with Image.open(tmp_path / "out" / written[".jpg"].exported_path) as image:
        assert dict(image.getexif()) == {0x0112: 6}  # shown the right way up, nothing else
        assert image.info.get("icc_profile")  # colours unchanged
    gif = written[".gif"]
    assert (gif.metadata, gif.sha256) == ("kept", gif.asset_hash)  # no stripper: said so

    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["settings"]["metadata"] == "strip"
    assert {i["exported_path"]: i["sha256"] for i in manifest["items"]} == {
        i.exported_path: i.sha256 for i in result.items
    }
    for line in (tmp_path / "out" / "checksums.sha256").read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        assert sha(tmp_path / "out" / name.lstrip("*")) == digest
    sidecar = json.loads((tmp_path / "out" / f"{written['.png'].exported_path}.json").read_text())
    assert "prompt" not in sidecar and "generation_params" not in sidecar
    assert not [t for t in sidecar["tags"] if t.startswith(("model:", "generator:"))]
    assert "stripped" in (tmp_path / "out" / "README.md").read_text()


def test_sidecar_only_keeps_the_facts_beside_the_stripped_file(
    delivery: tuple[Curata, str, dict[str, Path]], tmp_path: Path
) -> None:
    cur, sid, _files = delivery
    result = export(cur, sid, tmp_path / "out", metadata="sidecar-only", layout="flat")
    png = next(i for i in result.items if i.exported_path.endswith(".png"))
    assert png.metadata == "stripped"
    assert not (probe_file(str(tmp_path / "out" / png.exported_path)).generation or {}).get(
        "prompt"
    )
    sidecar = json.loads((tmp_path / "out" / f"{png.exported_path}.json").read_text())
    assert (
        sidecar["prompt"].startswith("a lighthouse") and sidecar["generation_params"]["seed"] == 42
    )


def test_keep_is_the_default_and_copies_the_bytes(
    delivery: tuple[Curata, str, dict[str, Path]], tmp_path: Path
) -> None:
    cur, sid, _files = delivery
    result = export(cur, sid, tmp_path / "out")
    assert result.metadata.value == "keep"
    for item in result.items:
        assert item.metadata == "kept" and item.sha256 == item.asset_hash
        assert sha(tmp_path / "out" / item.exported_path) == item.asset_hash


@pytest.mark.parametrize(
    "options",
    [
        {"metadata": "strip", "mode": "hardlink"},
        {"metadata": "sidecar-only", "mode": "symlink"},
        {"metadata": "sidecar-only", "sidecars": False},
    ],
)
def test_impossible_combinations_name_the_option(
    delivery: tuple[Curata, str, dict[str, Path]], tmp_path: Path, options: dict[str, Any]
) -> None:
    cur, sid, _files = delivery
    with pytest.raises(InvalidRequest) as err:
        export(cur, sid, tmp_path / "out", **options)
    assert err.value.field == "metadata"
    assert not (tmp_path / "out").exists()


def test_http_and_cli_take_the_option(
    delivery: tuple[Curata, str, dict[str, Path]], tmp_path: Path
) -> None:
    cur, sid, _files = delivery
    confined = cur.confined(Confinement.of([tmp_path / "library"], [tmp_path]))
    body = {"project_id": PROJECT, "selection_id": sid, "export_path": str(tmp_path / "web")}
    with (
        LiveServer(create_app(confined, cache_dir=tmp_path / "cache")) as live,
        httpx.Client(base_url=live.url, timeout=60) as http,
    ):
        bad = http.post("/selections/export", json={**body, "metadata": "scrub"})
        assert bad.status_code == 422 and bad.json()["error"]["field"] == "metadata"
        ok = http.post("/selections/export", json={**body, "metadata": "strip"})
        assert ok.status_code == 200, ok.text
        assert ok.json()["data"]["metadata"] == "strip"
    out = run_json(tmp_path / "c.db", "selection", "export", sid, str(tmp_path / "cli"),
                   "--project", PROJECT, "--metadata", "sidecar-only")  # fmt: skip
    assert out["metadata"] == "sidecar-only"
    assert {i["metadata"] for i in out["items"]} == {"stripped", "kept"}


def test_a_file_that_is_not_its_format_fails_the_stripped_export() -> None:
    with pytest.raises(StripError):
        strip(b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR", "png")
    with pytest.raises(StripError):
        strip(b"\xff\xd8\xff\xe1\xff\xff", "jpeg")
    with pytest.raises(StripError):
        strip(b"RIFF\x10\x00\x00\x00WEBPVP8X\xff\xff\xff\xff", "webp")


def _sample(fmt: str) -> bytes:
    buf = io.BytesIO()
    options = {"exif": exif_with_comment(3), "xmp": XMP.encode()}
    noise(5).save(buf, {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}[fmt], **options)
    return buf.getvalue()


SAMPLES = {fmt: _sample(fmt) for fmt in ("png", "jpeg", "webp")}


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(sorted(SAMPLES)),
    st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=4),
    st.integers(0, 10**6),
)
def test_hostile_bytes_strip_or_raise_strip_error(
    fmt: str, flips: list[tuple[int, int]], cut: int
) -> None:
    """A damaged file is stripped or refused with StripError, never another exception."""
    data = bytearray(SAMPLES[fmt])
    for pos, value in flips:
        data[pos % len(data)] = value
    damaged = bytes(data[: max(1, len(data) - cut % len(data))])
    try:
        out = strip(damaged, fmt)
    except StripError:
        return
    assert len(out) <= len(damaged) + 64  # at most the orientation block is added


@pytest.mark.parametrize(
    "options",
    [{"progressive": True}, {"restart_marker_blocks": 4}, {"subsampling": 0, "quality": 95}],
)
def test_jpeg_scans_survive_stripping(options: dict[str, Any]) -> None:
    """Progressive scans (markers between scans) and restart markers inside a scan."""
    buf = io.BytesIO()
    noise(7).save(buf, "JPEG", exif=exif_with_comment(1), comment=b"note", **options)
    out = strip(buf.getvalue(), "jpeg")
    assert b"lighthouse" not in out and b"note" not in out
    with Image.open(io.BytesIO(out)) as stripped, Image.open(buf) as original:
        assert stripped.tobytes() == original.tobytes()


def test_real_photos_strip_to_the_same_pixels(fixtures: Path) -> None:
    for path in sorted((fixtures / "near-duplicates").glob("*.jpg"))[:4]:
        out = strip(path.read_bytes(), "jpeg")
        with Image.open(io.BytesIO(out)) as stripped, Image.open(path) as original:
            assert stripped.tobytes() == original.tobytes()

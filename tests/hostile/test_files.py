"""Hostile files in a scanned folder: every scan finishes, records the file as an error
or a warning with a reason, and keeps the catalog small.

Each case is a folder scanned by the real CLI in a subprocess with a time bound; the
catalog is then read with sqlite3 and ``Curata.get_asset`` (what ``curata info --json``
prints; the 50 MB case runs that command too).
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

from curata import Curata

SCAN_TIMEOUT = 120  # seconds: a scan that takes longer is stuck
MIB = 1024 * 1024  # the documented cap of one raw block (curata.ingest.limits)
FIXTURES = Path(os.environ.get("CURATA_FIXTURES", Path(__file__).resolve().parents[3] / "shared"
                               / "fixtures"))  # fmt: skip


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}


def _curata(
    db: Path, *args: str, timeout: float = SCAN_TIMEOUT
) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "curata", "--database", str(db), *args],
                          env=_env(), capture_output=True, text=True, timeout=timeout)  # fmt: skip


class Scanned:
    """A folder's scan: its catalog and what the catalog says about each file."""

    def __init__(self, folder: Path, db: Path, out: subprocess.CompletedProcess[str]) -> None:
        self.folder, self.db, self.out = folder, db, out
        assert "Traceback" not in out.stderr, out.stderr
        assert out.returncode == 0, out.stdout + out.stderr
        self.summary = json.loads(out.stdout)

    def reasons(self, name: str, level: str) -> str:
        with sqlite3.connect(self.db) as conn:
            rows = conn.execute(
                "SELECT reason FROM ingest_errors WHERE path = ? AND level = ?",
                (str(self.folder / name), level),
            ).fetchall()
        return "; ".join(r[0] for r in rows)

    def cataloged(self, name: str) -> bool:
        with sqlite3.connect(self.db) as conn:
            row = conn.execute(
                "SELECT count(*) FROM locations WHERE path = ?", (str(self.folder / name),)
            ).fetchone()
        return row[0] == 1

    def info(self, name: str) -> str:
        """What ``curata info --json`` prints about the file (read in this process)."""
        with Curata(self.db) as cur:
            detail = cur.get_asset(str(self.folder / name)).data
        assert detail is not None
        return detail.model_dump_json(indent=2)


def _scan(tmp_path: Path, files: dict[str, bytes]) -> Scanned:
    folder = tmp_path / "library"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    db = tmp_path / "catalog.db"
    return Scanned(folder, db, _curata(db, "scan", str(folder), "--json"))


def _png(text: dict[str, str] | None = None, size: tuple[int, int] = (16, 16)) -> bytes:
    info = PngImagePlugin.PngInfo()
    for key, value in (text or {}).items():
        info.add_text(key, value)
    buf = io.BytesIO()
    Image.new("RGB", size, (10, 20, 30)).save(buf, "PNG", pnginfo=info)
    return buf.getvalue()


def _chunk(kind: bytes, data: bytes, length: int | None = None) -> bytes:
    size = len(data) if length is None else length
    return struct.pack(">I", size) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _with_chunk(png: bytes, chunk: bytes) -> bytes:
    """``png`` with ``chunk`` inserted right after IHDR."""
    return png[:33] + chunk + png[33:]


def test_a_50_mb_text_chunk_is_kept_once_truncated_with_a_warning(tmp_path: Path) -> None:
    prompt = "masterpiece, " * 4_000_000  # 52 MB
    scanned = _scan(tmp_path, {"huge.png": _png({"parameters": prompt + "\nSteps: 20, Seed: 1"})})
    assert scanned.cataloged("huge.png")
    warning = scanned.reasons("huge.png", "warning")
    assert "'png:parameters' truncated to 1,048,576 of 52,000,019 characters" in warning
    assert "prompt truncated" in warning
    assert scanned.db.stat().st_size < 4 * MIB
    printed = _curata(scanned.db, "info", str(scanned.folder / "huge.png"), "--json")
    assert printed.returncode == 0 and len(printed.stdout) < 2 * MIB
    info = json.loads(printed.stdout)
    assert len(info["raw_blocks"]["png:parameters"]) == MIB


def test_a_50_mb_international_text_chunk_is_truncated(tmp_path: Path) -> None:
    text = "ä" * 25_000_000
    data = b"Comment\0\0\0\0\0" + text.encode()
    scanned = _scan(tmp_path, {"itxt.png": _with_chunk(_png(), _chunk(b"iTXt", data))})
    assert scanned.cataloged("itxt.png")
    assert "'png:Comment' truncated to 174,761 of 25,000,000" in scanned.reasons(
        "itxt.png", "warning"
    )
    assert scanned.db.stat().st_size < 4 * MIB


def test_ten_thousand_text_chunks_keep_the_first_blocks(tmp_path: Path) -> None:
    chunks = {f"k{i}": "x" * 1000 for i in range(10_000)}
    scanned = _scan(tmp_path, {"many.png": _png(chunks)})
    assert scanned.cataloged("many.png")
    assert "metadata blocks beyond the first 64 were dropped" in scanned.reasons(
        "many.png", "warning"
    )
    info = json.loads(scanned.info("many.png"))
    assert len(info["raw_blocks"]) == 64
    assert scanned.db.stat().st_size < 2 * MIB


def test_a_chunk_longer_than_its_file_is_an_error(tmp_path: Path) -> None:
    broken = _with_chunk(_png(), struct.pack(">I", 0x7FFF_FFFF) + b"tEXtkey\0value")
    scanned = _scan(tmp_path, {"long_chunk.png": broken})
    assert not scanned.cataloged("long_chunk.png")
    assert scanned.reasons("long_chunk.png", "error")


def test_a_decompression_bomb_is_refused(tmp_path: Path) -> None:
    bomb = (FIXTURES / "bad" / "decompression_bomb.png").read_bytes()
    scanned = _scan(tmp_path, {"bomb.png": bomb})
    assert "decompression bomb" in scanned.reasons("bomb.png", "error")


def test_a_compressed_text_bomb_is_an_error(tmp_path: Path) -> None:
    """A zTXt chunk inflating to 1 GB: Pillow stops at MAX_TEXT_CHUNK."""
    inflater = zlib.compressobj(9)
    packed = b"".join(inflater.compress(b"\0" * (1 << 20)) for _ in range(1024))
    packed += inflater.flush()
    chunk = _chunk(b"zTXt", b"parameters\0\0" + packed)
    scanned = _scan(tmp_path, {"ztxt.png": _with_chunk(_png(), chunk)})
    assert "too large" in scanned.reasons("ztxt.png", "error").lower()


def _tiff_exif(entries: list[tuple[int, int, int, int]], next_ifd: int) -> bytes:
    """Little-endian TIFF with one IFD at offset 8: (tag, type, count, value) entries."""
    ifd = struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        ifd += struct.pack("<HHII", tag, kind, count, value)
    return b"II*\0" + struct.pack("<I", 8) + ifd + struct.pack("<I", next_ifd)


@pytest.mark.parametrize(
    "entries",
    [
        [(0x8769, 4, 1, 8)],  # the Exif IFD pointer points back at IFD0
        [(0x010F, 2, 4, 0x00414141), (0x8825, 4, 1, 8)],  # GPS IFD pointer too
    ],
    ids=["exif-ifd-to-itself", "gps-ifd-to-itself"],
)
def test_exif_with_an_ifd_loop_finishes(tmp_path: Path, entries: list) -> None:
    exif = _tiff_exif(entries, next_ifd=8)  # the next-IFD offset loops as well
    png = _with_chunk(_png(), _chunk(b"eXIf", exif))
    buf = io.BytesIO()
    Image.new("RGB", (16, 16), (1, 2, 3)).save(buf, "JPEG", exif=b"Exif\0\0" + exif)
    scanned = _scan(tmp_path, {"loop.png": png, "loop.jpg": buf.getvalue()})
    for name in ("loop.png", "loop.jpg"):
        assert scanned.cataloged(name) or scanned.reasons(name, "error")


def _comfy_chain(depth: int, cyclic: bool) -> str:
    """A ComfyUI API graph: a sampler whose positive input runs through ``depth`` nodes."""
    graph: dict[str, dict] = {
        "1": {"class_type": "KSampler", "inputs": {"seed": 1, "steps": 20,
              "positive": ["2", 0], "negative": ["2", 0], "model": ["2", 0]}},
    }  # fmt: skip
    for i in range(2, depth + 2):
        upstream = str(i + 1) if i < depth + 1 else ("2" if cyclic else None)
        inputs: dict[str, object] = {"text": f"node {i}"}
        if upstream:
            inputs["conditioning"] = [upstream, 0]
            inputs["clip"] = [upstream, 0]
            inputs["model"] = [upstream, 0]
            inputs["samples"] = [upstream, 0]
        graph[str(i)] = {"class_type": "ConditioningCombine", "inputs": inputs}
    return json.dumps(graph)


@pytest.mark.parametrize(
    ("depth", "cyclic"),
    [(10_000, False), (3, True), (2_000, True)],
    ids=["deep", "cycle", "long-cycle"],
)
def test_deep_and_cyclic_comfyui_graphs_finish(tmp_path: Path, depth: int, cyclic: bool) -> None:
    scanned = _scan(tmp_path, {"graph.png": _png({"prompt": _comfy_chain(depth, cyclic)})})
    assert scanned.cataloged("graph.png")


def test_deeply_nested_comfyui_json_is_a_warning(tmp_path: Path) -> None:
    nested = '{"1": {"class_type": "KSampler", "inputs": {"x": ' + "[" * 10_000 + "]" * 10_000
    scanned = _scan(tmp_path, {"nested.png": _png({"prompt": nested + "}}}"})})
    assert scanned.cataloged("nested.png")
    assert scanned.reasons("nested.png", "warning")


BILLION_LAUGHS = """<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<!DOCTYPE x:xmpmeta [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
 <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
]>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF
 xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description
 xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:description>&h;</dc:description>
</rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>"""


def test_xmp_entity_expansion_is_refused_with_a_warning(tmp_path: Path) -> None:
    itxt = _chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0" + BILLION_LAUGHS.encode())
    sidecar = BILLION_LAUGHS.encode()
    scanned = _scan(tmp_path, {"laughs.png": _with_chunk(_png(), itxt), "laughs.xmp": sidecar})
    assert scanned.cataloged("laughs.png")
    assert "xmp" in scanned.reasons("laughs.png", "warning")
    assert len(scanned.info("laughs.png")) < 64 * 1024


def test_a_10_gb_sparse_file_is_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "library"
    folder.mkdir()
    with open(folder / "sparse.png", "wb") as fh:
        fh.write(_png())
        fh.truncate(10 * 1024**3)
    with open(folder / "sparse.mp4", "wb") as fh:
        fh.truncate(10 * 1024**3)
    db = tmp_path / "catalog.db"
    scanned = Scanned(folder, db, _curata(db, "scan", str(folder), "--json", timeout=30))
    for name in ("sparse.png", "sparse.mp4"):
        assert "sparse file" in scanned.reasons(name, "error")


@pytest.mark.parametrize(
    "name",
    ["new\nline.png", "-rf.png", "--help.png", "x" * 251 + ".png", "tab\tand space .png"],
    ids=["newline", "leading-dash", "option-like", "255-bytes", "tab"],
)
def test_odd_file_names_are_cataloged(tmp_path: Path, name: str) -> None:
    scanned = _scan(tmp_path, {name: _png()})
    assert scanned.summary["new"] == 1 and scanned.summary["failed"] == 0
    assert scanned.cataloged(name)
    assert json.loads(scanned.info(name))["locations"][0]["path"].endswith(name)

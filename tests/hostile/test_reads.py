"""Hostile reads: nothing outside the scan roots is cataloged, read or served.

A hostile file in a scanned folder is a symbolic link to ``/etc/passwd`` (or to a folder
outside), a sidecar that is such a link, a FIFO; a catalog made by an older curata (or
with ``--follow-links``) holds locations outside the roots. Every case runs the real
scanner on real files, and the server over loopback HTTP.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import delete
from tests.server.conftest import LiveServer

from curata import Curata
from curata.catalog.schema import scan_roots
from curata.errors import Forbidden, InvalidRequest
from curata.ingest.walker import OUTSIDE_ROOTS
from curata.roots import Confinement, real
from curata.server import create_app

PASSWD = Path("/etc/passwd")
SECRET = "the content of a file outside the library"


@pytest.fixture
def lib(tmp_path: Path, fixtures: Path) -> Path:
    """A library with one image, and links out of it to a file and to a folder."""
    lib, outside = tmp_path / "lib", tmp_path / "outside"
    lib.mkdir()
    outside.mkdir()
    shutil.copy(fixtures / "near-duplicates" / "ukbench09040.jpg", lib / "photo.jpg")
    shutil.copy(fixtures / "near-duplicates" / "ukbench09060.jpg", outside / "private.jpg")
    (outside / "secret.txt").write_text(SECRET)
    (lib / "notes.md").symlink_to(PASSWD)
    (lib / "elsewhere").symlink_to(outside, target_is_directory=True)
    return lib


def _paths(cur: Curata) -> set[str]:
    found = cur.search_assets({"limit": 1000}).data
    assert found is not None
    return {a.file_path for a in found.results}


def _served(http: httpx.Client, cur: Curata, path: Path, part: str = "file") -> httpx.Response:
    asset = cur.get_asset(str(path)).data
    assert asset is not None
    return http.get(f"/assets/{asset.content_hash}/{part}")


@pytest.fixture
def live(cur: Curata, tmp_path: Path) -> Iterator[tuple[httpx.Client, Curata]]:
    """A server started as ``curata serve`` without ``--root``: files are served from
    the catalog's recorded scan roots."""
    with (
        LiveServer(create_app(cur, cache_dir=tmp_path / "cache")) as server,
        httpx.Client(base_url=server.url, timeout=60) as client,
    ):
        yield client, cur


def test_links_out_of_the_roots_are_not_cataloged(cur: Curata, lib: Path) -> None:
    summary = cur.scan([lib], workers=1).data
    assert summary is not None
    assert _paths(cur) == {str(lib / "photo.jpg")}
    assert summary.failed == 0  # skipped on purpose: warnings, not failures
    warnings = {Path(e.path).name: e.reason for e in cur.ingest_errors("warning").data or []}
    assert warnings == {"notes.md": OUTSIDE_ROOTS, "elsewhere": OUTSIDE_ROOTS}


def test_follow_links_catalogs_them(cur: Curata, lib: Path) -> None:
    cur.scan([lib], workers=1, follow_links=True)
    assert _paths(cur) == {
        str(lib / "photo.jpg"),
        str(lib / "notes.md"),
        str(lib / "elsewhere" / "private.jpg"),
        str(lib / "elsewhere" / "secret.txt"),
    }


def test_the_cli_follows_links_only_when_asked(lib: Path, tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    base = [sys.executable, "-m", "curata", "--database", str(db), "scan", str(lib), "--json"]
    plain = subprocess.run(base, capture_output=True, text=True, check=True, env=env)
    assert json.loads(plain.stdout)["files_seen"] == 1
    following = subprocess.run(
        [*base, "--follow-links"], capture_output=True, text=True, check=True, env=env
    )
    assert json.loads(following.stdout)["files_seen"] == 4


def test_a_sidecar_link_out_of_its_folder_is_not_read(cur: Curata, lib: Path) -> None:
    (lib / "photo.txt").symlink_to(lib.parent / "outside" / "secret.txt")
    cur.scan([lib], workers=1)
    asset = cur.get_asset(str(lib / "photo.jpg")).data
    assert asset is not None
    assert SECRET not in json.dumps(asset.model_dump(mode="json"))
    assert cur.scan([lib], workers=1).data.bytes_read == 0  # type: ignore[union-attr]


def test_a_sidecar_link_inside_its_folder_is_read(cur: Curata, lib: Path) -> None:
    (lib / "captions").mkdir()
    (lib / "captions" / "photo.txt").write_text("a heron at dawn")
    (lib / "photo.txt").symlink_to(lib / "captions" / "photo.txt")
    cur.scan([lib], workers=1)
    asset = cur.get_asset(str(lib / "photo.jpg")).data
    assert asset is not None and "a heron at dawn" in json.dumps(asset.model_dump(mode="json"))


def test_a_fifo_as_root_or_sidecar_never_blocks_the_scan(lib: Path, tmp_path: Path) -> None:
    """Opening a FIFO blocks until a writer comes; the scan must never open one."""
    os.mkfifo(lib / "photo.jpg.txt")
    os.mkfifo(lib / "pipe.png")
    db = tmp_path / "fifo.db"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    for root in (lib, lib / "pipe.png"):
        cmd = [sys.executable, "-m", "curata", "--database", str(db), "scan", str(root), "--json"]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)
        assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["files_seen"] == 0


def test_a_rescan_drops_files_cataloged_through_a_link_out(cur: Curata, lib: Path) -> None:
    """A catalog made with links followed (or by an older curata): the next scan without
    ``follow_links`` marks what it reached through them missing."""
    cur.scan([lib], workers=1, follow_links=True)
    again = cur.scan([lib], workers=1).data
    assert again is not None and again.missing == 3
    for path in (lib / "notes.md", lib / "elsewhere" / "secret.txt"):
        asset = cur.get_asset(str(path)).data
        assert asset is not None and [loc.missing for loc in asset.locations] == [True]


def test_each_scan_records_its_resolved_roots(cur: Curata, lib: Path, tmp_path: Path) -> None:
    named = tmp_path / "named"
    named.symlink_to(lib, target_is_directory=True)
    cur.scan([named], workers=1)
    first = cur.scan_roots().data
    assert first is not None
    assert [(r.path, r.follow_links) for r in first] == [(str(real(lib)), False)]
    time.sleep(0.01)
    cur.scan([lib, lib / "photo.jpg"], workers=1, follow_links=True)
    again = cur.scan_roots().data
    assert again is not None
    assert [(r.path, r.follow_links) for r in again] == [
        (str(real(lib)), True),
        (str(real(lib / "photo.jpg")), True),
    ]
    assert again[0].first_scan == first[0].first_scan
    assert again[0].last_scan > first[0].last_scan


def test_files_are_served_only_inside_the_recorded_roots(
    live: tuple[httpx.Client, Curata], lib: Path
) -> None:
    http, cur = live
    cur.scan([lib], workers=1, follow_links=True)
    # As scanned with --follow-links, the recorded root serves what its links reach.
    assert _served(http, cur, lib / "notes.md").content == PASSWD.read_bytes()
    assert _served(http, cur, lib / "photo.jpg").status_code == 200
    with cur.catalog.write() as conn:  # a catalog from before scan roots were recorded
        conn.execute(delete(scan_roots))
    refused = _served(http, cur, lib / "notes.md")
    assert refused.status_code == 403
    assert refused.json()["error"]["field"] == "hash"
    assert "outside the scan roots" in refused.json()["message"]
    assert _served(http, cur, lib / "photo.jpg").status_code == 403


def test_a_confined_server_serves_only_inside_its_roots(
    cur: Curata, lib: Path, tmp_path: Path
) -> None:
    """Scanned with --follow-links, then served with ``--root lib``: the link targets
    outside ``lib`` are not served, as a file or as a thumbnail."""
    cur.scan([lib], workers=1, follow_links=True)
    confined = cur.confined(Confinement.of([lib]))
    with (
        LiveServer(create_app(confined, cache_dir=tmp_path / "cache")) as server,
        httpx.Client(base_url=server.url, timeout=60) as http,
    ):
        assert _served(http, cur, lib / "photo.jpg").status_code == 200
        assert _served(http, cur, lib / "photo.jpg", "thumbnail").status_code == 200
        passwd = _served(http, cur, lib / "notes.md")
        assert passwd.status_code == 403 and b"root:" not in passwd.content
        private = lib / "elsewhere" / "private.jpg"
        assert _served(http, cur, private).status_code == 403
        assert _served(http, cur, private, "thumbnail").status_code == 403


def test_a_thumbnail_cached_earlier_is_not_served_outside_the_roots(
    live: tuple[httpx.Client, Curata], lib: Path
) -> None:
    http, cur = live
    cur.scan([lib], workers=1, follow_links=True)
    private = lib / "elsewhere" / "private.jpg"
    assert _served(http, cur, private, "thumbnail").status_code == 200
    with cur.catalog.write() as conn:
        conn.execute(delete(scan_roots))
    assert _served(http, cur, private, "thumbnail").status_code == 403


def test_server_scans_only_inside_its_roots(cur: Curata, lib: Path, tmp_path: Path) -> None:
    inside = lib.parent
    confined = cur.confined(Confinement.of([lib]))
    unconfined_app = create_app(cur, cache_dir=tmp_path / "cache")
    with (
        LiveServer(create_app(confined, cache_dir=tmp_path / "cache")) as server,
        LiveServer(unconfined_app) as bare,
        httpx.Client(base_url=server.url, timeout=60) as http,
    ):
        for path in (PASSWD, inside / "outside", lib / "elsewhere", lib / ".." / "outside"):
            refused = http.post("/scans", json={"paths": [str(path)]})
            assert refused.status_code == 403, path
            assert refused.json()["error"]["field"] == "paths"
        # A server started without --root refuses every scan.
        refused = httpx.post(f"{bare.url}/scans", json={"paths": [str(lib)]}, timeout=60)
        assert refused.status_code == 403
        assert "--root" in refused.json()["message"]
        assert http.get("/scans").json()["data"] == []
        job = http.post("/scans", json={"paths": [str(lib)]}).json()["data"]
        deadline = time.monotonic() + 60
        while job["state"] in ("running", "stopping") and time.monotonic() < deadline:
            time.sleep(0.05)
            job = http.get(f"/scans/{job['id']}").json()["data"]
    assert job["state"] == "completed"
    assert _paths(cur) == {str(lib / "photo.jpg")}


def test_a_confined_client_cannot_follow_links(cur: Curata, lib: Path) -> None:
    with pytest.raises(Forbidden) as refused:
        cur.confined(Confinement.of([lib])).scan([lib], follow_links=True)
    assert refused.value.field == "follow_links"


def test_a_confined_client_finds_similar_only_to_files_inside_its_roots(
    cur: Curata, lib: Path
) -> None:
    """``find_similar`` with a file path reads that file: a server's client may name only
    one inside its scan roots (was: any image the server user can read)."""
    cur.scan([lib], workers=1)
    private = lib.parent / "outside" / "private.jpg"
    confined = cur.confined(Confinement.of([lib]))
    with pytest.raises(Forbidden) as refused:
        confined.find_similar({"target": str(private), "threshold": 64})
    assert refused.value.field == "target"
    # Through a link in the library, or spelled with "..": still outside once resolved.
    for spelled in (lib / "elsewhere" / "private.jpg", lib / ".." / "outside" / "private.jpg"):
        with pytest.raises(Forbidden):
            confined.find_similar({"target": str(spelled), "threshold": 64})
    # A file inside the roots, and a cataloged asset, are fine; the trusted caller reads any.
    inside = confined.find_similar({"target": str(lib / "photo.jpg"), "threshold": 64})
    assert inside.data is not None
    assert cur.find_similar({"target": str(private), "threshold": 64}).data is not None


def test_a_confined_client_turns_only_locations_inside_its_roots(
    cur: Curata, lib: Path, tmp_path: Path
) -> None:
    """``invariant`` re-reads the target's pixels from its cataloged locations: only the
    ones that still resolve inside the roots (was: any cataloged location)."""
    cur.scan([lib], workers=1)
    asset = cur.get_asset(str(lib / "photo.jpg")).data
    assert asset is not None
    other = tmp_path / "other"
    other.mkdir()
    confined = cur.confined(Confinement.of([other]))
    with pytest.raises(InvalidRequest) as refused:
        confined.find_similar({"target": asset.content_hash, "invariant": True})
    assert refused.value.field == "invariant"
    found = cur.confined(Confinement.of([lib])).find_similar(
        {"target": asset.content_hash, "invariant": True}
    )
    assert found.data is not None

"""Hostile exports: targets that hold a user's files, the library or the catalog, paths
outside a server's export roots, processes killed mid-publication, a full disk, and
paths the operating system refuses. Real files, real catalogs, real processes."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import insert, select
from tests.selections.conftest import draw_images
from tests.server.conftest import LiveServer

from curata import Curata
from curata.catalog.codec import path_to_db
from curata.catalog.schema import scan_roots
from curata.errors import Conflict, Forbidden, InsufficientStorage, InvalidRequest
from curata.roots import Confinement, real
from curata.server import create_app

PROJECT = "p"
REPO = Path(__file__).resolve().parents[2]


@dataclass
class Setup:
    cur: Curata
    db: Path
    library: Path
    files: list[Path]
    sid: str


def build(
    tmp_path: Path,
    *,
    library: Path | None = None,
    scan: Path | None = None,
    db: Path | None = None,
    size: int = 64,
) -> Setup:
    """A library of three images (``size`` pixels square), scanned (through ``scan`` if
    given) into a catalog with a project and a selection holding them."""
    library = library or tmp_path / "library"
    files = draw_images(library, 3, size=size)
    db = db or tmp_path / "catalog" / "catalog.db"
    cur = Curata(database=db)
    scan = scan or library
    cur.scan(scan, workers=1)
    cur.create_project({"name": "P"})
    sid = cur.create_selection({"project_id": PROJECT, "name": "Deck"}).data.id
    items = [{"asset_hash": cur.get_asset(str(scan / f.name)).data.content_hash} for f in files]
    cur.update_selection(
        {"project_id": PROJECT, "selection_id": sid, "action": "add_items", "items": items}
    )
    return Setup(cur, db, library, files, sid)


@pytest.fixture
def etc_target() -> Iterator[Path]:
    """A path in /etc that no export may create (removed afterwards should one be)."""
    path = Path("/etc") / f"curata-test-{uuid.uuid4().hex[:8]}"
    yield path
    shutil.rmtree(path, ignore_errors=True)
    path.with_name(path.name + ".zip").unlink(missing_ok=True)


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Setup]:
    setup = build(tmp_path)
    yield setup
    setup.cur.close()


def request(sid: str, target: Path | str, **options: object) -> dict[str, object]:
    return {"project_id": PROJECT, "selection_id": sid, "export_path": str(target), **options}


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".curata-" in p.name)


def record_scan_root(cur: Curata, path: Path) -> None:
    """The row a scan of ``path`` leaves in ``scan_roots`` (its resolved real path)."""
    stored = path_to_db(str(real(path)))
    with cur.catalog.write() as conn:
        if conn.execute(select(scan_roots.c.path).where(scan_roots.c.path == stored)).first():
            return
        conn.execute(
            insert(scan_roots).values(path=stored, follow_links=False, first_scan=0, last_scan=0)
        )


def unchanged(cur: Curata, sid: str) -> None:
    sel = cur.get_selection(PROJECT, sid).data
    assert sel.status.value == "draft" and sel.exports == []
    assert cur.selection_history(PROJECT, sid, action="export").data == []


# --- overwrite replaces only what curata wrote ---------------------------------------------


def test_overwrite_of_a_users_folder_is_refused_and_nothing_is_touched(
    env: Setup, tmp_path: Path
) -> None:
    notes = tmp_path / "home" / "notes"
    notes.mkdir(parents=True)
    (notes / "thesis.txt").write_text("four years of work")
    (notes / "drafts").mkdir()
    (notes / "drafts" / "ch1.md").write_text("chapter one")
    before = tree(notes)
    with pytest.raises(Conflict) as exc:
        env.cur.export_selection(request(env.sid, notes, overwrite=True))
    assert exc.value.field == "export_path"
    assert "was not written by curata; refusing to replace it" in exc.value.message
    assert tree(notes) == before and hidden(notes.parent) == []
    unchanged(env.cur, env.sid)


def test_overwrite_needs_the_marker_and_manifest_of_an_earlier_export(
    env: Setup, tmp_path: Path
) -> None:
    target = tmp_path / "out" / "deck"
    env.cur.export_selection(request(env.sid, target))
    marker = json.loads((target / ".curata-export.json").read_text())

    (target / "notes.txt").write_text("mine")  # a file the user put there
    with pytest.raises(Conflict) as exc:
        env.cur.export_selection(request(env.sid, target, overwrite=True))
    assert "notes.txt" in exc.value.message and (target / "notes.txt").read_text() == "mine"
    (target / "notes.txt").unlink()

    manifest = (target / "manifest.json").read_bytes()
    (target / "manifest.json").write_bytes(manifest.replace(b'"items"', b'"Items"'))
    with pytest.raises(Conflict) as exc:
        env.cur.export_selection(request(env.sid, target, overwrite=True))
    assert "manifest.json" in exc.value.message
    (target / "manifest.json").write_bytes(manifest)

    (target / ".curata-export.json").write_text("{not json")
    with pytest.raises(Conflict):
        env.cur.export_selection(request(env.sid, target, overwrite=True))
    (target / ".curata-export.json").unlink()
    with pytest.raises(Conflict):
        env.cur.export_selection(request(env.sid, target, overwrite=True))
    (target / ".curata-export.json").write_text(json.dumps(marker))

    again = env.cur.export_selection(request(env.sid, target, overwrite=True, layout="flat")).data
    assert again.exported_count == 3 and not (target / "ungrouped").exists()
    assert (
        hidden(target.parent) == []
        and len(env.cur.get_selection(PROJECT, env.sid).data.exports) == 2
    )


def test_a_zip_is_replaced_only_when_curata_wrote_it(env: Setup, tmp_path: Path) -> None:
    target = tmp_path / "out" / "deck"
    own = target.with_name("deck.zip")
    own.parent.mkdir()
    with zipfile.ZipFile(own, "w") as zf:
        zf.writestr("deck/manifest.json", "{}")
    before = own.read_bytes()
    with pytest.raises(Conflict) as exc:
        env.cur.export_selection(request(env.sid, target, zip=True, overwrite=True))
    assert exc.value.field == "zip" and own.read_bytes() == before and not target.exists()
    own.unlink()
    env.cur.export_selection(request(env.sid, target, zip=True))
    first = own.read_bytes()
    env.cur.export_selection(request(env.sid, target, zip=True, overwrite=True))
    with zipfile.ZipFile(own) as zf:
        assert "deck/.curata-export.json" in zf.namelist() and zf.testzip() is None
    assert own.read_bytes() != first and hidden(target.parent) == []


# --- targets: scan roots, cataloged files, the catalog, export roots -------------------------


def test_a_library_scanned_through_a_symlink_is_never_a_target(tmp_path: Path) -> None:
    library = tmp_path / "real" / "library"
    library.mkdir(parents=True)
    link = tmp_path / "link"
    link.symlink_to(library)
    setup = build(tmp_path, library=library, scan=link)
    before = tree(library)
    for target in (link, library):
        for overwrite in (False, True):
            with pytest.raises((Forbidden, Conflict)) as exc:
                setup.cur.export_selection(request(setup.sid, target, overwrite=overwrite))
            assert exc.value.field == "export_path"
    with pytest.raises(Forbidden):  # spelled as it was scanned
        setup.cur.export_selection(request(setup.sid, link, overwrite=True))
    assert tree(library) == before and hidden(tmp_path) == []
    unchanged(setup.cur, setup.sid)
    setup.cur.close()


def test_scan_roots_are_never_inside_equal_to_or_under_a_target(tmp_path: Path) -> None:
    env = build(tmp_path / "home", db=tmp_path / "catalog.db")
    record_scan_root(env.cur, env.library)
    (tmp_path / "lib-link").symlink_to(env.library)
    before = tree(env.library)
    for target, overwrite in (
        (env.library, True),
        (env.library / "new-export", False),
        (tmp_path / "lib-link" / "x", False),
        (tmp_path / "home", True),
    ):
        with pytest.raises(Forbidden) as exc:
            env.cur.export_selection(request(env.sid, target, overwrite=overwrite))
        assert exc.value.field == "export_path" and "scanned folder" in exc.value.message
    scanned_zip = tmp_path / "bundle.zip"
    scanned_zip.write_bytes(b"PK\x05\x06" + bytes(18))
    record_scan_root(env.cur, scanned_zip)
    with pytest.raises(Forbidden) as exc:
        env.cur.export_selection(request(env.sid, tmp_path / "bundle", zip=True, overwrite=True))
    assert exc.value.field == "zip" and scanned_zip.read_bytes() == b"PK\x05\x06" + bytes(18)
    assert tree(env.library) == before and not (env.library / "new-export").exists()
    unchanged(env.cur, env.sid)
    env.cur.close()


def test_the_catalog_is_never_inside_a_target(tmp_path: Path) -> None:
    work = tmp_path / "work"
    setup = build(tmp_path, db=work / "catalog.db")
    before = (work / "catalog.db").stat().st_size
    for target in (work, tmp_path):
        with pytest.raises(Forbidden) as exc:
            setup.cur.export_selection(request(setup.sid, target, overwrite=True))
        assert exc.value.field == "export_path" and "catalog" in exc.value.message
    assert (work / "catalog.db").stat().st_size >= before and (work / "catalog.db-wal").exists()
    unchanged(setup.cur, setup.sid)
    setup.cur.close()
    named = build(tmp_path / "z", db=tmp_path / "z" / "out.zip")  # a catalog named like a zip
    with pytest.raises(Forbidden) as exc:
        named.cur.export_selection(request(named.sid, tmp_path / "z" / "out", zip=True))
    assert exc.value.field == "zip" and not (tmp_path / "z" / "out").exists()
    named.cur.close()


def test_a_cataloged_zip_original_is_never_overwritten(tmp_path: Path) -> None:
    setup = build(tmp_path)
    original = setup.library / "pack.zip"
    with zipfile.ZipFile(original, "w") as zf:
        zf.write(setup.files[0], "pack/manifest.json")
    setup.cur.scan(setup.library, workers=1)
    before = original.read_bytes()
    with pytest.raises((Forbidden, Conflict)) as exc:
        setup.cur.export_selection(
            request(setup.sid, setup.library / "pack", zip=True, overwrite=True)
        )
    assert exc.value.field in ("zip", "export_path")
    assert original.read_bytes() == before and not (setup.library / "pack").exists()
    unchanged(setup.cur, setup.sid)
    setup.cur.close()


def test_a_confined_caller_writes_only_under_its_export_roots(
    env: Setup, tmp_path: Path, etc_target: Path
) -> None:
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "escape").symlink_to("/etc")
    confined = env.cur.confined(Confinement.of([env.library], [exports]))
    for target in (etc_target, exports / "escape" / etc_target.name, exports / ".." / "x"):
        with pytest.raises(Forbidden) as exc:
            confined.export_selection(request(env.sid, target))
        assert exc.value.field == "export_path" and "export roots" in exc.value.message
    assert not etc_target.exists() and not (tmp_path / "x").exists()
    with pytest.raises(Forbidden) as exc:  # the zip would land beside the root, outside it
        confined.export_selection(request(env.sid, exports, zip=True))
    assert exc.value.field == "zip"
    done = confined.export_selection(request(env.sid, exports / "deck", zip=True)).data
    assert Path(done.export_path) == real(exports / "deck") and Path(done.zip_path).is_file()


def test_a_confined_server_refuses_exports_outside_its_roots(
    env: Setup, tmp_path: Path, etc_target: Path
) -> None:
    exports = tmp_path / "exports"
    (exports / "notes").mkdir(parents=True)
    (exports / "notes" / "thesis.txt").write_text("mine")
    confined = env.cur.confined(Confinement.of([env.library], [exports]))
    app = create_app(confined, cache_dir=tmp_path / "cache")
    with LiveServer(app) as live, httpx.Client(base_url=live.url, timeout=60) as http:
        refused = http.post("/selections/export", json=request(env.sid, etc_target))
        assert refused.status_code == 403, refused.text
        assert refused.json()["error"]["field"] == "export_path"
        notes = http.post(
            "/selections/export",
            json=request(env.sid, exports / "notes", overwrite=True),
        )
        assert notes.status_code == 409 and "not written by curata" in notes.text
        bad = http.post(
            "/selections/export", json=request(env.sid, exports / "passwd" / ("n" * 300))
        )
        assert bad.status_code == 422 and bad.json()["error"]["field"] == "export_path"
        done = http.post("/selections/export", json=request(env.sid, exports / "deck"))
        assert done.status_code == 200, done.text
    assert (exports / "notes" / "thesis.txt").read_text() == "mine"
    assert (exports / "deck" / "manifest.json").is_file()
    assert not etc_target.exists()


def test_a_confined_caller_fetches_artwork_only_into_its_roots(env: Setup, tmp_path: Path) -> None:
    confined = env.cur.confined(Confinement.of([env.library], [tmp_path / "exports"]))
    outside = tmp_path / "elsewhere" / "Movie (1999)"
    with pytest.raises(Forbidden) as exc:
        confined.fetch_artwork({"into": str(outside), "tmdb_id": 550})
    assert exc.value.field == "into" and not outside.parent.exists()
    other = tmp_path / "other"
    other.mkdir()
    with pytest.raises(Forbidden) as exc:
        confined.lock_artwork({"folder": str(other), "asset_types": ["poster"]})
    assert exc.value.field == "folder" and list(other.iterdir()) == []
    item = env.library / "Movie (1999)"
    item.mkdir()
    state = confined.lock_artwork({"folder": str(item), "asset_types": ["poster"]}).data
    assert state.locked == ["poster"] and (item / ".curata-artwork.json").is_file()


# --- a process killed between the intent record and its completion -------------------------

KILLED = """
import sys
from curata import Curata
db, sid, target, overwrite = sys.argv[1:]
with Curata(database=db) as cur:
    cur.export_selection({"project_id": "p", "selection_id": sid, "export_path": target,
                          "overwrite": overwrite == "1", "zip": True})
"""


def run_killed(setup: Setup, target: Path, point: str, *, overwrite: bool) -> None:
    setup.cur.close()
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "CURATA_EXPORT_CRASH_AT": point}
    args = [str(setup.db), setup.sid, str(target), "1" if overwrite else "0"]
    proc = subprocess.run(
        [sys.executable, "-c", KILLED, *args], env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr


def pending_rows(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT state, path FROM selection_exports ORDER BY id").fetchall()


@pytest.mark.parametrize(
    ("point", "earlier", "completed"),
    [("pending", False, False), ("moved-aside", True, False), ("renamed", False, True)],
)
def test_an_export_killed_mid_publication_is_settled_at_the_next_start(
    tmp_path: Path, point: str, earlier: bool, completed: bool
) -> None:
    setup = build(tmp_path)
    target = tmp_path / "out" / "deck"
    if earlier:
        setup.cur.export_selection(request(setup.sid, target, zip=True))
    before = tree(target) if earlier else None
    run_killed(setup, target, point, overwrite=earlier)
    rows = pending_rows(setup.db)
    assert rows[-1] == ("pending", str(target)) and len(rows) == 1 + earlier
    if completed:  # in place, but not recorded
        assert (target / ".curata-export.json").is_file() and hidden(target.parent) == []
    else:  # a staging folder, and a moved-aside export, are left
        assert not target.exists() and len(hidden(target.parent)) == 2 + earlier

    with Curata(database=setup.db) as cur:  # opening the catalog settles it
        sel = cur.get_selection(PROJECT, setup.sid).data
        history = cur.selection_history(PROJECT, setup.sid, action="export").data
        assert [r.path for r in sel.exports] == [str(target)] * (earlier + completed)
        assert len(history) == len(sel.exports)
        assert sel.status.value == ("exported" if sel.exports else "draft")
        assert [s for s, _ in pending_rows(setup.db)] == ["complete"] * len(sel.exports)
        assert hidden(target.parent) == []
        if completed:
            assert "interrupted" in (history[-1].notes or "")
            assert len(history[-1].asset_hashes) == 3 and target.with_name("deck.zip").is_file()
        if earlier:
            assert tree(target) == before  # the replaced export was put back
        if not earlier and not completed:
            assert not target.exists()
        again = cur.export_selection(request(setup.sid, target, zip=True, overwrite=True)).data
        assert again.exported_count == 3
        assert len(cur.get_selection(PROJECT, setup.sid).data.exports) == len(sel.exports) + 1
    assert hidden(target.parent) == []


# --- the operating system refuses: a full disk, bad paths ------------------------------------


@contextmanager
def mounted(folder: Path, options: str) -> Iterator[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.mark.parametrize("zip_", [False, True])
def test_a_full_disk_is_507_and_leaves_nothing(tmp_path: Path, zip_: bool) -> None:
    setup = build(tmp_path, size=700)  # about 1.8 MB of images that do not compress
    size = "3m" if zip_ else "1m"  # with the zip: the folder fits, its zip does not
    with mounted(tmp_path / "small", f"size={size}") as small:
        with pytest.raises(InsufficientStorage) as exc:
            setup.cur.export_selection(request(setup.sid, small / "deck", zip=zip_))
        assert exc.value.field == "export_path" and exc.value.http_status == 507
        assert "No space left" in exc.value.message
        assert sorted(os.listdir(small)) == []
        unchanged(setup.cur, setup.sid)
        cli = subprocess.run(
            [sys.executable, "-c", "from curata.cli.main import main; main()",
             "--database", str(setup.db), "selection", "export", setup.sid,
             str(small / "deck"), "-p", PROJECT, *(["--zip"] if zip_ else [])],
            env={**os.environ, "PYTHONPATH": str(REPO / "src")},
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert cli.returncode == 10, cli.stderr
        assert len(cli.stderr.strip().splitlines()) == 1 and "Traceback" not in cli.stderr
        assert "export_path" in cli.stderr and sorted(os.listdir(small)) == []
    setup.cur.close()


def test_paths_the_system_refuses_are_named_errors(env: Setup, tmp_path: Path) -> None:
    cases: list[tuple[str, type[Exception], str]] = [
        (str(tmp_path / ("n" * 300)), InvalidRequest, "too long"),
        ("/etc/passwd/x", InvalidRequest, "not a folder"),
        ("/proc/curata-export", InvalidRequest, "No such file"),
        ("/sys/curata-export", Forbidden, "not permitted"),
    ]
    for path, error, reason in cases:
        with pytest.raises(error) as exc:
            env.cur.export_selection(request(env.sid, path))
        assert exc.value.field == "export_path" and reason in exc.value.message, path
    with mounted(tmp_path / "ro", "size=1m,ro") as readonly:
        with pytest.raises(Forbidden) as exc:
            env.cur.export_selection(request(env.sid, readonly / "deck"))
        assert exc.value.field == "export_path" and "Read-only" in exc.value.message
    unchanged(env.cur, env.sid)
    cli = subprocess.run(
        [sys.executable, "-c", "from curata.cli.main import main; main()",
         "--database", str(env.db), "selection", "export", env.sid, "/etc/passwd/x", "-p", PROJECT],
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert cli.returncode == 2 and len(cli.stderr.strip().splitlines()) == 1, cli.stderr

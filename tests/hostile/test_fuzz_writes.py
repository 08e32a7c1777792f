"""Schemathesis against the operations that read or write server folders.

``tests/server/test_fuzz.py`` fuzzes every other operation. These ones name folders on
the server (``POST /scans``, ``/selections/export``, ``/artwork/locks``), so they run on a
server confined to a scan root and an export root in a temporary folder, with its
working directory in an empty folder of its own (a generated ``.`` or ``x`` lands
there). Every answer must be documented and never a 5xx, and afterwards nothing outside
the export root may have been written, changed or removed: the library's files are
byte for byte what they were, the working directory is still empty, and the only files
curata may add to the library are artwork lock manifests (``/artwork/locks`` writes one
into an item folder inside a root, by design). ``/artwork/fetch`` stays out: it would
talk to the artwork providers.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from tests.server.conftest import LiveServer, call_and_validate, fuzz

from curata import Curata
from curata.autoselect.fetch import MANIFEST
from curata.roots import Confinement
from curata.server import create_app

MAX_EXAMPLES = 25
OPERATIONS = ("/scans", "/selections/export", "/artwork/locks")


def _snapshot(root: Path) -> dict[str, str]:
    """Every file and folder below ``root``: its content's SHA-256 (files), or its kind."""
    seen: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames:
            seen[os.path.join(dirpath, name)] = "folder"
        for name in filenames:
            path = os.path.join(dirpath, name)
            if os.path.islink(path):
                seen[path] = "link:" + os.readlink(path)
            else:
                seen[path] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return seen


class Area:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.lib, self.exports, self.work = root / "lib", root / "exports", root / "work"
        self.catalog, self.cache = root / "catalog", root / "cache"


@pytest.fixture(scope="module")
def area(tmp_path_factory: pytest.TempPathFactory, fixtures: Path) -> Iterator[Area]:
    here = Area(tmp_path_factory.mktemp("fuzz-writes"))
    shutil.copytree(fixtures / "near-duplicates", here.lib / "near-duplicates")
    shutil.copytree(fixtures / "generators", here.lib / "generators")
    for folder in (here.exports, here.work, here.catalog, here.cache):
        folder.mkdir()
    yield here


def test_folder_operations_write_only_under_the_export_root(
    area: Area, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(area.work)
    with Curata(database=area.catalog / "catalog.db") as cur:
        cur.scan([area.lib], project="fuzz", workers=1)
        cur.create_project({"name": "P"})
        sid = cur.create_selection({"project_id": "p", "name": "Deck"}).data.id
        hashes = [a.content_hash for a in cur.search_assets({"limit": 5}).data.results]
        cur.update_selection(
            {
                "project_id": "p",
                "selection_id": sid,
                "action": "add_items",
                "items": [{"asset_hash": h} for h in hashes],
            }
        )
        before = _snapshot(area.root)
        confined = cur.confined(Confinement.of([area.lib], [area.exports]))
        with LiveServer(create_app(confined, cache_dir=area.cache)) as server:
            schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json").include(
                method="POST", path=list(OPERATIONS)
            )
            operations = [result.ok() for result in schema.get_all_operations()]
            assert sorted(op.path for op in operations) == sorted(OPERATIONS)
            for operation in operations:
                fuzz(operation, server.url, MAX_EXAMPLES, timeout=60)
                for body in _hostile_bodies(operation.path, area, sid):
                    call_and_validate(operation.Case(body=body), server.url, timeout=60)
            _wait_for_scans(server.url)
    after = _snapshot(area.root)
    assert (area.exports / "deck" / "manifest.json").is_file()  # the allowed export ran
    assert (area.exports / "deck.zip").is_file()
    ignored = (area.exports, area.catalog, area.cache)

    def outside(snapshot: dict[str, str]) -> dict[str, str]:
        return {
            p: v for p, v in snapshot.items() if not any(Path(p).is_relative_to(i) for i in ignored)
        }

    old, new = outside(before), outside(after)
    assert {p: v for p, v in old.items() if new.get(p) != v} == {}, "changed or removed"
    added = sorted(set(new) - set(old))
    assert [p for p in added if Path(p).name != MANIFEST] == [], "written outside exports"
    assert not any(area.work.iterdir()), "wrote into the server's working directory"


def _hostile_bodies(path: str, area: Area, selection_id: str) -> list[dict[str, object]]:
    """Requests an attacker would write by hand: the root, the working directory, the
    library, the catalog, a way out of the export root, with overwrite and zip."""
    places = ["/", ".", "..", "", "/etc", "/proc/self", str(area.lib), str(area.catalog)]
    places += [str(area.exports / ".." / "lib"), str(area.lib / "near-duplicates"), "~"]
    if path == "/scans":
        return [{"paths": [p]} for p in places] + [{"paths": places, "follow_links": True}]
    if path == "/artwork/locks":
        return [{"folder": p, "asset_types": ["poster"], "locked": True} for p in places]
    base = {"project_id": "p", "selection_id": selection_id}
    bodies: list[dict[str, object]] = [
        {**base, "export_path": p, "overwrite": True, "zip": z} for p in places for z in (0, 1)
    ]
    # The one allowed target, twice: the second replaces what curata wrote itself.
    good = {**base, "export_path": str(area.exports / "deck"), "overwrite": True}
    return [*bodies, good, good, {**good, "zip": True}]


def _wait_for_scans(url: str) -> None:
    """Scans the fuzz started run in the background: let them finish."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        jobs = httpx.get(f"{url}/scans", timeout=60).json()["data"]
        if all(job["state"] not in ("running", "stopping") for job in jobs):
            return
        time.sleep(0.1)
    raise AssertionError("the fuzz's scans did not finish")

"""GET /folders: a folder's subfolders with the counts the ``folder`` filter finds, over
real HTTP on a catalog scanned from real files (one folder name not UTF-8)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PIL import Image

from curata import Curata
from curata.models.paths import path_from_json, path_to_json
from curata.server import create_app
from tests.server.conftest import LiveServer

FILES = ["a/x.png", "a/b/y.png", "a/b/deep/v.png", "a/bc/z.png", "a/bc/z2.png", "ab/w.png", "t.png"]


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    top = tmp_path_factory.mktemp("folders").resolve() / "lib"
    for shade, rel in enumerate(FILES):
        (top / rel).parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (16, 16), (30 * shade, 10, 200 - 20 * shade)).save(top / rel)
    odd = Path(os.fsdecode(os.fsencode(top) + b"/caf\xe9"))
    odd.mkdir()
    Image.new("RGB", (16, 16), (250, 250, 0)).save(odd / "u.png")
    return top


@pytest.fixture(scope="module")
def api(root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    with Curata(database=tmp_path_factory.mktemp("folders-db") / "c.db") as cur:
        cur.scan([root], workers=1)
        app = create_app(cur, cache_dir=tmp_path_factory.mktemp("fc"))
        with LiveServer(app) as live, httpx.Client(base_url=live.url, timeout=60) as client:
            yield client


def listing(api: httpx.Client, **params: object) -> dict:
    response = api.get("/folders", params=params)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def found(api: httpx.Client, folder: object) -> int:
    body = {"filters": {"folder": folder}, "limit": 0, "facets": False}
    response = api.post("/search", json=body)
    assert response.status_code == 200, response.text
    return response.json()["data"]["total_count"]


def test_the_roots_then_each_level_by_name_with_counts(api: httpx.Client, root: Path) -> None:
    top = listing(api)
    assert top["path"] is None and top["count"] == len(FILES) + 1
    assert [(c["path"], c["count"]) for c in top["children"]] == [(str(root), len(FILES) + 1)]
    here = listing(api, path=str(root))
    names = [c["name"] for c in here["children"]]
    assert names == ["a", "ab", "caf\ufffd"] and here["files"] == 1 and here["count"] == 8
    a = listing(api, path=str(root / "a"))
    assert [(c["name"], c["count"]) for c in a["children"]] == [("b", 2), ("bc", 2)]
    assert a["files"] == 1 and a["count"] == 5  # x, and b (2) and bc (2) below
    assert listing(api, path=str(root / "a/b/deep"))["children"] == []
    assert listing(api, path=str(root / "nowhere")) == {
        "path": str(root / "nowhere"),
        "count": 0,
        "files": 0,
        "children": [],
        "child_count": 0,
        "truncated": False,
    }


def test_each_count_is_what_the_folder_filter_finds(api: httpx.Client, root: Path) -> None:
    pending = [str(root)]
    seen = 0
    while pending:
        folder = pending.pop()
        for child in listing(api, path=folder)["children"]:
            path = child["path"]
            assert found(api, path) == child["count"], path
            pending.append(path if isinstance(path, str) else json.dumps(path))
            seen += 1
    assert seen == 6  # a, a/b, a/b/deep, a/bc, ab, caf\xe9


def test_a_name_that_is_not_utf8_goes_back_as_its_object(api: httpx.Client, root: Path) -> None:
    odd = next(c for c in listing(api, path=str(root))["children"] if c["name"] == "caf\ufffd")
    assert isinstance(odd["path"], dict)
    assert path_from_json(odd["path"]) == os.fsdecode(os.fsencode(root) + b"/caf\xe9")
    inside = listing(api, path=json.dumps(odd["path"]))
    assert inside["count"] == 1 and inside["files"] == 1
    assert inside["path"] == path_to_json(path_from_json(odd["path"]))


def test_a_limit_cuts_the_list_and_says_so(api: httpx.Client, root: Path) -> None:
    cut = listing(api, path=str(root), limit=2)
    assert [c["name"] for c in cut["children"]] == ["a", "ab"]
    assert cut["child_count"] == 3 and cut["truncated"] is True


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"path": "relative/a"}, "path"),
        ({"path": "/a\x00b"}, "path"),
        ({"path": "{not json"}, "path"),
        ({"path": '{"text": "x"}'}, "path"),
        ({"limit": 0}, "limit"),
        ({"limit": 1001}, "limit"),
        ({"path": "/" + "x" * 5000}, "path"),
    ],
)
def test_bad_requests_name_the_field(api: httpx.Client, params: dict, field: str) -> None:
    response = api.get("/folders", params=params)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field

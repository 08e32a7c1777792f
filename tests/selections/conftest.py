"""A real catalog of real image files, with a project, for the selection tests."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image, ImageDraw
from typer.testing import CliRunner

from curata import Curata
from curata.cli.main import app
from curata.errors import CurataError
from curata.roots import Confinement
from curata.server import create_app
from tests.server.conftest import LiveServer

PROJECT = "my-project"


def draw_images(folder: Path, count: int, *, size: int = 96, start: int = 0) -> list[Path]:
    """Distinct PNG files (noise of different strength, a numbered mark)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(start, start + count):
        img = Image.effect_noise((size, size), 10 + i % 80).convert("RGB")
        ImageDraw.Draw(img).text((4, 4), str(i), fill=(255, 0, 0))
        path = folder / f"img_{i:05d}.png"
        img.save(path)
        out.append(path)
    return out


@dataclass
class Library:
    root: Path
    images: list[Path]
    near: list[Path]
    costly: list[Path]

    def hash_of(self, cur: Curata, path: Path) -> str:
        return cur.get_asset(str(path)).data.content_hash


def build_library(root: Path, fixtures: Path) -> Library:
    images = draw_images(root / "renders", 12)
    near_dir = root / "near"
    shutil.copytree(fixtures / "near-duplicates", near_dir)
    costly = []
    for i, cost in enumerate((0.04, "$0.10", None)):
        path = root / "paid" / f"paid_{i}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (64, 64), (40 * i, 90, 200)).save(path)
        meta = {"prompt": f"a paid render {i}", "seed": i, "steps": 20}
        if cost is not None:
            meta["cost"] = cost
        (root / "paid" / f"paid_{i}.png.json").write_text(json.dumps(meta))
        costly.append(path)
    return Library(root, images, sorted(near_dir.glob("*.jpg")), costly)


def scan_into(db: Path, lib: Library) -> None:
    with Curata(database=db) as c:
        c.scan(lib.root, workers=1)
        c.create_project({"name": "My Project", "description": "tests", "budget": {"amount": 1.0}})


@pytest.fixture(scope="session")
def shared(tmp_path_factory: pytest.TempPathFactory, fixtures: Path) -> tuple[Library, Path]:
    """One library and its scanned catalog for the session; never modify these files."""
    base = tmp_path_factory.mktemp("selections")
    lib = build_library(base / "library", fixtures)
    scan_into(base / "template.db", lib)
    return lib, base / "template.db"


@pytest.fixture
def lib(shared: tuple[Library, Path]) -> Library:
    return shared[0]


@pytest.fixture
def cur(db_path: Path, shared: tuple[Library, Path]) -> Iterator[Curata]:
    """A fresh catalog of the shared library (a copy of the scanned template)."""
    shutil.copy(shared[1], db_path)
    with Curata(database=db_path) as c:
        yield c


@pytest.fixture
def own_lib(tmp_path: Path, fixtures: Path) -> Library:
    """A library of this test's own, whose files it may rename or change."""
    return build_library(tmp_path / "library", fixtures)


@pytest.fixture
def own_cur(db_path: Path, own_lib: Library) -> Iterator[Curata]:
    scan_into(db_path, own_lib)
    with Curata(database=db_path) as c:
        yield c


def new_selection(cur: Curata, name: str = "Hero Images Q4 2024", **extra: object) -> str:
    return cur.create_selection({"project_id": PROJECT, "name": name, **extra}).data.id


def add(
    cur: Curata, selection_id: str, *refs: object, create_groups: bool = False, **fields: object
) -> None:
    cur.update_selection(
        {
            "project_id": PROJECT,
            "selection_id": selection_id,
            "action": "add_items",
            "items": [{"asset_hash": str(r), **fields} for r in refs],
            "create_groups": create_groups,
        }
    )


@pytest.fixture
def db(cur: Curata, db_path: Path) -> Path:
    """The path of the ``cur`` catalog, for CLI tests."""
    return db_path


def run(db: Path, *args: str, code: int = 0) -> str:
    """``curata --database DB ARGS...`` in process; checks the exit code."""
    result = CliRunner().invoke(app, ["--database", str(db), *args])
    assert result.exit_code == code, result.output
    return result.stdout


def run_json(db: Path, *args: str) -> Any:
    return json.loads(run(db, *args, "--json"))


@dataclass
class Failure:
    status: int
    field: str | None


class Api:
    """One way in: ``python`` calls ``Curata``; ``http`` sends the same JSON to the server."""

    def __init__(self, cur: Curata, http: httpx.Client | None) -> None:
        self.cur = cur
        self.http = http

    def call(self, method: str, path: str, name: str, body: dict[str, Any]) -> Any:
        """``Curata.<name>(body)`` or ``<method> <path>`` with the body; the data as JSON,
        or the failure."""
        if self.http is None:
            try:
                return getattr(self.cur, name)(body).data.model_dump(mode="json")
            except CurataError as exc:
                return Failure(exc.http_status, exc.field)
        response = self.http.request(method, path, json=body)
        if response.status_code >= 400:
            return Failure(response.status_code, response.json()["error"].get("field"))
        return response.json()["data"]

    def update(self, body: dict[str, Any]) -> Any:
        body = {"project_id": PROJECT, **body}
        if self.http is None:
            try:
                return self.cur.update_selection(body).data.model_dump(mode="json")
            except CurataError as exc:
                return Failure(exc.http_status, exc.field)
        response = self.http.patch("/selections", json=body)
        if response.status_code >= 400:
            return Failure(response.status_code, response.json()["error"].get("field"))
        return response.json()["data"]

    def ok(self, body: dict[str, Any]) -> Any:
        out = self.update(body)
        assert not isinstance(out, Failure), out
        return out


@pytest.fixture(params=["python", "http"])
def api(request: pytest.FixtureRequest, cur: Curata, lib: Library, tmp_path: Path) -> Iterator[Api]:
    if request.param == "python":
        yield Api(cur, None)
        return
    confined = cur.confined(Confinement.of([lib.root], [tmp_path]))
    with (
        LiveServer(create_app(confined, cache_dir=tmp_path / "cache")) as live,
        httpx.Client(base_url=live.url, timeout=60) as http,
    ):
        yield Api(cur, http)

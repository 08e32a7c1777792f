"""File names that are not UTF-8, through every interface.

Linux file names are bytes; Python reads a name that is not valid UTF-8 as a ``str``
with lone surrogates (PEP 383). The catalog stores it reversibly, and JSON carries it
as ``{"text": ..., "base64": ...}`` (docs/api.md, "File names that are not UTF-8"),
which every interface accepts back. Real files with such names, in temporary folders.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter
from tests.server.conftest import LiveServer

import curata
from curata import Curata
from curata.catalog.codec import json_from_db, json_to_db, path_from_db, path_to_db
from curata.errors import InvalidRequest
from curata.models import SearchResponse
from curata.models.paths import FsPath, display, path_from_json, path_to_json
from curata.roots import Confinement
from curata.server import create_app
from mcp import Client, StdioServerParameters

SRC = str(Path(curata.__file__).resolve().parents[1])
FS_PATH: TypeAdapter[str] = TypeAdapter(FsPath)


def name(raw: bytes) -> str:
    return os.fsdecode(raw)


class Library:
    """The folder and the exact names of its files (``str`` with surrogates)."""

    def __init__(self, root: Path, fixtures: Path) -> None:
        self.root = root
        self.cafe = name(bytes(root) + b"/caf\xe9.pgm")  # Latin-1 e-acute
        self.copy = name(bytes(root) + b"/copy-\xff\xfe.pgm")  # same bytes: one asset
        self.nested = name(bytes(root) + b"/dir-\xe9/x\x80.png")  # odd folder and name
        self.plain = str(root / "plain.gif")
        self.broken = name(bytes(root) + b"/empty-\xe9.png")  # fails to read
        shutil.copyfile(fixtures / "formats" / "baboon.pgm", self.cafe)
        shutil.copyfile(fixtures / "formats" / "baboon.pgm", self.copy)
        os.mkdir(os.path.dirname(self.nested))
        shutil.copyfile(fixtures / "formats" / "alpha_channel_image.png", self.nested)
        shutil.copyfile(fixtures / "formats" / "giphy.gif", self.plain)
        Path(self.broken).touch()


@pytest.fixture(scope="module")
def lib(tmp_path_factory: pytest.TempPathFactory, fixtures: Path) -> Library:
    return Library(tmp_path_factory.mktemp("names"), fixtures)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, lib: Library) -> Path:
    path = tmp_path_factory.mktemp("catalog") / "catalog.db"
    with Curata(database=path) as cur:
        cur.scan([lib.root], workers=1)
    return path


@pytest.fixture
def cur(db: Path) -> Iterator[Curata]:
    with Curata(database=db) as c:
        yield c


def hash_of(cur: Curata, path: str) -> str:
    detail = cur.get_asset(path).data
    assert detail is not None
    return detail.content_hash


def hash_path(cur: Curata, path: str) -> str:
    """The path the catalog shows for the asset at ``path``."""
    detail = cur.get_asset(path).data
    assert detail is not None
    return detail.file_path


def new_selection(cur: Curata, project: str) -> str:
    if not any(p.id == project for p in cur.list_projects().data or []):
        cur.create_project({"name": project})
    created = cur.create_selection({"project_id": project, "name": "odd names"}).data
    assert created is not None
    return created.id


# --- the JSON form ---------------------------------------------------------------------


@given(st.binary(min_size=1, max_size=60).filter(lambda b: b"\x00" not in b))
def test_any_name_round_trips_through_its_json_form(raw: bytes) -> None:
    path = name(raw)
    text = FS_PATH.dump_json(path)
    form = json.loads(text)
    if isinstance(form, str):
        assert raw.decode("utf-8") == form
    else:
        assert base64.b64decode(form["base64"]) == raw
        assert form["text"] == display(path) and "\ufffd" in form["text"]
    assert FS_PATH.validate_json(text) == path
    assert FS_PATH.validate_python(form) == path
    assert FS_PATH.dump_python(path) == path  # Python keeps the exact str


@given(st.recursive(
    st.binary(max_size=20).map(name) | st.integers() | st.none(),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.binary(max_size=10).map(name), inner, max_size=4),
    max_leaves=20,
))  # fmt: skip
def test_json_columns_store_any_name_and_give_it_back(value: Any) -> None:
    stored = json_to_db(value)
    json.dumps(stored, ensure_ascii=False).encode("utf-8")  # valid text, PostgreSQL too
    assert json_from_db(stored) == value


@given(st.binary(min_size=1, max_size=40))
def test_any_name_round_trips_through_the_path_column(raw: bytes) -> None:
    assert path_from_db(path_to_db(name(raw))) == name(raw)


def test_a_stray_escape_character_is_kept_not_an_error() -> None:
    assert path_from_db("/a/\uf8ffzz") == "/a/\uf8ffzz"


@pytest.mark.parametrize(
    "bad",
    [
        {"text": "x", "base64": "not base64!"},
        {"base64": "eA=="},
        {"text": "x", "base64": "eA==", "more": 1},
        {"text": "a", "base64": "AA=="},  # a NUL byte
        "\ud800",  # a lone surrogate no file name decodes to
        "a\x00b",
        "",
    ],
)
def test_unusable_paths_are_invalid_requests_naming_the_field(cur: Curata, bad: Any) -> None:
    with pytest.raises(InvalidRequest) as err:
        cur.tag_assets({"assets": [bad], "tags": ["x"]})
    assert err.value.field == "assets.0"


# --- Python interface ------------------------------------------------------------------


def test_search_and_info_give_the_exact_names(cur: Curata, lib: Library) -> None:
    response = cur.search_assets({"limit": 100})
    result = response.data
    assert result is not None
    paths = {a.file_path for a in result.results}
    assert {lib.nested, lib.plain} <= paths and paths & {lib.cafe, lib.copy}
    body = response.model_dump_json()  # was: surrogates not allowed
    assert SearchResponse.model_validate(json.loads(body)["data"]) == result
    detail = cur.get_asset(lib.copy).data
    assert detail is not None
    assert {loc.path for loc in detail.locations} == {lib.cafe, lib.copy}
    assert cur.get_asset(path_to_json(lib.nested)).data.file_path == lib.nested  # type: ignore[union-attr]


def test_duplicates_and_ingest_errors(cur: Curata, lib: Library) -> None:
    dupes = cur.find_duplicates({"exact": True})
    assert dupes.data is not None
    (group,) = dupes.data.groups
    assert {m.path for m in group.members} == {lib.cafe, lib.copy}
    members = json.loads(dupes.model_dump_json())["data"]["groups"][0]["members"]
    assert {path_from_json(m["path"]) for m in members} == {lib.cafe, lib.copy}
    errors = cur.ingest_errors().data
    assert [e.path for e in errors or []] == [lib.broken]  # was: the column's encoding


def test_selection_add_show_update_remove_and_history(cur: Curata, lib: Library) -> None:
    sid = new_selection(cur, "names")
    ref = {"project_id": "names", "selection_id": sid}
    items = [{"asset_hash": lib.nested}, {"asset_hash": lib.copy, "file_path": lib.copy}]
    # was: UnicodeEncodeError (selection_items.file_path did not go through the codec)
    cur.update_selection({**ref, "action": "add_items", "items": items})
    selection = cur.get_selection("names", sid).data
    assert selection is not None
    assert [i.file_path for i in selection.items] == [lib.nested, lib.copy]
    items = [{"asset_hash": lib.copy, "file_path": lib.cafe}]
    cur.update_selection({**ref, "action": "update_items", "items": items})
    cur.update_selection({**ref, "action": "remove_items", "asset_hashes": [lib.nested]})
    history = cur.selection_history("names", sid).data
    assert history is not None
    assert history[-2].before == {hash_of(cur, lib.copy): {"file_path": lib.copy}}
    assert history[-2].after == {hash_of(cur, lib.copy): {"file_path": lib.cafe}}
    assert history[-1].before[hash_of(cur, lib.nested)]["file_path"] == lib.nested
    body = json.loads(cur.selection_history("names", sid).model_dump_json())
    assert path_from_json(body["data"][-1]["before"][hash_of(cur, lib.nested)]["file_path"]) == (
        lib.nested
    )
    item = json.loads(cur.get_selection("names", sid).model_dump_json())["data"]["items"][0]
    assert path_from_json(item["file_path"]) == lib.cafe


@pytest.mark.postgres
def test_postgresql_stores_the_names_in_items_history_and_errors(
    pg_database: str, lib: Library
) -> None:
    """PostgreSQL refuses lone surrogates, also as JSON escapes: every column holding a
    name goes through the codec."""
    with Curata(database=pg_database) as cur:
        cur.scan([lib.root], workers=1)
        sid = new_selection(cur, "names")
        meta = {"original": lib.cafe}
        items = [{"asset_hash": lib.nested, "custom_metadata": meta}]
        cur.update_selection({"project_id": "names", "selection_id": sid, "action": "add_items",
                              "items": items})  # fmt: skip
        (item,) = cur.get_selection("names", sid).data.items  # type: ignore[union-attr]
        assert (item.file_path, item.custom_metadata) == (lib.nested, meta)
        cur.update_selection({"project_id": "names", "selection_id": sid,
                              "action": "remove_items", "asset_hashes": [lib.nested]})  # fmt: skip
        history = cur.selection_history("names", sid).data
        (before,) = history[-1].before.values()  # type: ignore[index, union-attr]
        assert before["file_path"] == lib.nested and before["custom_metadata"] == meta
        assert [e.path for e in cur.ingest_errors().data or []] == [lib.broken]


def test_export_writes_the_files_and_a_manifest_that_round_trips(
    cur: Curata, lib: Library, tmp_path: Path
) -> None:
    sid = new_selection(cur, "names")
    cur.update_selection(
        {"project_id": "names", "selection_id": sid, "action": "add_items",
         "items": [{"asset_hash": lib.cafe}, {"asset_hash": lib.nested}, {"asset_hash": lib.plain}]}
    )  # fmt: skip
    target = name(bytes(tmp_path) + b"/delivery-\xe9")
    result = cur.export_selection(
        {"project_id": "names", "selection_id": sid, "export_path": path_to_json(target)}
    ).data
    assert result is not None and result.export_path == target
    assert result.exported_count == 3
    for item in result.items:
        assert item.exported_path is not None
        assert os.path.isfile(os.path.join(target, item.exported_path))
    manifest = json.loads(Path(target, "manifest.json").read_text(encoding="utf-8"))
    sources = [path_from_json(i["source_path"]) for i in manifest["items"]]
    assert sources == [i.source_path for i in result.items]
    assert set(sources) == {hash_path(cur, p) for p in (lib.cafe, lib.nested, lib.plain)}
    rows = csv.DictReader(
        io.StringIO(Path(target, "manifest.csv").read_bytes().decode("utf-8", "surrogateescape"))
    )
    assert [r["source_path"] for r in rows] == sources  # CSV: the names' exact bytes
    (record,) = cur.get_selection("names", sid).data.exports  # type: ignore[union-attr]
    assert record.path == target


# --- HTTP ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def http(
    db: Path, lib: Library, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[httpx.Client]:
    with (
        Curata(database=db, confinement=Confinement.of([lib.root])) as cur,
        LiveServer(create_app(cur, cache_dir=tmp_path_factory.mktemp("cache"))) as live,
        httpx.Client(base_url=live.url, timeout=60) as client,
    ):
        yield client


def ok(response: httpx.Response) -> Any:
    assert response.status_code in (200, 201), response.text
    return response.json()["data"]


def test_http_search_info_duplicates_and_files(http: httpx.Client, lib: Library) -> None:
    found = ok(http.post("/search", json={}))  # was: 500
    forms = [a["file_path"] for a in found["results"]]
    assert path_to_json(lib.nested) in forms and lib.plain in forms
    nested = next(a for a in found["results"] if a["file_path"] == path_to_json(lib.nested))
    detail = ok(http.get(f"/assets/{nested['content_hash']}"))  # was: 500
    assert [path_from_json(loc["path"]) for loc in detail["locations"]] == [lib.nested]
    file = http.get(f"/assets/{nested['content_hash']}/file")  # was: 500 (the header)
    assert file.status_code == 200 and file.content == Path(lib.nested).read_bytes()
    assert http.get(f"/assets/{nested['content_hash']}/thumbnail").status_code == 200
    dupes = ok(http.post("/duplicates", json={"exact": True}))  # was: 500
    paths = {path_from_json(m["path"]) for g in dupes["groups"] for m in g["members"]}
    assert paths == {lib.cafe, lib.copy}
    errors = ok(http.get("/errors"))
    assert [path_from_json(e["path"]) for e in errors] == [lib.broken]


def test_http_the_object_form_is_accepted_back(http: httpx.Client, lib: Library) -> None:
    found = ok(http.post("/search", json={"filters": {"filename_pattern": r"^x\udc80"}}))
    (asset,) = found["results"]
    form = asset["file_path"]
    assert isinstance(form, dict) and path_from_json(form) == lib.nested
    tagged = ok(http.post("/assets/tags", json={"assets": [form], "tags": ["odd-name"]}))
    assert tagged["assets"] == [asset["content_hash"]]
    ok(http.post("/projects", json={"name": "names-http"}))
    sel = ok(http.post("/selections", json={"project_id": "names-http", "name": "by http"}))
    ref = {"project_id": "names-http", "selection_id": sel["id"]}
    items = [{"asset_hash": form, "file_path": form}]
    ok(http.patch("/selections", json={**ref, "action": "add_items", "items": items}))
    shown = ok(http.get(f"/projects/names-http/selections/{sel['id']}"))
    assert shown["items"][0]["file_path"] == form
    ok(http.patch("/selections", json={**ref, "action": "remove_items", "asset_hashes": [form]}))
    history = ok(http.get(f"/projects/names-http/selections/{sel['id']}/history"))
    assert history[-1]["before"][asset["content_hash"]]["file_path"] == form
    bad = http.post("/assets/tags", json={"assets": [{"text": "x", "base64": "%%"}], "tags": ["a"]})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "assets.0"


def test_http_errors_that_quote_such_a_name_are_still_json(
    http: httpx.Client, lib: Library
) -> None:
    missing = path_to_json(name(bytes(lib.root) + b"/gone-\xe9"))
    refused = http.post("/scans", json={"paths": [missing]})  # was: 500 (the message)
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert error["field"] == "paths" and "gone-\ufffd" in error["message"]


@pytest.mark.xfail(reason="post-merge gap of 2026-12-04 (see the issue notes)", strict=False)
def test_the_page_shows_the_text_of_a_path_object() -> None:
    script = (Path(SRC) / "curata" / "server" / "static" / "app.js").read_text()
    assert "asset.file_path.split" not in script and "alt: asset.file_path" not in script
    start = script.index("function pathText")
    function = script[start : script.index("\n}\n", start) + 2]
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    out = subprocess.run(
        ["node", "-e", function + 'console.log(pathText({text: "caf\\ufffd", base64: "Y2Fm6Q=="}),'
         ' pathText("plain"))'],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert out.stdout == "caf\ufffd plain\n"


# --- MCP -------------------------------------------------------------------------------


def test_mcp_search_assets_replies(db: Path, lib: Library, tmp_path: Path) -> None:
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "curata", "--database", str(db), "mcp"],
        env={"PATH": os.environ.get("PATH", ""), "CURATA_HOME": str(tmp_path), "PYTHONPATH": SRC},
    )
    replies: dict[str, Any] = {}

    async def scenario() -> None:
        async with Client(params, read_timeout_seconds=60) as client:
            found = await client.call_tool("search_assets", {"limit": 100})  # was: no reply
            replies["search"] = found.structured_content
            form = path_to_json(lib.nested)
            replies["asset"] = (
                await client.call_tool("get_asset", {"asset": form})
            ).structured_content

    anyio.run(scenario)
    forms = [a["file_path"] for a in replies["search"]["data"]["results"]]
    assert path_to_json(lib.nested) in forms
    assert replies["asset"]["data"]["file_path"] == path_to_json(lib.nested)


# --- CLI -------------------------------------------------------------------------------


def cli(db: Path, *args: str | bytes) -> str:
    """The real command in a UTF-8 locale whose output encoding refuses surrogates."""
    env = {**os.environ, "PYTHONPATH": SRC, "PYTHONIOENCODING": "utf-8", "COLUMNS": "200"}
    out = subprocess.run(
        [sys.executable, "-m", "curata", "--database", str(db), *args],
        capture_output=True, env=env, check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr.decode("utf-8", "replace")
    return out.stdout.decode("utf-8")  # valid UTF-8, whatever the names


def test_cli_prints_the_names(db: Path, lib: Library) -> None:
    assert "x\ufffd.png" in cli(db, "search")  # was: UnicodeEncodeError
    found = json.loads(cli(db, "search", "--json"))
    assert path_to_json(lib.nested) in [a["file_path"] for a in found["results"]]
    assert display(lib.nested) in cli(db, "info", os.fsencode(lib.nested))
    info = json.loads(cli(db, "info", os.fsencode(lib.nested), "--json"))
    assert path_from_json(info["file_path"]) == lib.nested
    assert display(lib.copy) in cli(db, "dupes", "--exact")
    dupes = json.loads(cli(db, "dupes", "--exact", "--json"))
    assert {path_from_json(m["path"]) for m in dupes["groups"][0]["members"]} == {
        lib.cafe,
        lib.copy,
    }


def test_cli_selection_add_and_show(db: Path, lib: Library) -> None:
    cli(db, "project", "create", "names-cli")
    cli(db, "selection", "create", "by cli", "-p", "names-cli")
    cli(db, "selection", "add", "by-cli", os.fsencode(lib.nested), "-p", "names-cli")
    assert "x\ufffd.png" in cli(db, "selection", "show", "by-cli", "-p", "names-cli")
    shown = json.loads(cli(db, "selection", "show", "by-cli", "-p", "names-cli", "--json"))
    assert path_from_json(shown["items"][0]["file_path"]) == lib.nested

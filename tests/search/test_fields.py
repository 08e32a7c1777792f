"""The field registry: each numeric/date filter is one declaration, and the request
model, the engine, the CLI, the MCP description and the docs follow it."""

from __future__ import annotations

import json
import os
import shutil
import wave
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from typer.testing import CliRunner

from curata import Curata
from curata.cli.main import app
from curata.errors import InvalidRequest
from curata.mcp.server import all_tools
from curata.models import fields
from curata.models.paths import path_to_json
from curata.models.search import SearchFilters
from curata.operations import OPERATIONS
from tests.search.conftest import Builder, search_names

DOCS = Path(__file__).resolve().parents[2] / "docs" / "search.md"


def test_duration_filter(build: Builder) -> None:
    cur, by_hash = build(
        {
            "clip": {"media_type": "video", "duration": 12.5},
            "song": {"media_type": "audio", "duration": 215.0},
            "jingle": {"media_type": "audio", "duration": 3.0},
            "still": {"media_type": "image"},
        }
    )

    def found(duration: dict[str, float], **more: object) -> list[str]:
        request = {"filters": {"duration": duration, **more}, "sort_by": "file_size"}
        return sorted(search_names(cur, by_hash, request))

    assert found({"min": 10}) == ["clip", "song"]
    assert found({"max": 12.5}) == ["clip", "jingle"]  # inclusive; the image has none
    assert found({"min": 3, "max": 3}) == ["jingle"]
    assert found({"min": 1}, media_type="audio") == ["jingle", "song"]
    with pytest.raises(InvalidRequest) as err:
        cur.search_assets({"filters": {"duration": {"min": 9, "max": 1}}})
    assert err.value.field == "filters.duration"


def test_generation_filters_and_value_facets(build: Builder) -> None:
    cur, by_hash = build(
        {
            "a": {"params": {"seed": 42, "steps": 20, "cfg_scale": 7.0, "width": 512}},
            "b": {"params": {"seed": 43, "steps": 30, "cfg_scale": 7.0, "denoise": 0.4}},
            "c": {"params": {"seed": 2**40 + 7, "steps": "30", "cfg_scale": "5.5"}},
            "d": {"params": {"seed": "euler", "steps": [30]}},  # not numbers: no value
        }
    )

    def found(generation: dict[str, object]) -> list[str]:
        return sorted(search_names(cur, by_hash, {"filters": {"generation": generation}}))

    assert found({"seed": 42}) == ["a"]
    assert found({"seed": [43, 2**40 + 7, 9]}) == ["b", "c"]
    assert found({"steps": {"min": 25}}) == ["b", "c"]
    assert found({"cfg_scale": {"max": 6}}) == ["c"]
    assert found({"denoise": {"min": 0.1}}) == ["b"]
    assert found({"width": {"min": 500}, "seed": 42}) == ["a"]
    facets = cur.search_assets({"filters": {}}).data.facets
    assert facets is not None
    steps = [(v.value, v.count) for v in facets.values["generation.steps"]]
    assert steps == [(30.0, 2), (20.0, 1)]
    cfg = [(v.value, v.count) for v in facets.values["generation.cfg_scale"]]
    assert cfg == [(7.0, 2), (5.5, 1)]
    for bad, where in (
        ({"seed": 1.5}, "filters.generation.seed"),
        ({"seed": 2**64}, "filters.generation.seed"),
        ({"steps": {"min": "many"}}, "filters.generation.steps.min"),
        ({"sampler": "euler"}, "filters.generation.sampler"),
    ):
        with pytest.raises(InvalidRequest) as err:
            cur.search_assets({"filters": {"generation": bad}})
        assert err.value.field == where, bad


def test_the_docs_table_is_generated_from_the_registry() -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert fields.rewrite_doc(text) == text, "run: python -m curata.models.fields docs/search.md"
    for f in fields.FIELDS:
        assert f"| `{f.path}` |" in text


def test_every_surface_names_every_field() -> None:
    schema = json.dumps(SearchFilters.model_json_schema())
    help_text = CliRunner().invoke(app, ["search", "--help"], terminal_width=400).output
    search_doc = next(op.description for op in OPERATIONS if op.name == "search_assets")
    tool = next(t for t in all_tools() if t.name == "search_assets")
    tool_filters = tool.describe().input_schema["properties"]["filters"]["properties"]
    for f in fields.FIELDS:
        assert f'"{f.name}"' in schema
        assert f.path in help_text, f.path
        assert f"{f.name} {fields._SHAPES[f.query]} (" in search_doc, f.name
        node = {"properties": tool_filters}
        for part in f.path.split("."):
            node = node["properties"][part]


def test_the_snapshot_format_follows_the_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    before = fields.registry_hash()
    monkeypatch.setattr(fields, "FIELDS", fields.FIELDS[:-1])
    assert fields.registry_hash() != before


def _wav(path: Path, seconds: float) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\0\0" * int(8000 * seconds))


def test_cli_where_on_scanned_audio(tmp_path: Path) -> None:
    """Real WAV files scanned for real, searched by ``--where duration=..``."""
    root = tmp_path / "sounds"
    root.mkdir()
    _wav(root / "short.wav", 0.5)
    _wav(root / "long.wav", 4.0)
    db = tmp_path / "c.db"
    runner = CliRunner()
    assert runner.invoke(app, ["--database", str(db), "scan", str(root)]).exit_code == 0

    def found(*args: str) -> list[str]:
        result = runner.invoke(app, ["--database", str(db), "search", *args, "--json"])
        assert result.exit_code == 0, result.output
        return sorted(Path(a["file_path"]).name for a in json.loads(result.output)["results"])

    assert found("--where", "duration=1..") == ["long.wav"]
    assert found("--where", "duration=..1") == ["short.wav"]
    assert found("--where", "duration=0.1..9", "--where", "file_size=..10000") == ["short.wav"]
    bad = runner.invoke(app, ["--database", str(db), "search", "--where", "length=1..", "--json"])
    assert bad.exit_code != 0 and "--where" in bad.output


def _png(path: Path, shade: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (16, 16), (shade, 255 - shade, 90)).save(path)


def test_folder_filter_takes_in_a_folder_and_below_it(tmp_path: Path) -> None:
    """Real files in nested folders, one asset in two of them, one folder whose name is
    not UTF-8: ``folder`` matches at folder boundaries, in Python, over the CLI's
    ``--where`` and with the path object of JSON."""
    root = (tmp_path / "lib").resolve()
    for shade, rel in enumerate(
        ["a/x.png", "a/b/y.png", "a/b/deep/v.png", "a/bc/z.png", "ab/w.png"]
    ):
        _png(root / rel, 20 * shade)
    shutil.copy(root / "a/x.png", root / "c-copy.png")  # x: also a location outside a/
    odd = os.fsdecode(os.fsencode(root) + b"/caf\xe9")
    _png(Path(odd) / "u.png", 200)
    db = tmp_path / "c.db"
    with Curata(database=db) as cur:
        cur.scan([root])

        def found(folder: object) -> list[str]:
            result = cur.search_assets({"filters": {"folder": folder}, "limit": 100}).data
            names = {Path(loc).stem for a in result.results for loc in _locations(cur, a)}
            return sorted(names)

        assert found(str(root / "a")) == ["c-copy", "v", "x", "y", "z"]
        assert found(str(root / "a/b")) == ["v", "y"]  # not a/bc
        assert found(f"{root}/a//b/./deep/../") == ["v", "y"]  # normalized
        assert found(str(root / "a/b/deep")) == ["v"]
        assert found(str(root)) == ["c-copy", "u", "v", "w", "x", "y", "z"]
        assert found(str(root / "a/b/y.png")) == []  # a file is not a folder
        assert found(path_to_json(odd)) == ["u"]
        assert found(str(tmp_path / "elsewhere")) == []
        for bad in ("relative/dir", "/a\0b", "/" + "x" * 5000):
            with pytest.raises(InvalidRequest) as err:
                cur.search_assets({"filters": {"folder": bad}})
            assert err.value.field == "filters.folder", bad
        _png(root / "a/b/later.png", 250)  # the index follows new files
        cur.scan([root])
        assert found(str(root / "a/b")) == ["later", "v", "y"]

    result = CliRunner().invoke(
        app, ["--database", str(db), "search", "--where", f"folder={root}/a/bc", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert [Path(a["file_path"]).name for a in json.loads(result.output)["results"]] == ["z.png"]


def _locations(cur: Curata, asset: Any) -> list[str]:
    return [loc.path for loc in cur.get_asset(asset.content_hash).data.locations]

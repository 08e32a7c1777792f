"""``curata search`` over a real catalog: the generator fixtures, scanned for real."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from curata.cli.main import app

runner = CliRunner()


def run(db: Path, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, ["--database", str(db), *args])
    assert result.exit_code == code, result.output
    return result.output


def found(db: Path, *args: str) -> list[str]:
    out = json.loads(run(db, "search", *args, "--json"))
    return [Path(a["file_path"]).name for a in out["results"]]


@pytest.fixture
def generated(tmp_path: Path, fixtures: Path, db_path: Path) -> Path:
    """The AI-generator fixture files plus a copy of one under another name."""
    root = tmp_path / "renders"
    shutil.copytree(fixtures / "generators", root)
    shutil.copy(root / "automatic1111.png", root / "copy_of_duck.png")
    summary = json.loads(run(db_path, "scan", str(root), "--json"))
    assert summary["failed"] == 0
    return db_path


def test_filters_from_flags(generated: Path) -> None:
    db = generated
    assert sorted(found(db, "--source", "comfyui")) == [
        "comfyui_img2img.png",
        "comfyui_multi_prompt.png",
    ]
    assert found(db, "--prompt", "DUCK", "--has", "seed", "--has", "cfg_scale") == [
        "automatic1111.png"
    ]
    assert found(db, "--tag-value", "generator=fooocus") == ["fooocus.png"]
    assert sorted(found(db, "--tag-pattern", "model=^juggernaut")) == [
        "fooocus.png",
        "invokeai_metadata.png",
    ]
    assert found(db, "--filename", "^comfyui_", "--sort", "filename", "--asc") == [
        "comfyui_img2img.png",
        "comfyui_multi_prompt.png",
    ]
    assert found(db, "--filename", "^comfyui_", "--sort", "filename", "--desc", "-n", "1") == [
        "comfyui_multi_prompt.png"
    ]
    assert found(
        db,
        "--exclude-tag",
        "comfyui",
        "--exclude-tag",
        "automatic1111",
        "--format",
        "png",
        "--media-type",
        "image",
        "--sort",
        "filename",
        "--asc",
    ) == [
        "fooocus.png",
        "invokeai_metadata.png",
        "novelai.png",
    ]


def test_a_copy_is_found_by_either_name(generated: Path) -> None:
    assert found(generated, "--filename", "^copy_of") == ["automatic1111.png"]


def test_table_and_facets(generated: Path) -> None:
    out = run(generated, "search", "--facets", "--source", "comfyui")
    assert "2 of 2 result(s)" in out
    assert "ai sources" in out and "generator:comfyui" in out


def test_request_file_and_flags_together(generated: Path, tmp_path: Path) -> None:
    request = tmp_path / "query.json"
    request.write_text(json.dumps({"filters": {"ai_source": ["comfyui", "novelai"]}, "limit": 10}))
    assert len(found(generated, "--request", str(request))) == 3
    assert found(generated, "--request", str(request), "--prompt", "cat") == ["novelai.png"]
    out = json.loads(run(generated, "search", "--request", str(request), "--json"))
    assert out["total_count"] == 3 and out["facets"]["ai_sources"][0] == {
        "source": "comfyui",
        "count": 2,
    }


def test_errors_name_the_field(generated: Path, tmp_path: Path) -> None:
    assert "limit" in run(generated, "search", "--limit", "5000", code=2)
    assert "--tag-range" in run(generated, "search", "--tag-range", "n=3", code=2)
    assert "--tag-value" in run(generated, "search", "--tag-value", "style", code=2)
    assert "filters.media_type" in run(generated, "search", "--media-type", "photo", code=2)
    assert "filters.filename_pattern" in run(generated, "search", "--filename", "([", code=2)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert "--request" in run(generated, "search", "--request", str(bad), code=2)


def test_saved_searches_from_the_command_line(generated: Path) -> None:
    db = generated
    run(db, "search", "--source", "comfyui", "save", "Comfy", "--description", "graphs")
    out = json.loads(run(db, "search", "run", "Comfy", "--json"))
    assert out["total_count"] == 2
    assert "Comfy" in run(db, "search", "list")
    run(db, "search", "--source", "novelai", "save", "Comfy", code=4)
    run(db, "search", "--source", "novelai", "save", "Comfy", "--replace")
    assert json.loads(run(db, "search", "run", "Comfy", "--json"))["total_count"] == 1
    listed = json.loads(run(db, "search", "list", "--json"))
    assert [(s["name"], s["description"]) for s in listed] == [("Comfy", "graphs")]
    run(db, "search", "delete", "Comfy")
    assert "no saved searches" in run(db, "search", "list")
    run(db, "search", "run", "Comfy", code=3)


def test_the_installed_command(generated: Path) -> None:
    exe = Path(sys.executable).with_name("curata")
    result = subprocess.run(
        [str(exe), "--database", str(generated), "search", "--source", "fooocus", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout)["results"][0]["ai_source"] == "fooocus"


def test_derived_generation_pairs(generated: Path) -> None:
    """``base_model:`` and ``scheduler:`` pairs derived from the files' metadata."""
    db = generated
    assert sorted(found(db, "--tag-value", "base_model=sdxl")) == [
        "fooocus.png",
        "invokeai_metadata.png",
    ]
    assert sorted(
        found(db, "--tag-value", "scheduler=normal", "--tag-value", "base_model=sd15")
    ) == ["comfyui_img2img.png"]

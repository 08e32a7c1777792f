"""``curata info`` shows generation metadata readably and in full with --json;
``curata stats`` counts by AI source and model."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from curata.cli.main import app
from curata.cli.render_generation import format_value, params_rows

runner = CliRunner()


def run(db: Path, *args: str) -> str:
    result = runner.invoke(app, ["--database", str(db), *args], env={"COLUMNS": "140"})
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def catalog(db_path: Path, tmp_path: Path, fixtures: Path) -> Path:
    root = tmp_path / "gen"
    shutil.copytree(fixtures / "generators", root)
    run(db_path, "scan", str(root), "--json")
    return db_path


def test_info_shows_prompt_negative_prompt_and_params(catalog: Path, tmp_path: Path) -> None:
    out = run(catalog, "info", str(tmp_path / "gen" / "automatic1111.png"))
    assert "photo of a duck" in out and "monochrome" in out
    assert "generation (png:parameters)" in out
    for row in ("model hash", "c0d1994c73", "235284042", "UniPC", "cfg scale"):
        assert row in out
    assert out.index("negative prompt") < out.index("model hash")


def test_info_lists_every_comfyui_sampler(catalog: Path, tmp_path: Path) -> None:
    out = run(catalog, "info", str(tmp_path / "gen" / "comfyui_multi_prompt.png"))
    assert "samplers (the first is primary)" in out
    assert "335608130539327" in out and "1122440447966177" in out


def test_info_json_has_everything(catalog: Path, tmp_path: Path) -> None:
    data = json.loads(run(catalog, "info", str(tmp_path / "gen" / "fooocus.png"), "--json"))
    assert data["ai_source"] == "fooocus"
    meta = data["metadata"]
    assert meta["prompt"] == "a smiling goldfish"
    assert meta["generation_params"]["styles"] == ["Fooocus V2", "Fooocus Enhance", "Fooocus Sharp"]
    assert "png:parameters" in data["raw_blocks"]


def test_stats_count_ai_sources_and_models(catalog: Path) -> None:
    data = json.loads(run(catalog, "stats", "--json"))
    assert {e["name"]: e["count"] for e in data["by_ai_source"]} == {
        "comfyui": 2,
        "automatic1111": 1,
        "fooocus": 1,
        "invokeai": 1,
        "novelai": 1,
    }
    models = {e["name"] for e in data["by_model"]}
    assert {"v1-5-pruned-emaonly", "juggernautxl", "stable diffusion 1d44365e"} <= models
    text = run(catalog, "stats")
    assert "AI sources" in text and "models" in text


def test_param_values_on_one_line() -> None:
    assert format_value([{"name": "a", "weight": 0.5}, {"name": "b"}]) == "a (0.5), b"
    assert format_value({"x": [1, 2]}) == "x: 1, 2"
    assert format_value(7.0) == "7"
    rows = params_rows({"zeta": 1, "seed": 5, "model": "m", "samplers": [], "long": "x" * 500})
    assert [name for name, _ in rows] == ["model", "seed", "long", "zeta"]
    assert len(rows[2][1]) == 160 and rows[2][1].endswith("…")

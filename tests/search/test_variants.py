"""Variant groups of real scanned files: one prompt and model, any seed; ``collapse``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from typer.testing import CliRunner

from curata import Curata
from curata.cli.main import app
from curata.errors import InvalidRequest
from curata.ingest.metadata.dispatch import variant_key


def render(path: Path, prompt: str, seed: int, model: str, size: int) -> None:
    info = PngInfo()
    info.add_text(
        "parameters",
        f"{prompt}\nNegative prompt: blurry\nSteps: {20 + seed % 3}, Sampler: Euler a, "
        f"CFG scale: 7, Seed: {seed}, Size: 64x64, Model: {model}",
    )
    Image.effect_noise((size, size), 20 + seed).convert("RGB").save(path, pnginfo=info)


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    root = tmp_path / "renders"
    root.mkdir()
    for seed, size in ((1, 40), (2, 64), (3, 48)):  # one group of three seeds
        render(root / f"fox_{seed}.png", "a red fox in snow, watercolor", seed, "dreamXL", size)
    render(
        root / "fox_spaced.png",
        "A red fox  in snow,\nwatercolor",
        4,
        "models/dreamXL.safetensors",
        32,
    )
    render(root / "fox_other_model.png", "a red fox in snow, watercolor", 5, "flux1-dev", 36)
    render(root / "owl.png", "an owl at night", 6, "dreamXL", 30)
    Image.new("RGB", (20, 20), (1, 2, 3)).save(root / "plain.png")
    db = tmp_path / "c.db"
    with Curata(database=db) as cur:
        cur.scan([root], workers=1)
    return db


def names(response: object) -> list[tuple[str, int | None]]:
    return [(Path(a.file_path).name, a.variant_count) for a in response.results]  # type: ignore[attr-defined]


def test_the_key_ignores_seed_spacing_case_and_model_folder() -> None:
    key = variant_key("a red fox, snow", "dreamXL")
    assert key == variant_key("A red  fox,\nsnow ", "checkpoints/dreamXL.safetensors")
    assert key != variant_key("a red fox, snow", "flux1-dev")
    assert key != variant_key("a red fox, snow", None) == variant_key("a red fox, snow", None)
    assert variant_key("  ", "dreamXL") is None and variant_key(None, "dreamXL") is None


def test_collapse_keeps_the_first_of_each_group_in_the_requested_order(catalog: Path) -> None:
    with Curata(database=catalog) as cur:
        request = {"sort_by": "file_size", "order": "desc"}
        everything = cur.search_assets(request).data
        assert everything.total_count == 7
        assert all(a.variant_count is None for a in everything.results)
        folded = cur.search_assets({**request, "collapse": "variants"}).data
        assert folded.total_count == 4
        largest_fox = max(
            (
                a
                for a in everything.results
                if a.file_path.endswith(("_1.png", "_2.png", "_3.png", "spaced.png"))
            ),
            key=lambda a: a.file_size,
        )
        assert (Path(largest_fox.file_path).name, 4) in names(folded)
        assert {n: c for n, c in names(folded) if n != Path(largest_fox.file_path).name} == {
            "fox_other_model.png": 1,
            "owl.png": 1,
            "plain.png": 1,
        }
        facets = folded.facets
        assert facets is not None and facets.media_types[0].count == 4  # facets count the results
        smallest = cur.search_assets(
            {"sort_by": "file_size", "order": "asc", "collapse": "variants",
             "filters": {"tag_values": {"model": "dreamxl"}}}
        ).data  # fmt: skip
        assert names(smallest)[0] == ("owl.png", 1) and names(smallest)[1] == ("fox_spaced.png", 4)


def test_an_unknown_collapse_names_the_field(catalog: Path) -> None:
    with Curata(database=catalog) as cur, pytest.raises(InvalidRequest) as err:
        cur.search_assets({"collapse": "seeds"})
    assert err.value.field == "collapse"


def test_collapse_from_the_command_line(catalog: Path) -> None:
    result = CliRunner().invoke(
        app, ["--database", str(catalog), "search", "--collapse", "variants", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["total_count"] == 4
    assert sorted(a["variant_count"] for a in data["results"]) == [1, 1, 1, 4]

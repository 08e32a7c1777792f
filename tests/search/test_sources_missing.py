"""AI-source names (canonical names, families, aliases; unknown ones refused) and the
``missing`` flag of results and filters, on real scanned files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from curata import Curata
from curata.errors import InvalidRequest
from curata.models.ai_sources import AI_SOURCES, FAMILIES, resolve, valid_names
from curata.search.examples import SPEC_EXAMPLES
from tests.search.conftest import Builder, search_names


def test_every_family_member_and_alias_is_canonical() -> None:
    for members in FAMILIES.values():
        assert set(members) <= set(AI_SOURCES)
    for name in valid_names():
        assert set(resolve(name)) <= set(AI_SOURCES)
    assert resolve("Forge") == ("automatic1111",)
    assert resolve("dalle3") == ("dall-e",)
    assert {"automatic1111", "comfyui", "invokeai", "fooocus", "novelai", "swarmui"} <= set(
        resolve("stable-diffusion")
    )
    assert "midjourney" not in resolve("stable-diffusion")


def test_sources_families_unknown_names_and_canonical_facets(build: Builder) -> None:
    cur, by_hash = build(
        {
            "a1111": {"ai_source": "automatic1111"},
            "comfy": {"ai_source": "comfyui"},
            "mj": {"ai_source": "midjourney"},
            "mj_old": {"ai_source": "MidJourney"},  # a spelling from an older catalog
            "photo": {},
        }
    )

    def found(*sources: str) -> list[str]:
        return sorted(search_names(cur, by_hash, {"filters": {"ai_source": list(sources)}}))

    assert found("stable-diffusion") == ["a1111", "comfy"]
    assert found("forge") == ["a1111"]
    assert found("midjourney") == ["mj", "mj_old"]
    assert found("hosted", "comfy") == ["comfy", "mj", "mj_old"]
    with pytest.raises(InvalidRequest) as err:
        cur.search_assets({"filters": {"ai_source": ["midjourney", "dalle4"]}})
    assert err.value.field == "filters.ai_source.1"
    assert "dalle4" in str(err.value) and "automatic1111" in str(err.value)
    facets = cur.search_assets({"filters": {}}).data.facets
    assert facets is not None
    assert [(f.source, f.count) for f in facets.ai_sources] == [
        ("midjourney", 2),
        ("automatic1111", 1),
        ("comfyui", 1),
    ]


def test_spec_example_3_finds_the_automatic1111_files(
    tmp_path: Path, fixtures: Path, db_path: Path
) -> None:
    root = tmp_path / "renders"
    shutil.copytree(fixtures / "generators", root)
    request = SPEC_EXAMPLES["generation parameters"]
    filters = {**request["filters"], "prompt_keywords": ["duck"]}  # the fixture's prompt
    with Curata(database=db_path) as cur:
        cur.scan([root], workers=1)
        found = cur.search_assets({"filters": filters}).data
        assert [Path(a.file_path).name for a in found.results] == ["automatic1111.png"]
        family = cur.search_assets({"filters": {"ai_source": ["stable-diffusion"]}}).data
        names = {Path(a.file_path).name for a in family.results}
        assert {"automatic1111.png", "comfyui_img2img.png", "invokeai_metadata.png"} <= names


def test_missing_files_are_marked_and_filtered(tmp_path: Path, fixtures: Path) -> None:
    root = tmp_path / "lib"
    root.mkdir()
    for name in ("ukbench09040.jpg", "ukbench09060.jpg"):
        shutil.copy(fixtures / "near-duplicates" / name, root / name)
    with Curata(database=tmp_path / "c.db") as cur:
        cur.scan([root], workers=1)

        def names(filters: dict[str, object]) -> dict[str, bool]:
            results = cur.search_assets({"filters": filters}).data.results
            return {Path(a.file_path).name: a.missing for a in results}

        assert names({}) == {"ukbench09040.jpg": False, "ukbench09060.jpg": False}
        (root / "ukbench09060.jpg").unlink()
        cur.scan([root], workers=1)  # the index loaded above must see what went missing
        assert names({}) == {"ukbench09040.jpg": False, "ukbench09060.jpg": True}
        assert names({"missing": True}) == {"ukbench09060.jpg": True}
        assert names({"missing": False}) == {"ukbench09040.jpg": False}
        with pytest.raises(InvalidRequest) as err:
            cur.search_assets({"filters": {"missing": "perhaps"}})
        assert err.value.field == "filters.missing"

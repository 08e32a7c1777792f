"""Base-model families and the derived ``lora:``, ``base_model:``, ``scheduler:`` pairs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.ingest.metadata.builders import write_png

from curata import Curata
from curata.ingest.metadata import parse_metadata
from curata.ingest.metadata.base_models import (
    FAMILIES,
    KNOWN_HASHES,
    NAME_RULES,
    WRITER_NAMES,
    base_model,
    from_hash,
    from_name,
)
from curata.ingest.metadata.dispatch import MAX_LORA_TAGS

NAMES = [
    ("v1-5-pruned-emaonly.safetensors", "sd15"),
    ("SD1.5/dreamshaper_sd15.safetensors", "sd15"),
    ("sd_1-5_inpainting", "sd15"),
    ("v2-1_768-ema-pruned.ckpt", "sd2"),
    ("sd21-base", "sd2"),
    ("768-v-ema.ckpt", "sd2"),
    ("sd_xl_base_1.0.safetensors", "sdxl"),
    ("juggernautXL_v9Rdphoto2Lightning", "sdxl"),
    ("RealVisXL_V4.0", "sdxl"),
    ("sdxl_turbo_1.0_fp16", "sdxl"),
    ("sd3_medium_incl_clips.safetensors", "sd3"),
    ("sd3.5_large", "sd3"),
    ("stable-diffusion-3-medium", "sd3"),
    ("flux1-dev.safetensors", "flux"),
    ("FLUX.1-schnell-fp8", "flux"),
    ("ponyDiffusionV6XL_v6StartWithThisOne", "pony"),
    ("illustriousXL_v01", "illustrious"),
    ("noobaiXLNAIXL_epsilonPred11Version", "illustrious"),
    ("stable_cascade_stage_c", "cascade"),
    ("hunyuan_dit_1.2", "hunyuan"),
    ("Kolors-diffusers", "kolors"),
    ("auraflow_v0.3", "auraflow"),
    ("PixArt-Sigma-XL-2-1024-MS", "pixart"),
    ("hidream_i1_full_fp8", "hidream"),
    ("wan2.1_t2v_14B_fp16", "wan"),
    ("ltx-video-2b-v0.9", "ltxv"),
    # unknown stays unknown: never a guess
    ("realisticVisionV51_v51VAE", None),
    ("anything-v3.0", None),
    ("dreamshaper_8", None),
    ("xlarge_model", None),
    ("", None),
]


@pytest.mark.parametrize(("name", "family"), NAMES)
def test_family_from_the_model_name(name: str, family: str | None) -> None:
    assert from_name(name) == family
    assert from_name(name.upper()) == family  # case never matters


def test_every_rule_and_family_is_exercised() -> None:
    """Each name rule is the one that decides for some name of the table above, and
    every family a rule, hash or writer name gives is declared."""
    decided = {family for _name, family in NAMES if family}
    assert decided == {family for _pattern, family in NAME_RULES}
    assert set(KNOWN_HASHES.values()) | set(WRITER_NAMES.values()) <= set(FAMILIES)
    assert decided <= set(FAMILIES)


@pytest.mark.parametrize("digest", sorted(KNOWN_HASHES))
def test_known_hashes_short_full_and_any_case(digest: str) -> None:
    assert from_hash(digest) == KNOWN_HASHES[digest]
    assert from_hash(digest.upper() + "0" * 54) == KNOWN_HASHES[digest]


@pytest.mark.parametrize("value", ["0123456789", "6ce016168", "not a hash", None, 42])
def test_unknown_or_malformed_hashes(value: object) -> None:
    assert from_hash(value) is None


def test_the_writer_wins_then_the_hash_then_the_name() -> None:
    named = {"model": "juggernautXL", "model_hash": "6ce0161689", "base_model": "flux"}
    assert base_model(named) == "flux"
    assert base_model({**named, "base_model": "nonsense"}) == "sd15"
    assert base_model({"model": "juggernautXL", "model_hash": "ffffffffff"}) == "sdxl"
    assert base_model({"base_model": "sd-1"}) == "sd15"
    assert base_model({"model": ["not", "text"]}) is None


@given(st.dictionaries(st.sampled_from(["model", "model_hash", "base_model"]),
                       st.one_of(st.text(max_size=80), st.integers(), st.none())))  # fmt: skip
def test_any_params_give_a_declared_family_or_none(params: dict[str, object]) -> None:
    assert base_model(params) in (*FAMILIES, None)


A1111 = (
    "a castle, <lora:add_detail:0.6>, <lora:Styles/film_grain.safetensors:1.2>\n"
    "Negative prompt: blurry\n"
    "Steps: 30, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 6, Seed: 7, "
    "Size: 832x1216, Model hash: 31e35c80fc, Model: my_merge_v3"
)


def test_a1111_text_gives_lora_base_model_and_scheduler_pairs() -> None:
    parsed = parse_metadata({"png:parameters": A1111})
    assert {"lora:add_detail", "lora:film_grain", "base_model:sdxl", "scheduler:karras"} <= set(
        parsed.tags
    )
    weights = {lora["name"]: lora.get("weight") for lora in parsed.generation_params["loras"]}
    assert weights == {"add_detail": 0.6, "Styles/film_grain.safetensors": 1.2}


def test_comfyui_lora_loader_and_unet_family() -> None:
    graph = {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "flux1-dev.safetensors"}},
        "2": {"class_type": "LoraLoaderModelOnly",
              "inputs": {"model": ["1", 0], "lora_name": "xlabs/anime_lora.safetensors",
                         "strength_model": 0.8}},
        "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "a fox"}},
        "4": {"class_type": "KSampler",
              "inputs": {"model": ["2", 0], "positive": ["3", 0], "negative": ["3", 0],
                         "seed": 5, "steps": 20, "cfg": 1.0, "sampler_name": "euler",
                         "scheduler": "simple", "denoise": 1.0}},
    }  # fmt: skip
    parsed = parse_metadata({"png:prompt": json.dumps(graph)})
    assert {"lora:anime_lora", "base_model:flux", "scheduler:simple"} <= set(parsed.tags)


def test_no_model_no_family_pair() -> None:
    parsed = parse_metadata({"png:parameters": "a cat, in a hat\nSteps: 20, Seed: 1"})
    assert not [t for t in parsed.tags if t.startswith(("base_model:", "lora:", "scheduler:"))]


def test_lora_pairs_through_the_python_api(tmp_path: Path) -> None:
    """A scanned file is found by its LoRA; the weight is in its params."""
    root = tmp_path / "renders"
    root.mkdir()
    write_png(root / "castle.png", {"parameters": A1111})
    write_png(root / "plain.png", {"parameters": A1111.replace("<lora:add_detail:0.6>, ", "")})
    with Curata(database=tmp_path / "c.db") as cur:
        cur.scan([root], workers=1)
        found = cur.search_assets({"filters": {"tag_values": {"lora": "add_detail"}}}).data
        assert [Path(a.file_path).name for a in found.results] == ["castle.png"]
        loras = found.results[0].metadata["generation_params"]["loras"]
        assert {"name": "add_detail", "weight": 0.6} in loras
        both = cur.search_assets({"filters": {"tags": ["lora:film_grain", "base_model:sdxl"]}})
        assert both.data.total_count == 2


def test_lora_pairs_are_bounded() -> None:
    prompt = "a cat, " + ", ".join(f"<lora:style_{i}:0.5>" for i in range(500))
    parsed = parse_metadata({"png:parameters": prompt + "\nSteps: 20, Seed: 1"})
    assert len([t for t in parsed.tags if t.startswith("lora:")]) == MAX_LORA_TAGS

"""One real file per generator (shared fixtures): the facts each one carries, pinned."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from curata.ingest.metadata import parse_metadata

COMFY_MULTI_NEGATIVE = (
    "(hands), text, error, cropped, (worst quality:1.2), (low quality:1.2), normal quality, "
    "(jpeg artifacts:1.3), signature, watermark, username, blurry, artist name, monochrome, "
    "sketch, censorship, censor, (copyright:1.2), extra legs, (forehead mark) (depth of field) "
    "(emotionless) (penis) (pumpkin)"
)
NOVELAI_NEGATIVE = ", ".join(
    [
        "lowres, bad anatomy, bad hands, text, error, missing fingers, extra digit, fewer digits",
        "cropped, worst quality, low quality, normal quality, jpeg artifacts, signature",
        "watermark, username, blurry",
    ]
    * 2
)

# file, ai_source, prompt, negative prompt, seed, steps, sampler, cfg scale, model
CASES = [
    (
        "automatic1111.png",
        "automatic1111",
        "photo of a duck",
        "monochrome",
        235284042,
        15,
        "UniPC",
        5.0,
        "realistic_realisticVisionV20_v20",
    ),
    (
        "comfyui_img2img.png",
        "comfyui",
        "photograph of victorian woman with wings, sky clouds, meadow grass",
        "watermark, text",
        280823642470253,
        20,
        "sample_dpmpp_2m",
        8.0,
        "v1-5-pruned-emaonly.ckpt",
    ),
    (
        "comfyui_multi_prompt.png",
        "comfyui",
        None,  # checked separately: five regional prompts
        COMFY_MULTI_NEGATIVE,
        335608130539327,
        13,
        "dpmpp_sde",
        8.5,
        "Anything-V3.0.ckpt",
    ),
    (
        "invokeai_metadata.png",
        "invokeai",
        "digital artwork, oil painting. painterly brushstrokes, holidays,",
        "grainy+, photo, oversaturated, overexposed, blurry, compressed jpg+, noisy++, "
        "unfocused , black and white",
        3293022630,
        35,
        "euler",
        8.0,
        "juggernautXL",
    ),
    (
        "novelai.png",
        "novelai",
        "masterpiece, best quality,  cat, space, icon",
        NOVELAI_NEGATIVE,
        2253955223,
        50,
        "k_euler_ancestral",
        10.0,
        "Stable Diffusion 1D44365E",
    ),
    (
        "fooocus.png",
        "fooocus",
        "a smiling goldfish",
        None,
        6952411511246973023,
        30,
        "dpmpp_2m_sde_gpu",
        4.0,
        "juggernautXL_v8Rundiffusion",
    ),
]


@pytest.mark.parametrize(
    ("name", "ai_source", "prompt", "negative", "seed", "steps", "sampler", "cfg", "model"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_generator_fixture(
    generators: Path,
    blocks_of: Callable[[Path], dict[str, str]],
    name: str,
    ai_source: str,
    prompt: str | None,
    negative: str | None,
    seed: int,
    steps: int,
    sampler: str,
    cfg: float,
    model: str,
) -> None:
    parsed = parse_metadata(blocks_of(generators / name), str(generators / name))
    params = parsed.generation_params
    assert parsed.ai_source == ai_source
    if prompt is not None:
        assert parsed.prompt == prompt
    assert parsed.negative_prompt == negative
    assert (params["seed"], params["steps"], params["sampler"]) == (seed, steps, sampler)
    assert params["cfg_scale"] == pytest.approx(cfg)
    assert params["model"] == model
    assert parsed.warnings == []
    assert parsed.guess is False
    assert f"generator:{ai_source}" in parsed.tags
    assert f"sampler:{sampler.lower()}" in parsed.tags


def test_a1111_fixture_size_and_hash(
    generators: Path, blocks_of: Callable[[Path], dict[str, str]]
) -> None:
    params = parse_metadata(blocks_of(generators / "automatic1111.png")).generation_params
    assert (params["width"], params["height"], params["model_hash"]) == (512, 400, "c0d1994c73")


def test_comfyui_regional_prompts_are_all_kept_in_graph_order(
    generators: Path, blocks_of: Callable[[Path], dict[str, str]]
) -> None:
    parsed = parse_metadata(blocks_of(generators / "comfyui_multi_prompt.png"))
    assert parsed.prompt is not None
    lines = parsed.prompt.split("\n")
    assert len(lines) == 5
    assert lines[0].startswith("(best quality) (night:1.3)")
    assert lines[-1].startswith("(masterpiece) (best quality) beautiful landscape")
    params = parsed.generation_params
    assert (params["width"], params["height"]) == (704, 1280)


def test_comfyui_second_pass_sampler_is_kept_after_the_primary(
    generators: Path, blocks_of: Callable[[Path], dict[str, str]]
) -> None:
    params = parse_metadata(blocks_of(generators / "comfyui_multi_prompt.png")).generation_params
    first, second = params["samplers"]
    assert first["node"] == "3" and second["node"] == "24"
    assert second["model"] == "AbyssOrangeMix2_hard.safetensors"
    assert (second["seed"], second["steps"], second["denoise"]) == (1122440447966177, 14, 0.5)
    assert (second["width"], second["height"]) == (1088, 1920)
    assert second["prompt"].startswith("(best quality) beautiful (HDR:1.2)")


def test_comfyui_img2img_denoise_and_model_tag(
    generators: Path, blocks_of: Callable[[Path], dict[str, str]]
) -> None:
    parsed = parse_metadata(blocks_of(generators / "comfyui_img2img.png"))
    assert parsed.generation_params["denoise"] == pytest.approx(0.87)
    assert "model:v1-5-pruned-emaonly" in parsed.tags


def test_comfyui_workflow_alone_gives_the_same_facts(
    generators: Path, blocks_of: Callable[[Path], dict[str, str]]
) -> None:
    blocks = blocks_of(generators / "comfyui_img2img.png")
    from_prompt = parse_metadata(blocks)
    from_workflow = parse_metadata({"png:workflow": blocks["png:workflow"]})
    assert from_workflow.source == "png:workflow"
    assert from_workflow.prompt == from_prompt.prompt
    assert from_workflow.negative_prompt == from_prompt.negative_prompt
    for key in ("seed", "steps", "sampler", "scheduler", "cfg_scale", "denoise", "model"):
        assert from_workflow.generation_params[key] == from_prompt.generation_params[key], key


def test_multi_prompt_workflow_alone_finds_both_samplers(
    generators: Path, blocks_of: Callable[[Path], dict[str, str]]
) -> None:
    blocks = blocks_of(generators / "comfyui_multi_prompt.png")
    from_prompt = parse_metadata(blocks).generation_params["samplers"]
    from_workflow = parse_metadata({"png:workflow": blocks["png:workflow"]})
    samplers = from_workflow.generation_params["samplers"]
    assert [s["seed"] for s in samplers] == [s["seed"] for s in from_prompt]
    assert [s["model"] for s in samplers] == [s["model"] for s in from_prompt]
    assert [s["prompt"] for s in samplers] == [s["prompt"] for s in from_prompt]


def test_fooocus_fixture_resolution_styles_and_version(
    generators: Path, blocks_of: Callable[[Path], dict[str, str]]
) -> None:
    params = parse_metadata(blocks_of(generators / "fooocus.png")).generation_params
    assert (params["width"], params["height"]) == (768, 1280)
    assert params["styles"] == ["Fooocus V2", "Fooocus Enhance", "Fooocus Sharp"]
    assert params["version"] == "Fooocus v2.4.3"
    assert params["model_hash"] == "aeb7e9e689"


def test_invokeai_fixture_model_details(
    generators: Path, blocks_of: Callable[[Path], dict[str, str]]
) -> None:
    params = parse_metadata(blocks_of(generators / "invokeai_metadata.png")).generation_params
    assert (params["base_model"], params["vae"]) == ("sdxl", "VAEFix")
    assert (params["width"], params["height"]) == (1024, 1024)
    assert params["scheduler"] == "euler"

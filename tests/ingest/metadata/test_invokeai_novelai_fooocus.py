"""InvokeAI's three formats, NovelAI (chunks and stealth JSON), Fooocus's two schemes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image
from tests.ingest.metadata.builders import exif_user_comment, stealth_image, write_png

from curata.ingest.metadata import invokeai, parse_metadata

BlocksOf = Callable[[Path], dict[str, str]]

SD_METADATA = {
    "model": "stable diffusion",
    "model_weights": "deliberateForInvoke_v08",
    "model_hash": "56d1442a0feefd64836a19ac8e3527ec71c884fc962e246ddf67b03e42921272",
    "app_id": "invoke-ai/InvokeAI",
    "app_version": "2.3.0",
    "image": {
        "prompt": [
            {"prompt": "portrait of a knight, oil painting [rendering, skinny]", "weight": 1.0}
        ],
        "steps": 50,
        "cfg_scale": 5,
        "threshold": 0,
        "perlin": 0,
        "height": 768,
        "width": 512,
        "seed": 2980747362,
        "seamless": False,
        "hires_fix": False,
        "type": "txt2img",
        "postprocessing": None,
        "sampler": "k_lms",
        "variations": [],
    },
}
DREAM = (
    '"portrait of a knight, oil painting [rendering, skinny]" -s 50 -S 2980747362 -W 512 '
    "-H 768 -C 5.0 -A k_lms -U 4 0.9"
)


def test_invokeai_sd_metadata_png(tmp_path: Path, blocks_of: BlocksOf) -> None:
    path = write_png(tmp_path / "i2.png", early={"sd-metadata": json.dumps(SD_METADATA)})
    parsed = parse_metadata(blocks_of(path))
    assert parsed.ai_source == "invokeai" and parsed.source == "png:sd-metadata"
    assert parsed.prompt == "portrait of a knight, oil painting"
    assert parsed.negative_prompt == "rendering, skinny"
    params = parsed.generation_params
    assert (params["seed"], params["steps"], params["sampler"]) == (2980747362, 50, "k_lms")
    assert (params["cfg_scale"], params["width"], params["height"]) == (5.0, 512, 768)
    assert params["model"] == "deliberateForInvoke_v08"
    assert params["model_hash"].startswith("56d1442a")
    assert params["app_version"] == "2.3.0"


def test_invokeai_dream_string(tmp_path: Path, blocks_of: BlocksOf) -> None:
    path = write_png(tmp_path / "i1.png", late={"Dream": DREAM})
    parsed = parse_metadata(blocks_of(path))
    assert parsed.ai_source == "invokeai" and parsed.source == "png:Dream"
    assert parsed.prompt == "portrait of a knight, oil painting"
    assert parsed.negative_prompt == "rendering, skinny"
    params = parsed.generation_params
    assert (params["seed"], params["steps"], params["sampler"]) == (2980747362, 50, "k_lms")
    assert (params["cfg_scale"], params["width"], params["height"]) == (5.0, 512, 768)
    assert params["U"] == 4


def test_invokeai_metadata_v4_model_and_loras() -> None:
    meta = {
        "positive_prompt": "a snowy cabin",
        "negative_prompt": "",
        "seed": 7,
        "steps": 30,
        "cfg_scale": 6,
        "scheduler": "dpmpp_2m_k",
        "width": 1216,
        "height": 832,
        "model": {"key": "abc", "hash": "blake3:ff", "name": "Juggernaut XL v9", "base": "sdxl"},
        "loras": [{"model": {"name": "cozy"}, "weight": 0.6}],
        "generation_mode": "sdxl_txt2img",
    }
    parsed = invokeai.parse({"png:invokeai_metadata": json.dumps(meta)})
    assert parsed is not None
    params = parsed.generation_params
    assert (parsed.prompt, parsed.negative_prompt) == ("a snowy cabin", None)
    assert (params["model"], params["model_hash"], params["base_model"]) == (
        "Juggernaut XL v9",
        "blake3:ff",
        "sdxl",
    )
    assert params["loras"] == [{"name": "cozy", "weight": 0.6}]
    assert params["sampler"] == params["scheduler"] == "dpmpp_2m_k"


@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("invokeai_metadata", '{"positive_prompt": "a'),
        ("sd-metadata", '{"model_weights": "x"}'),
        ("Dream", "no quotes here -s 5"),
    ],
)
def test_invokeai_malformed_is_a_warning_naming_the_block(key: str, text: str) -> None:
    parsed = parse_metadata({f"png:{key}": text})
    assert parsed.ai_source == "invokeai"
    assert any(f"png:{key}" in w for w in parsed.warnings)


NOVELAI_COMMENT = {
    "prompt": "1girl, cherry blossoms",
    "steps": 28,
    "height": 1216,
    "width": 832,
    "scale": 5.0,
    "uncond_scale": 0.0,
    "cfg_rescale": 0.0,
    "seed": 3512305,
    "n_samples": 1,
    "noise_schedule": "karras",
    "sampler": "k_euler_ancestral",
    "v4_prompt": {"caption": {"base_caption": "1girl, cherry blossoms", "char_captions": []}},
    "v4_negative_prompt": {"caption": {"base_caption": "lowres, blurry"}},
}


def test_novelai_stealth_json(tmp_path: Path, blocks_of: BlocksOf) -> None:
    """NovelAI hides its fields as one JSON object in the alpha channel (gzip)."""
    fields = {
        "Title": "NovelAI generated image",
        "Description": "1girl, cherry blossoms",
        "Software": "NovelAI",
        "Source": "NovelAI Diffusion V4 4F49EC75",
        "Comment": json.dumps(NOVELAI_COMMENT),
    }
    path = tmp_path / "nai.png"
    stealth_image(json.dumps(fields), "alpha", compressed=True, size=(96, 96)).save(path)
    parsed = parse_metadata(blocks_of(path))
    assert parsed.ai_source == "novelai" and parsed.source == "stealth:parameters"
    assert (parsed.prompt, parsed.negative_prompt) == ("1girl, cherry blossoms", "lowres, blurry")
    params = parsed.generation_params
    assert (params["seed"], params["steps"], params["cfg_scale"]) == (3512305, 28, 5.0)
    assert (params["width"], params["height"], params["scheduler"]) == (832, 1216, "karras")
    assert params["model"] == "NovelAI Diffusion V4 4F49EC75"


def test_novelai_comment_that_is_not_json_keeps_the_prompt(
    tmp_path: Path, blocks_of: BlocksOf
) -> None:
    path = write_png(
        tmp_path / "nai.png",
        early={"Software": "NovelAI", "Description": "a fox", "Comment": '{"steps": 2'},
    )
    parsed = parse_metadata(blocks_of(path))
    assert (parsed.ai_source, parsed.prompt) == ("novelai", "a fox")
    assert any("not valid JSON" in w for w in parsed.warnings)


A1111_STYLE_FOOOCUS = (
    "a smiling goldfish\nNegative prompt: blurry\n"
    "Steps: 30, Sampler: DPM++ 2M SDE Karras, Seed: 6952411511246973023, CFG scale: 4, "
    "Size: 768x1280, Model: juggernautXL_v8Rundiffusion, Styles: \"['Fooocus V2']\", "
    "Performance: Speed, Version: Fooocus v2.4.3"
)


def test_fooocus_a1111_scheme_in_png(tmp_path: Path, blocks_of: BlocksOf) -> None:
    path = write_png(
        tmp_path / "f.png",
        early={"parameters": A1111_STYLE_FOOOCUS, "fooocus_scheme": "a1111"},
    )
    parsed = parse_metadata(blocks_of(path))
    assert parsed.ai_source == "fooocus"
    assert (parsed.prompt, parsed.negative_prompt) == ("a smiling goldfish", "blurry")
    params = parsed.generation_params
    assert params["seed"] == 6952411511246973023
    assert params["model"] == "juggernautXL_v8Rundiffusion"
    assert params["performance"] == "Speed"


def test_fooocus_json_in_jpeg_exif(tmp_path: Path, generators: Path, blocks_of: BlocksOf) -> None:
    """Fooocus writes JPEG/WebP metadata as EXIF UserComment + Software."""
    text = blocks_of(generators / "fooocus.png")["png:parameters"]
    exif = exif_user_comment(text)
    exif[0x0131] = "Fooocus v2.4.3"
    path = tmp_path / "f.jpg"
    Image.new("RGB", (16, 16)).save(path, exif=exif)
    parsed = parse_metadata(blocks_of(path))
    assert (parsed.ai_source, parsed.source) == ("fooocus", "exif:UserComment")
    assert parsed.generation_params["seed"] == 6952411511246973023


def test_fooocus_truncated_json_is_a_warning() -> None:
    parsed = parse_metadata(
        {
            "png:parameters": '{"prompt": "x", "version": "Fooocus v2',
            "png:fooocus_scheme": "fooocus",
        }
    )
    assert parsed.ai_source == "fooocus"
    assert any("not valid JSON" in w for w in parsed.warnings)

"""AUTOMATIC1111 / Forge / SD.Next parameters in every place they are written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from tests.ingest.metadata.builders import exif_user_comment, stealth_image, write_png

from curata.ingest.metadata import automatic1111, parse_metadata
from curata.ingest.probe import probe_file

BlocksOf = Callable[[Path], dict[str, str]]

FORGE = (
    "a castle on a hill, <lora:detailTweaker:0.8>, golden hour\n"
    "second line of the prompt\n"
    "Negative prompt: lowres, blurry\n"
    "more negative\n"
    "Steps: 28, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 6.5, Seed: 1234567890, "
    "Size: 832x1216, Model hash: 31e35c80fc, Model: sd_xl_base_1.0, Denoising strength: 0.35, "
    'Clip skip: 2, Lora hashes: "detailTweaker: ee61c5d4d4a0, other: 0123", '
    "Hires upscale: 1.5, Version: f2.0.1v1.10.1-previous-313-g8a042934\n"
    "Template: a castle on a hill"
)


def test_forge_text_with_quoted_values_loras_and_trailing_lines() -> None:
    parsed = automatic1111.parse({"png:parameters": FORGE})
    assert parsed is not None
    assert parsed.prompt == (
        "a castle on a hill, <lora:detailTweaker:0.8>, golden hour\nsecond line of the prompt"
    )
    assert parsed.negative_prompt == "lowres, blurry\nmore negative"
    params = parsed.generation_params
    assert params["sampler"] == "DPM++ 2M" and params["scheduler"] == "Karras"
    assert (params["width"], params["height"], params["seed"]) == (832, 1216, 1234567890)
    assert (params["cfg_scale"], params["denoise"], params["clip_skip"]) == (6.5, 0.35, 2)
    assert params["hires_upscale"] == 1.5
    assert params["app"] == "forge"
    assert params["extra_lines"] == ["Template: a castle on a hill"]
    assert params["loras"] == [
        {"name": "detailTweaker", "weight": 0.8, "hash": "ee61c5d4d4a0"},
        {"name": "other", "hash": "0123"},
    ]


def test_sd_next_is_named_in_the_params() -> None:
    text = "cat\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, App: SD.Next, Version: 7d7f5f1"
    parsed = automatic1111.parse({"png:parameters": text})
    assert parsed is not None and parsed.ai_source == "automatic1111"
    assert parsed.generation_params["app"] == "sd.next"


@pytest.mark.parametrize("fmt", ["JPEG", "WEBP"])
@pytest.mark.parametrize("encoding", ["utf-16-be", "utf-16-le", "ascii"])
def test_exif_user_comment_in_jpeg_and_webp(
    tmp_path: Path, blocks_of: BlocksOf, fmt: str, encoding: str
) -> None:
    text = (
        "a red fox in snow\nNegative prompt: cartoon\n"
        "Steps: 30, Sampler: Euler a, CFG scale: 7, Seed: 42, Size: 512x512"
    )
    path = tmp_path / f"fox.{fmt.lower()}"
    Image.new("RGB", (32, 32), "white").save(path, fmt, exif=exif_user_comment(text, encoding))
    parsed = parse_metadata(blocks_of(path))
    assert parsed.ai_source == "automatic1111"
    assert parsed.source == "exif:UserComment"
    assert (parsed.prompt, parsed.negative_prompt) == ("a red fox in snow", "cartoon")
    assert parsed.generation_params["seed"] == 42


def test_text_chunk_after_the_image_data_is_read(tmp_path: Path, blocks_of: BlocksOf) -> None:
    late = {"parameters": "late prompt\nSteps: 9, Sampler: DDIM, CFG scale: 3, Seed: 5"}
    path = write_png(tmp_path / "late.png", late=late)
    data = path.read_bytes()
    assert data.index(b"tEXtparameters") > data.index(b"IDAT")
    parsed = parse_metadata(blocks_of(path))
    assert parsed.prompt == "late prompt"
    assert parsed.generation_params["steps"] == 9


@pytest.mark.parametrize("chunk", ["zTXt", "iTXt"])
def test_compressed_and_international_text_chunks(
    tmp_path: Path, blocks_of: BlocksOf, chunk: str
) -> None:
    info = PngInfo()
    text = "ünïcödé prompt, 東京\nSteps: 12, Sampler: Euler, CFG scale: 4, Seed: 77"
    if chunk == "zTXt":
        info.add_text(
            "parameters", text.encode("latin-1", errors="replace").decode("latin-1"), zip=True
        )
        text = text.encode("latin-1", errors="replace").decode("latin-1")
    else:
        info.add_itxt("parameters", text, zip=True)
    path = tmp_path / "chunk.png"
    Image.new("RGB", (8, 8)).save(path, pnginfo=info)
    assert chunk.encode() in path.read_bytes()
    parsed = parse_metadata(blocks_of(path))
    assert parsed.prompt == text.split("\n")[0]
    assert parsed.generation_params["seed"] == 77


@pytest.mark.parametrize("mode", ["alpha", "rgb"])
@pytest.mark.parametrize("compressed", [False, True])
def test_stealth_pnginfo(tmp_path: Path, blocks_of: BlocksOf, mode: str, compressed: bool) -> None:
    text = "stealthy cat\nNegative prompt: dog\nSteps: 25, Sampler: Euler a, CFG scale: 7, Seed: 99"
    path = tmp_path / "stealth.png"
    stealth_image(text, mode, compressed).save(path)
    blocks = blocks_of(path)
    assert blocks["stealth:parameters"] == text
    parsed = parse_metadata(blocks)
    assert (parsed.ai_source, parsed.source) == ("automatic1111", "stealth:parameters")
    assert (parsed.prompt, parsed.negative_prompt) == ("stealthy cat", "dog")
    assert parsed.generation_params["seed"] == 99


def test_stealth_in_a_lossless_webp(tmp_path: Path, blocks_of: BlocksOf) -> None:
    path = tmp_path / "stealth.webp"
    stealth_image("webp cat\nSteps: 5, Sampler: Euler, CFG scale: 2, Seed: 3").save(
        path, lossless=True
    )
    assert parse_metadata(blocks_of(path)).prompt == "webp cat"


def test_plain_images_have_no_stealth_block(tmp_path: Path, blocks_of: BlocksOf) -> None:
    path = tmp_path / "plain.png"
    Image.effect_noise((40, 40), 60).convert("RGBA").save(path)
    assert "stealth:parameters" not in blocks_of(path)


def test_a1111_txt_sidecar(tmp_path: Path) -> None:
    image = tmp_path / "00012-3456.png"
    Image.new("RGB", (8, 8)).save(image)
    (tmp_path / "00012-3456.txt").write_text(
        "sidecar prompt\nSteps: 20, Sampler: Euler, CFG scale: 7, Seed: 3456, Model: dreamshaper_8"
    )
    result = probe_file(str(image))
    assert result.generation is not None
    assert result.generation["ai_source"] == "automatic1111"
    assert result.generation["guess"] is False
    assert result.generation["source"] == "sidecar:txt"
    assert result.generation["prompt"] == "sidecar prompt"
    assert "model:dreamshaper_8" in result.tags


def test_parameters_without_a_parameter_line_keep_the_prompt_with_a_warning() -> None:
    parsed = parse_metadata({"png:parameters": "just a prompt\nNegative prompt: nothing"})
    assert parsed.ai_source == "stable-diffusion"
    assert (parsed.prompt, parsed.negative_prompt) == ("just a prompt", "nothing")
    assert any("no parameter line" in w for w in parsed.warnings)


def test_binary_junk_in_the_parameters_chunk_is_a_warning(
    tmp_path: Path, blocks_of: BlocksOf
) -> None:
    junk = bytes(np.random.default_rng(3).integers(0, 256, 300, dtype=np.uint8))
    path = write_png(tmp_path / "junk.png", extra_chunks=[(b"tEXt", b"parameters\0" + junk)])
    result = probe_file(str(path))
    assert result.error is None and result.content_hash
    assert result.generation is not None
    assert result.generation["ai_source"] == "stable-diffusion"
    assert result.generation["prompt"] is None
    assert any("binary data" in w for w in result.warnings)


def test_a_camera_comment_is_not_a1111() -> None:
    assert automatic1111.parse({"exif:UserComment": "Shot on a sunny day"}) is None


_safe_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60
).filter(lambda t: t.strip() == t and t and not t.startswith(("Negative prompt:", "Steps:")))


@given(
    prompt=_safe_text,
    negative=_safe_text,
    steps=st.integers(1, 150),
    seed=st.integers(0, 2**63 - 1),
    cfg=st.floats(1, 30, allow_nan=False).map(lambda f: round(f, 1)),
    sampler=st.sampled_from(["Euler a", "DPM++ 2M Karras", "UniPC", "DDIM"]),
    width=st.integers(64, 4096),
    height=st.integers(64, 4096),
)
def test_round_trip_of_any_a1111_text(
    prompt: str,
    negative: str,
    steps: int,
    seed: int,
    cfg: float,
    sampler: str,
    width: int,
    height: int,
) -> None:
    text = (
        f"{prompt}\nNegative prompt: {negative}\n"
        f"Steps: {steps}, Sampler: {sampler}, CFG scale: {cfg}, Seed: {seed}, "
        f"Size: {width}x{height}"
    )
    parsed = automatic1111.parse({"png:parameters": text})
    assert parsed is not None
    assert (parsed.prompt, parsed.negative_prompt) == (prompt, negative)
    params = parsed.generation_params
    assert (params["steps"], params["seed"], params["sampler"]) == (steps, seed, sampler)
    assert params["cfg_scale"] == cfg
    assert (params["width"], params["height"]) == (width, height)

"""ComfyUI graphs built from the node types' documented inputs (API and UI formats)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from curata.ingest.metadata import comfyui, parse_metadata
from curata.ingest.probe import probe_file


def node(class_type: str, **inputs: Any) -> dict[str, Any]:
    return {"class_type": class_type, "inputs": inputs}


SDXL_FLUX_GRAPH = {
    "1": node("CheckpointLoaderSimple", ckpt_name="SDXL/juggernautXL_v9.safetensors"),
    "2": node("LoraLoader", model=["1", 0], clip=["1", 1], lora_name="film.safetensors",
              strength_model=0.7, strength_clip=0.7),
    "3": node("LoraLoaderModelOnly", model=["2", 0], lora_name="detail.safetensors",
              strength_model=0.3),
    "4": node("CLIPTextEncodeSDXL", clip=["2", 1], width=1024, height=1024, crop_w=0, crop_h=0,
              target_width=1024, target_height=1024, text_g="a lighthouse at dusk",
              text_l="a lighthouse at dusk"),
    "5": node("CLIPTextEncodeSDXL", clip=["2", 1], width=1024, height=1024, crop_w=0, crop_h=0,
              target_width=1024, target_height=1024, text_g="blurry", text_l="lowres"),
    "6": node("PrimitiveNode", value=31337),
    "7": node("EmptyLatentImage", width=1024, height=1024, batch_size=1),
    "8": node("StringConcatenate", string_a="storm clouds", string_b=["13", 0], delimiter=", "),
    "9": node("CLIPTextEncode", clip=["2", 1], text=["8", 0]),
    "10": node("ConditioningConcat", conditioning_to=["4", 0], conditioning_from=["9", 0]),
    "11": node("ControlNetApplyAdvanced", positive=["10", 0], negative=["5", 0],
               control_net=["12", 0], image=["14", 0], strength=0.5),
    "12": node("ControlNetLoader", control_net_name="canny.safetensors"),
    "13": node("Text Multiline", text="crashing waves"),
    "14": node("LoadImage", image="edges.png"),
    "20": node("KSamplerAdvanced", model=["3", 0], positive=["11", 0], negative=["11", 1],
               latent_image=["7", 0], add_noise="enable", noise_seed=["6", 0], steps=30, cfg=5.5,
               sampler_name="dpmpp_2m_sde", scheduler="karras", start_at_step=0,
               end_at_step=10000, return_with_leftover_noise="disable"),
    "21": node("VAEDecode", samples=["20", 0], vae=["1", 2]),
    "22": node("SaveImage", images=["21", 0], filename_prefix="ComfyUI"),
}  # fmt: skip

FLUX_CUSTOM_GRAPH = {
    "1": node("UNETLoader", unet_name="flux1-dev.safetensors", weight_dtype="fp8_e4m3fn"),
    "2": node("DualCLIPLoader", clip_name1="t5xxl_fp16.safetensors",
              clip_name2="clip_l.safetensors", type="flux"),
    "3": node("CLIPTextEncodeFlux", clip=["2", 0], clip_l="a fox", t5xxl="a red fox in the snow",
              guidance=3.5),
    "4": node("FluxGuidance", conditioning=["3", 0], guidance=3.5),
    "5": node("BasicGuider", model=["1", 0], conditioning=["4", 0]),
    "6": node("RandomNoise", noise_seed=424242),
    "7": node("KSamplerSelect", sampler_name="euler"),
    "8": node("BasicScheduler", model=["1", 0], scheduler="simple", steps=20, denoise=1.0),
    "9": node("EmptySD3LatentImage", width=1344, height=768, batch_size=1),
    "10": node("SamplerCustomAdvanced", noise=["6", 0], guider=["5", 0], sampler=["7", 0],
               sigmas=["8", 0], latent_image=["9", 0]),
}  # fmt: skip


def test_sdxl_graph_through_concat_controlnet_string_nodes_and_loras() -> None:
    parsed = comfyui.parse({"png:prompt": json.dumps(SDXL_FLUX_GRAPH)})
    assert parsed is not None and parsed.warnings == []
    assert parsed.prompt == "a lighthouse at dusk\nstorm clouds\ncrashing waves"
    assert parsed.negative_prompt == "blurry\nlowres"
    params = parsed.generation_params
    assert params["model"] == "SDXL/juggernautXL_v9.safetensors"
    assert params["loras"] == [
        {"name": "detail.safetensors", "weight": 0.3},
        {"name": "film.safetensors", "weight": 0.7},
    ]
    assert (params["seed"], params["steps"], params["cfg_scale"]) == (31337, 30, 5.5)
    assert (params["sampler"], params["scheduler"]) == ("dpmpp_2m_sde", "karras")
    assert (params["width"], params["height"]) == (1024, 1024)
    assert "samplers" not in params


def test_sampler_custom_advanced_with_guider_noise_sigmas_and_flux_encoder() -> None:
    parsed = parse_metadata({"png:prompt": json.dumps(FLUX_CUSTOM_GRAPH)})
    assert parsed.ai_source == "comfyui"
    assert parsed.prompt == "a fox\na red fox in the snow"
    assert parsed.negative_prompt is None
    params = parsed.generation_params
    assert params["model"] == "flux1-dev.safetensors"
    assert (params["seed"], params["steps"], params["sampler"]) == (424242, 20, "euler")
    assert (params["scheduler"], params["denoise"]) == ("simple", 1.0)
    assert (params["width"], params["height"]) == (1344, 768)
    assert "model:flux1-dev" in parsed.tags


def test_dangling_links_are_warnings_and_the_rest_is_read() -> None:
    graph = {
        "3": node("KSampler", seed=1, steps=20, cfg=7.0, sampler_name="euler", scheduler="normal",
                  denoise=1.0, model=["99", 0], positive=["6", 0], negative=["42", 0],
                  latent_image=["5", 0]),
        "5": node("EmptyLatentImage", width=512, height=512, batch_size=1),
        "6": node("CLIPTextEncode", text="a cat", clip=["98", 1]),
    }  # fmt: skip
    parsed = parse_metadata({"png:prompt": json.dumps(graph)})
    assert parsed.prompt == "a cat" and parsed.generation_params["seed"] == 1
    assert "model" not in parsed.generation_params
    missing = sorted(w for w in parsed.warnings if "missing node" in w)
    assert len(missing) == 2
    assert "42" in missing[0] and "99" in missing[1]


def test_a_link_cycle_ends() -> None:
    graph = {
        "1": node("KSampler", seed=1, steps=2, cfg=1.0, sampler_name="euler", scheduler="normal",
                  denoise=1.0, model=["2", 0], positive=["3", 0], negative=["4", 0],
                  latent_image=["1", 0]),
        "2": node("ModelSamplingDiscrete", model=["2", 0]),
        "3": node("ConditioningCombine", conditioning_1=["4", 0], conditioning_2=["3", 0]),
        "4": node("ConditioningSetArea", conditioning=["3", 0]),
    }  # fmt: skip
    parsed = parse_metadata({"png:prompt": json.dumps(graph)})
    assert parsed.ai_source == "comfyui" and parsed.prompt is None


def test_truncated_prompt_json_falls_back_to_the_workflow(fixtures: Path) -> None:
    blocks = probe_file(str(fixtures / "generators" / "comfyui_img2img.png")).blocks
    blocks["png:prompt"] = blocks["png:prompt"][: len(blocks["png:prompt"]) // 2]
    parsed = parse_metadata(blocks)
    assert parsed.source == "png:workflow"
    assert parsed.prompt == "photograph of victorian woman with wings, sky clouds, meadow grass"
    assert any("png:prompt" in w for w in parsed.warnings)


def test_truncated_graph_alone_is_a_comfyui_file_with_a_warning() -> None:
    parsed = parse_metadata({"png:prompt": '{"3": {"inputs": {"seed": 1'})
    assert parsed.ai_source == "comfyui"
    assert parsed.prompt is None
    assert any("not valid JSON" in w for w in parsed.warnings)


def test_a_graph_without_samplers_keeps_the_encoders_text() -> None:
    graph = {"1": node("CLIPTextEncode", text="only text", clip=["2", 0]),
             "2": node("CheckpointLoaderSimple", ckpt_name="x.ckpt")}  # fmt: skip
    parsed = parse_metadata({"png:prompt": json.dumps(graph)})
    assert parsed.prompt == "only text"
    assert any("no sampler" in w for w in parsed.warnings)


def test_workflow_with_primitive_and_reroute_nodes() -> None:
    workflow = {
        "nodes": [
            {"id": 1, "type": "CheckpointLoaderSimple", "mode": 0,
             "outputs": [{"name": "MODEL", "links": [1]}, {"name": "CLIP", "links": [2]}],
             "widgets_values": ["dreamshaper_8.safetensors"]},
            {"id": 2, "type": "Reroute", "mode": 0, "inputs": [{"name": "", "link": 1}]},
            {"id": 3, "type": "CLIPTextEncode", "mode": 0, "inputs": [{"name": "clip", "link": 2}],
             "widgets_values": ["a watercolor owl"]},
            {"id": 4, "type": "PrimitiveNode", "mode": 0, "widgets_values": [8675309, "fixed"]},
            {"id": 5, "type": "KSampler", "mode": 0,
             "inputs": [{"name": "model", "link": 3}, {"name": "positive", "link": 4},
                        {"name": "seed", "link": 5, "widget": {"name": "seed"}}],
             "widgets_values": [1, "fixed", 25, 6, "euler_ancestral", "normal", 1]},
            {"id": 6, "type": "KSampler", "mode": 2, "inputs": [],
             "widgets_values": [2, "fixed", 5, 1, "muted", "normal", 1]},
        ],
        "links": [[1, 1, 0, 2, 0, "MODEL"], [2, 1, 1, 3, 0, "CLIP"], [3, 2, 0, 5, 0, "MODEL"],
                  [4, 3, 0, 5, 1, "CONDITIONING"], [5, 4, 0, 5, 4, "INT"]],
    }  # fmt: skip
    parsed = parse_metadata({"png:workflow": json.dumps(workflow)})
    params = parsed.generation_params
    assert parsed.prompt == "a watercolor owl"
    assert params["model"] == "dreamshaper_8.safetensors"
    assert (params["seed"], params["steps"], params["sampler"]) == (8675309, 25, "euler_ancestral")
    assert "samplers" not in params  # the muted sampler is not one


def test_workflow_link_missing_from_the_table_is_a_warning() -> None:
    workflow = {
        "nodes": [{"id": 5, "type": "KSampler", "inputs": [{"name": "positive", "link": 77}],
                   "widgets_values": [3, "fixed", 10, 7, "euler", "normal", 1]}],
        "links": [],
    }  # fmt: skip
    parsed = parse_metadata({"png:workflow": json.dumps(workflow)})
    assert parsed.generation_params["seed"] == 3
    assert any("link 77" in w for w in parsed.warnings)


def test_webp_exif_prompt_and_workflow(tmp_path: Path) -> None:
    """ComfyUI's animated-WebP saver puts ``prompt:{json}`` in EXIF Model (0x0110)."""
    graph = {
        "1": node("CheckpointLoaderSimple", ckpt_name="anim.safetensors"),
        "2": node("CLIPTextEncode", text="dancing robot", clip=["1", 1]),
        "3": node("KSampler", seed=5, steps=8, cfg=2.0, sampler_name="lcm", scheduler="sgm_uniform",
                  denoise=1.0, model=["1", 0], positive=["2", 0], negative=["2", 0],
                  latent_image=["4", 0]),
        "4": node("EmptyLatentImage", width=512, height=512, batch_size=16),
    }  # fmt: skip
    exif = Image.Exif()
    exif[0x0110] = "prompt:" + json.dumps(graph)
    path = tmp_path / "anim.webp"
    Image.new("RGB", (16, 16)).save(path, exif=exif)
    result = probe_file(str(path))
    assert result.generation is not None
    assert result.generation["ai_source"] == "comfyui"
    assert result.generation["prompt"] == "dancing robot"
    assert result.generation["generation_params"]["sampler"] == "lcm"


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)
_nodes = st.dictionaries(
    st.sampled_from([str(i) for i in range(8)]),
    st.fixed_dictionaries(
        {
            "class_type": st.sampled_from(
                ["KSampler", "CLIPTextEncode", "LoraLoader", "X", "SamplerCustom"]
            ),
            "inputs": st.dictionaries(
                st.sampled_from(["model", "positive", "negative", "text", "seed", "latent_image",
                                 "conditioning", "guider", "lora_name", "clip"]),
                st.one_of(_json_values, st.tuples(st.sampled_from([str(i) for i in range(10)]),
                                                  st.integers(0, 2)).map(list)),
            ),
        }
    ),
    min_size=1,
)  # fmt: skip


@settings(max_examples=300)
@given(graph=_nodes)
def test_any_graph_parses_without_raising(graph: dict[str, Any]) -> None:
    parsed = parse_metadata({"png:prompt": json.dumps(graph)})
    assert parsed.ai_source == "comfyui"


@pytest.mark.parametrize("text", ["", "not json", "[1, 2]"])
def test_prompt_chunks_that_are_no_json_object_are_not_comfyui(text: str) -> None:
    parsed = parse_metadata({"png:prompt": text})
    assert parsed.ai_source is None
    # JSON that no parser reads is named as kept raw (issue 14), never as a ComfyUI error
    expected = ["png:prompt: not understood as generation metadata; kept raw"]
    assert parsed.warnings == (expected if text.startswith("[") else [])


@pytest.mark.parametrize("text", ['{"a": 1}', "{" * 5000, '{"1": {"class_type": "X"}'])
def test_broken_graphs_are_comfyui_with_a_warning(text: str) -> None:
    parsed = parse_metadata({"png:prompt": text})
    assert parsed.ai_source == "comfyui"
    assert len(parsed.warnings) == 1 and parsed.warnings[0].startswith("png:prompt")

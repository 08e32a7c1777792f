"""Issue 14: files written the way each tool writes them (see SOURCES.md beside this
file for the writer's source or documentation each builder follows), read back through
the probe and the parsers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from tests.ingest.metadata.builders import write_png
from tests.ingest.metadata.test_services import TRAINED, jpeg_with_app11, manifest_store

from curata.ingest.metadata import AI_SOURCES, parse_metadata
from curata.ingest.metadata.result import ParsedMetadata
from curata.ingest.probe import probe_file


def node(class_type: str, **inputs: Any) -> dict[str, Any]:
    return {"class_type": class_type, "inputs": inputs}


GRAPH = {
    "4": node("CheckpointLoaderSimple", ckpt_name="sd_xl_base_1.0.safetensors"),
    "5": node("EmptyLatentImage", width=1024, height=1024, batch_size=1),
    "6": node("CLIPTextEncode", text="a lighthouse on a cliff at dawn", clip=["4", 1]),
    "7": node("CLIPTextEncode", text="blurry, lowres", clip=["4", 1]),
    "3": node("KSampler", seed=918273, steps=28, cfg=6.5, sampler_name="dpmpp_2m",
              scheduler="karras", denoise=1.0, model=["4", 0], positive=["6", 0],
              negative=["7", 0], latent_image=["5", 0]),
    "8": node("VAEDecode", samples=["3", 0], vae=["4", 2]),
    "9": node("SaveImageExtended", images=["8", 0], filename_prefix="ComfyUI"),
}  # fmt: skip
WORKFLOW = {
    "nodes": [
        {"id": 4, "type": "CheckpointLoaderSimple", "mode": 0,
         "widgets_values": ["sd_xl_base_1.0.safetensors"]},
        {"id": 6, "type": "CLIPTextEncode", "mode": 0, "inputs": [{"name": "clip", "link": 2}],
         "widgets_values": ["a lighthouse on a cliff at dawn"]},
        {"id": 7, "type": "CLIPTextEncode", "mode": 0, "inputs": [{"name": "clip", "link": 3}],
         "widgets_values": ["blurry, lowres"]},
        {"id": 3, "type": "KSampler", "mode": 0,
         "inputs": [{"name": "model", "link": 1}, {"name": "positive", "link": 4},
                    {"name": "negative", "link": 5}],
         "widgets_values": [918273, "fixed", 28, 6.5, "dpmpp_2m", "karras", 1]},
    ],
    "links": [[1, 4, 0, 3, 0, "MODEL"], [2, 4, 1, 6, 0, "CLIP"], [3, 4, 1, 7, 0, "CLIP"],
              [4, 6, 0, 3, 1, "CONDITIONING"], [5, 7, 0, 3, 2, "CONDITIONING"]],
}  # fmt: skip


def unicode_comment(text: str) -> bytes:
    """EXIF UserComment as piexif.helper.UserComment.dump(..., encoding="unicode")."""
    return b"UNICODE\0" + text.encode("utf-16-be")


def save(path: Path, exif: Image.Exif) -> Path:
    Image.new("RGB", (32, 32), (120, 60, 30)).save(path, exif=exif)
    return path


def read(path: Path) -> ParsedMetadata:
    result = probe_file(str(path))
    assert result.error is None, result.error
    return parse_metadata(result.blocks, str(path))


def assert_facts(parsed: ParsedMetadata, source: str, prompt: str, **params: Any) -> None:
    """What ``curata info`` shows: source, prompt, seed, steps, sampler, CFG, model."""
    assert parsed.ai_source == source
    assert source in AI_SOURCES
    assert parsed.prompt == prompt
    got = {k: parsed.generation_params.get(k) for k in params}
    assert got == params


def assert_comfy_graph(parsed: ParsedMetadata) -> None:
    assert_facts(parsed, "comfyui", "a lighthouse on a cliff at dawn", seed=918273, steps=28,
                 sampler="dpmpp_2m", cfg_scale=6.5, model="sd_xl_base_1.0.safetensors")  # fmt: skip
    assert parsed.negative_prompt == "blurry, lowres"


# -- ComfyUI graphs in JPEG and WebP EXIF ---------------------------------------------


@pytest.mark.parametrize("suffix", [".jpg", ".webp"])
def test_graph_json_in_exif_user_comment(tmp_path: Path, suffix: str) -> None:
    """ComfyUI_ExtendedImageFormats and the Civitai-served files: UserComment holds
    ``{"prompt": {...}, "workflow": {...}}``."""
    exif = Image.Exif()
    exif[0x8769] = {0x9286: unicode_comment(json.dumps({"prompt": GRAPH, "workflow": WORKFLOW}))}
    assert_comfy_graph(read(save(tmp_path / f"civitai{suffix}", exif)))


def test_graph_json_in_user_comment_stored_in_ifd0(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x9286] = unicode_comment(json.dumps({"prompt": GRAPH}))
    parsed = read(save(tmp_path / "ifd0.jpg", exif))
    assert_comfy_graph(parsed)
    assert parsed.source == "exif:UserComment"


@pytest.mark.parametrize("suffix", [".jpg", ".webp"])
def test_save_image_extended_capitalized_prompt_and_workflow(tmp_path: Path, suffix: str) -> None:
    """The "Save Image Extended" family: ``Workflow:`` in ImageDescription (0x010E),
    ``Prompt:`` in Make (0x010F)."""
    exif = Image.Exif()
    exif[0x010E] = "Workflow:" + json.dumps(WORKFLOW)
    exif[0x010F] = "Prompt:" + json.dumps(GRAPH)
    parsed = read(save(tmp_path / f"extended{suffix}", exif))
    assert_comfy_graph(parsed)
    assert parsed.source == "exif:Make"


def test_workflow_alone_in_image_description(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x010E] = "Workflow:" + json.dumps(WORKFLOW)
    exif[0x8769] = {0x9286: unicode_comment("")}
    parsed = read(save(tmp_path / "workflow.webp", exif))
    assert_comfy_graph(parsed)
    assert parsed.source == "exif:ImageDescription"


# -- ComfyUI graphs through control nodes ---------------------------------------------

CONTROL_GRAPH = {
    "1": node("CheckpointLoaderSimple", ckpt_name="flux_schnell.safetensors"),
    "2": node("CheckpointLoaderSimple", ckpt_name="juggernautXL.safetensors"),
    "10": node("ImpactSwitch", select=2, sel_mode=False, input1=["1", 0], input2=["2", 0]),
    "11": node("LoraLoader", model=["10", 0], clip=["2", 1], lora_name="film.safetensors",
               strength_model=0.6, strength_clip=0.6),
    "12": node("ToBasicPipe", model=["11", 0], clip=["11", 1], vae=["2", 2],
               positive=["20", 0], negative=["21", 0]),
    "13": node("FromBasicPipe", basic_pipe=["12", 0]),
    "20": node("CLIPTextEncode", text="a red fox in fresh snow", clip=["11", 1]),
    "21": node("CLIPTextEncode", text="cartoon", clip=["11", 1]),
    "30": node("PrimitiveInt", value=5551212),
    "31": node("Reroute", input=["30", 0]),
    "32": node("Int Literal", int=24),
    "33": node("PrimitiveFloat", value=4.5),
    "34": node("Any Switch (rgthree)", any_02=["33", 0]),
    "35": node("PrimitiveString", value="euler_ancestral"),
    "36": node("Context (rgthree)", base_ctx=["37", 0], seed=["31", 0]),
    "37": node("Context (rgthree)", model=["13", 0]),
    "40": node("EmptyLatentImage", width=832, height=1216, batch_size=1),
    "50": node("KSampler", model=["36", 1], positive=["13", 3], negative=["13", 4],
               latent_image=["40", 0], seed=["36", 8], steps=["32", 0], cfg=["34", 0],
               sampler_name=["35", 0], scheduler="normal", denoise=1.0),
}  # fmt: skip


def test_values_reached_through_switch_reroute_primitive_pipe_and_context_nodes() -> None:
    parsed = parse_metadata({"png:prompt": json.dumps(CONTROL_GRAPH)})
    assert_facts(
        parsed,
        "comfyui",
        "a red fox in fresh snow",
        seed=5551212,
        steps=24,
        sampler="euler_ancestral",
        cfg_scale=4.5,
        model="juggernautXL.safetensors",
    )
    params = parsed.generation_params
    assert parsed.negative_prompt == "cartoon"
    assert params["loras"] == [{"name": "film.safetensors", "weight": 0.6}]
    through = params["resolved_through"]
    assert through["model"] == [
        "36 Context (rgthree)", "37 Context (rgthree)", "13 FromBasicPipe", "12 ToBasicPipe",
        "11 LoraLoader", "10 ImpactSwitch", "2 CheckpointLoaderSimple",
    ]  # fmt: skip
    assert through["seed"] == ["36 Context (rgthree)", "31 Reroute", "30 PrimitiveInt"]
    assert through["cfg_scale"] == ["34 Any Switch (rgthree)", "33 PrimitiveFloat"]
    assert through["sampler"] == ["35 PrimitiveString"]


def test_switch_selects_by_number_whatever_the_node_is_called() -> None:
    graph = json.loads(json.dumps(CONTROL_GRAPH))
    graph["10"] = node("MyOwnSelector", index=1, input1=["1", 0], input2=["2", 0])
    parsed = parse_metadata({"png:prompt": json.dumps(graph)})
    assert parsed.generation_params["model"] == "flux_schnell.safetensors"


def test_a_cycle_of_pass_on_nodes_ends_without_a_value() -> None:
    graph = {
        "1": node("Reroute", input=["2", 0]),
        "2": node("Reroute", input=["1", 0]),
        "3": node("CLIPTextEncode", text="loop"),
        "4": node("KSampler", model=["1", 0], seed=["2", 0], steps=10, cfg=7, positive=["3", 0],
                  negative=["3", 0], sampler_name="euler", scheduler="normal"),
    }  # fmt: skip
    parsed = parse_metadata({"png:prompt": json.dumps(graph)})
    assert parsed.prompt == "loop"
    assert "model" not in parsed.generation_params and "seed" not in parsed.generation_params


def test_a_long_chain_of_pass_on_nodes_is_bounded() -> None:
    graph = {str(i): node("Reroute", input=[str(i + 1), 0]) for i in range(10, 5000)}
    graph["5000"] = node("CheckpointLoaderSimple", ckpt_name="far.safetensors")
    graph["1"] = node("CLIPTextEncode", text="far away")
    graph["2"] = node("KSampler", model=["10", 0], seed=1, steps=10, cfg=7, positive=["1", 0],
                      negative=["1", 0], sampler_name="euler", scheduler="normal")  # fmt: skip
    parsed = parse_metadata({"png:prompt": json.dumps(graph)})
    assert parsed.prompt == "far away" and "model" not in parsed.generation_params


# -- tools without their name in the file --------------------------------------------

SWARM = {
    "sui_image_params": {
        "prompt": "a photo of a cat", "negativeprompt": "dog",
        "model": "OfficialStableDiffusion/sd_xl_base_1.0",
        "seed": 1, "steps": 20, "cfgscale": "7.0", "aspectratio": "1:1", "width": 1024,
        "height": 1024, "sampler": "euler", "scheduler": "normal", "automaticvae": True,
        "loras": "detail,film", "loraweights": "0.8,0.5", "swarm_version": "0.9.3.1",
    },
    "sui_extra_data": {"date": "2024-11-13", "generation_time": "6.11 (prep) and 4.84 (gen)"},
}  # fmt: skip


def assert_swarm(parsed: ParsedMetadata) -> None:
    assert_facts(parsed, "swarmui", "a photo of a cat", seed=1, steps=20, sampler="euler",
                 cfg_scale=7.0, model="OfficialStableDiffusion/sd_xl_base_1.0")  # fmt: skip
    assert parsed.negative_prompt == "dog"
    assert parsed.generation_params["loras"] == [
        {"name": "detail", "weight": 0.8}, {"name": "film", "weight": 0.5}
    ]  # fmt: skip


def test_swarmui_png_parameters(tmp_path: Path) -> None:
    path = write_png(tmp_path / "swarm.png", early={"parameters": json.dumps(SWARM, indent=2)})
    assert_swarm(read(path))


def test_swarmui_jpeg_user_comment(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x8769] = {0x9286: unicode_comment(json.dumps(SWARM))}
    assert_swarm(read(save(tmp_path / "swarm.jpg", exif)))


def test_ruinedfooocus_png_parameters(tmp_path: Path) -> None:
    data = {
        "Prompt": "cinematic film still, a sunflower field", "Negative": "anime, cartoon",
        "steps": 30, "cfg": 8.5, "width": 1152, "height": 896, "seed": 3864674281,
        "sampler_name": "dpmpp_2m_sde_gpu", "scheduler": "karras",
        "base_model_name": "sd_xl_base_1.0_0.9vae.safetensors", "base_model_hash": "be9edd61",
        "loras": [["4852686128", "0.1 - sd_xl_offset_example-lora_1.0.safetensors"]],
        "start_step": 0, "denoise": None, "clip_skip": 1, "software": "RuinedFooocus",
    }  # fmt: skip
    parsed = read(write_png(tmp_path / "rf.png", early={"parameters": json.dumps(data)}))
    assert_facts(parsed, "ruinedfooocus", "cinematic film still, a sunflower field",
                 seed=3864674281, steps=30, sampler="dpmpp_2m_sde_gpu", cfg_scale=8.5,
                 model="sd_xl_base_1.0_0.9vae.safetensors")  # fmt: skip
    assert parsed.negative_prompt == "anime, cartoon"
    assert parsed.generation_params["loras"] == [
        {"name": "sd_xl_offset_example-lora_1.0.safetensors", "weight": 0.1, "hash": "4852686128"}
    ]


def test_diffusers_json_parameters_in_png(tmp_path: Path) -> None:
    data = {
        "prompt": "an astronaut riding a horse", "negative_prompt": "low quality",
        "seed": 42, "num_inference_steps": 25, "guidance_scale": 7.5,
        "scheduler": "DPMSolverMultistepScheduler", "model_id": "stabilityai/sdxl-turbo",
        "width": 512, "height": 512,
    }  # fmt: skip
    parsed = read(write_png(tmp_path / "demo.png", early={"parameters": json.dumps(data)}))
    assert_facts(parsed, "diffusers", "an astronaut riding a horse", seed=42, steps=25,
                 sampler="DPMSolverMultistepScheduler", cfg_scale=7.5,
                 model="stabilityai/sdxl-turbo")  # fmt: skip


def test_diffusers_parameters_as_separate_png_chunks(tmp_path: Path) -> None:
    chunks = {"prompt": "a koi pond, ukiyo-e", "negative_prompt": "photo", "seed": "7",
              "num_inference_steps": "30", "guidance_scale": "5.0", "scheduler": "EulerDiscrete",
              "model": "runwayml/stable-diffusion-v1-5"}  # fmt: skip
    parsed = read(write_png(tmp_path / "chunks.png", early=chunks))
    assert_facts(
        parsed,
        "diffusers",
        "a koi pond, ukiyo-e",
        seed=7,
        steps=30,
        sampler="EulerDiscrete",
        cfg_scale=5.0,
        model="runwayml/stable-diffusion-v1-5",
    )


DRAW_THINGS = {
    "c": "a cozy cabin in the woods, volumetric light", "uc": "people", "seed": 2718,
    "steps": 8, "scale": 3.5, "sampler": "DPM++ 2M Karras", "model": "flux_1_schnell_q8p.ckpt",
    "size": "768x1024", "strength": 1, "seed_mode": "Scale Alike", "shift": 1,
    "lora": [{"file": "hyper_sd_lora_f16.ckpt", "weight": 0.8}],
}  # fmt: skip


def draw_things_xmp(settings: dict[str, Any]) -> str:
    comment = json.dumps(settings).replace("&", "&amp;").replace("<", "&lt;")
    return (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
        'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:exif="http://ns.adobe.com/exif/1.0/" xmp:CreatorTool="Draw Things">'
        f'<exif:UserComment><rdf:Alt><rdf:li xml:lang="x-default">{comment}</rdf:li></rdf:Alt>'
        '</exif:UserComment><dc:description><rdf:Alt><rdf:li xml:lang="x-default">'
        f"{settings['c']}&#10;Steps: {settings['steps']}</rdf:li></rdf:Alt></dc:description>"
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
    )


def test_draw_things_png_xmp(tmp_path: Path) -> None:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_itxt("XML:com.adobe.xmp", draw_things_xmp(DRAW_THINGS))
    path = tmp_path / "dt.png"
    Image.new("RGB", (24, 32)).save(path, pnginfo=info)
    parsed = read(path)
    assert_facts(parsed, "drawthings", "a cozy cabin in the woods, volumetric light", seed=2718,
                 steps=8, sampler="DPM++ 2M Karras", cfg_scale=3.5,
                 model="flux_1_schnell_q8p.ckpt", width=768, height=1024)  # fmt: skip
    assert parsed.negative_prompt == "people"
    assert parsed.generation_params["loras"] == [{"name": "hyper_sd_lora_f16.ckpt", "weight": 0.8}]


def test_draw_things_jpeg_xmp_and_exif_user_comment(tmp_path: Path) -> None:
    path = tmp_path / "dt.jpg"
    Image.new("RGB", (24, 32)).save(path, xmp=draw_things_xmp(DRAW_THINGS).encode())
    assert read(path).ai_source == "drawthings"
    exif = Image.Exif()
    exif[0x0131] = "Draw Things"
    exif[0x8769] = {0x9286: unicode_comment(json.dumps(DRAW_THINGS))}
    parsed = read(save(tmp_path / "dt_exif.jpg", exif))
    assert_facts(parsed, "drawthings", "a cozy cabin in the woods, volumetric light", seed=2718,
                 cfg_scale=3.5, model="flux_1_schnell_q8p.ckpt")  # fmt: skip


def test_stability_matrix_png(tmp_path: Path) -> None:
    params_json = {
        "PositivePrompt": "a castle on a hill, matte painting", "NegativePrompt": "text",
        "Width": 1024, "Height": 1024, "Seed": 99, "Steps": 30, "CfgScale": 7.0,
        "Sampler": "dpmpp_2m", "Scheduler": "karras", "ModelName": "dreamshaperXL",
        "ModelHash": "0f1b80cfe8",
    }  # fmt: skip
    a1111 = (
        "a castle on a hill, matte painting\nNegative prompt: text\nSteps: 30, Sampler: "
        "DPM++ 2M Karras, CFG scale: 7, Seed: 99, Size: 1024x1024, Model: dreamshaperXL"
    )
    path = write_png(tmp_path / "sm.png", early={
        "parameters": a1111, "parameters-json": json.dumps(params_json),
        "smproj": json.dumps({"Version": 2}), "prompt": json.dumps(GRAPH),
    })  # fmt: skip
    parsed = read(path)
    assert_facts(parsed, "stability-matrix", "a castle on a hill, matte painting", seed=99,
                 steps=30, sampler="dpmpp_2m", cfg_scale=7.0, model="dreamshaperXL")  # fmt: skip


def test_tensorart_png_generation_data_with_its_graph(tmp_path: Path) -> None:
    graph = json.loads(json.dumps(GRAPH))
    graph["4"] = node("ECHOCheckpointLoaderSimple", ckpt_name="EMS-123-EMS.safetensors")
    data = {"prompt": "a watercolor hummingbird", "negativePrompt": "photo", "width": 768,
            "height": 1152, "seed": "1234567", "steps": 25, "cfgScale": 5, "clipSkip": 2,
            "baseModel": {"modelFileName": "majicmixRealistic_v7.safetensors",
                          "hash": "7C819B6D13"}}  # fmt: skip
    path = write_png(tmp_path / "ta.png", early={
        "generation_data": json.dumps(data), "prompt": json.dumps(graph)})  # fmt: skip
    parsed = read(path)
    assert_facts(
        parsed,
        "tensorart",
        "a watercolor hummingbird",
        seed=1234567,
        steps=25,
        sampler="dpmpp_2m",
        cfg_scale=5.0,
        model="majicmixRealistic_v7.safetensors",
    )
    assert parsed.generation_params["clip_skip"] == 2


ED_MODEL = "C:\\EasyDiffusion\\models\\stable-diffusion\\sd-v1-5.safetensors"
EASY = {"prompt": "a bowl of ramen, studio photo", "negative_prompt": "blurry", "seed": "30219",
        "use_stable_diffusion_model": ED_MODEL,
        "clip_skip": "False", "use_vae_model": "", "sampler_name": "euler_a", "width": "512",
        "height": "768", "num_inference_steps": "25", "guidance_scale": "7.5",
        "use_lora_model": "", "tiling": "None", "use_face_correction": "GFPGANv1.4"}  # fmt: skip


def assert_easy(parsed: ParsedMetadata) -> None:
    assert_facts(
        parsed,
        "easydiffusion",
        "a bowl of ramen, studio photo",
        seed=30219,
        steps=25,
        sampler="euler_a",
        cfg_scale=7.5,
        model=ED_MODEL,
    )
    assert parsed.negative_prompt == "blurry"
    assert "model:sd-v1-5" in parsed.tags


def test_easy_diffusion_png_chunks(tmp_path: Path) -> None:
    assert_easy(read(write_png(tmp_path / "ed.png", early=EASY)))


def test_easy_diffusion_older_labels_in_png(tmp_path: Path) -> None:
    labels = {"Prompt": EASY["prompt"], "Negative Prompt": "blurry", "Seed": "30219",
              "Stable Diffusion model": EASY["use_stable_diffusion_model"], "Sampler": "euler_a",
              "Steps": "25", "Guidance Scale": "7.5", "Width": "512", "Height": "768"}  # fmt: skip
    assert_easy(read(write_png(tmp_path / "ed_old.png", early=labels)))


def test_easy_diffusion_jpeg_user_comment(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x8769] = {0x9286: unicode_comment(json.dumps(EASY))}
    assert_easy(read(save(tmp_path / "ed.jpg", exif)))


# -- services ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("generator", "expected"),
    [
        ("Google C2PA Core Generator Library", "imagen"),
        ("Microsoft Responsible AI Image Provenance", "microsoft"),
        ("Adobe Photoshop 26.0 (Generative Fill)", "firefly"),
        ("Stability AI API", "stable-diffusion"),
        ("Truepic Lens CLI in Sora", "dall-e"),
    ],
)
def test_c2pa_claim_generators_of_ai_images_name_the_company(
    tmp_path: Path, generator: str, expected: str
) -> None:
    claim = {"claim_generator_info": [{"name": generator, "version": "1.0"}]}
    actions = {"actions": [{"action": "c2pa.created", "digitalSourceType": TRAINED}]}
    path = jpeg_with_app11(tmp_path / "service.jpg", manifest_store(claim, actions))
    assert read(path).ai_source == expected


def test_a_google_camera_manifest_is_not_ai(tmp_path: Path) -> None:
    claim = {"claim_generator_info": [{"name": "Google C2PA SDK for Android"}]}
    actions = {"actions": [{"action": "c2pa.created", "digitalSourceType": "digitalCapture"}]}
    path = jpeg_with_app11(tmp_path / "pixel.jpg", manifest_store(claim, actions))
    assert read(path).ai_source is None


# -- raw blocks nobody understood ----------------------------------------------------


def test_unknown_json_in_user_comment_is_kept_and_named(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x8769] = {0x9286: unicode_comment(json.dumps({"engine": "x", "nodes": 3}))}
    path = save(tmp_path / "mystery.jpg", exif)
    result = probe_file(str(path))
    assert result.blocks["exif:UserComment"].startswith('{"engine"')
    parsed = parse_metadata(result.blocks, str(path))
    assert "exif:UserComment: not understood as generation metadata; kept raw" in parsed.warnings
    assert parsed.generation_params["unparsed_blocks"] == {
        "exif:UserComment": '{"engine": "x", "nodes": 3}'
    }


def test_unknown_prompt_like_chunk_becomes_the_searchable_prompt(tmp_path: Path) -> None:
    path = write_png(tmp_path / "other.png", early={"gen_info": "misty forest, deer, golden hour"})
    parsed = read(path)
    assert parsed.prompt == "misty forest, deer, golden hour"
    assert parsed.warnings == ["png:gen_info: not understood as generation metadata; kept raw"]


def test_a_camera_photo_has_no_warning(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x010E] = "Canon", "Canon EOS R5", "OLYMPUS DIGITAL CAMERA"
    exif[0x8769] = {0x9286: b"ASCII\0\0\0Created with Snapseed"}
    parsed = read(save(tmp_path / "photo.jpg", exif))
    assert (parsed.ai_source, parsed.prompt, parsed.warnings) == (None, None, [])

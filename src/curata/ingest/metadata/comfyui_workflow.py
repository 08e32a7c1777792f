"""ComfyUI's UI-format ``workflow`` graph, converted to the API-format ``prompt`` graph.

The UI graph lists nodes with positional ``widgets_values`` and a separate link table
(``[link_id, from_node, from_slot, to_node, to_slot, type]``). The API graph is
``{node_id: {"class_type", "inputs"}}`` where a linked input is ``[from_node, slot]``.
Widget names are not stored in the UI graph, so they come from this table of the
core nodes' widget order; other nodes keep their text widgets as ``text``.
"""

from __future__ import annotations

from typing import Any

_SEED = ("seed", "control_after_generate")
WIDGETS: dict[str, tuple[str, ...]] = {
    "KSampler": (*_SEED, "steps", "cfg", "sampler_name", "scheduler", "denoise"),
    "KSamplerAdvanced": (
        "add_noise",
        "noise_seed",
        "control_after_generate",
        "steps",
        "cfg",
        "sampler_name",
        "scheduler",
        "start_at_step",
        "end_at_step",
        "return_with_leftover_noise",
    ),
    "SamplerCustom": ("add_noise", "noise_seed", "control_after_generate", "cfg"),
    "RandomNoise": ("noise_seed", "control_after_generate"),
    "KSamplerSelect": ("sampler_name",),
    "BasicScheduler": ("scheduler", "steps", "denoise"),
    "CFGGuider": ("cfg",),
    "FluxGuidance": ("guidance",),
    "CLIPTextEncode": ("text",),
    "CLIPTextEncodeSDXL": (
        "width",
        "height",
        "crop_w",
        "crop_h",
        "target_width",
        "target_height",
        "text_g",
        "text_l",
    ),
    "CLIPTextEncodeSDXLRefiner": ("ascore", "width", "height", "text"),
    "CLIPTextEncodeFlux": ("clip_l", "t5xxl", "guidance"),
    "CheckpointLoaderSimple": ("ckpt_name",),
    "CheckpointLoader": ("config_name", "ckpt_name"),
    "UNETLoader": ("unet_name", "weight_dtype"),
    "LoraLoader": ("lora_name", "strength_model", "strength_clip"),
    "LoraLoaderModelOnly": ("lora_name", "strength_model"),
    "EmptyLatentImage": ("width", "height", "batch_size"),
    "EmptySD3LatentImage": ("width", "height", "batch_size"),
    "LatentUpscale": ("upscale_method", "width", "height", "crop"),
    "CLIPSetLastLayer": ("stop_at_clip_layer",),
    "PrimitiveNode": ("value", "control_after_generate"),
    "VAELoader": ("vae_name",),
    "ConditioningSetArea": ("width", "height", "x", "y", "strength"),
}
_MISSING_NODE = "missing-link-"


def _widget_inputs(node_type: str, values: Any) -> dict[str, Any]:
    if isinstance(values, dict):
        return dict(values)
    if not isinstance(values, list):
        return {}
    names = WIDGETS.get(node_type)
    if names:
        return dict(zip(names, values, strict=False))
    texts = [v for v in values if isinstance(v, str) and v.strip()]
    lowered = node_type.lower()
    if texts and any(w in lowered for w in ("text", "prompt", "string")):
        return {"text": texts[0]}
    return {}


def to_api_graph(workflow: dict[str, Any]) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """The UI graph as an API graph, and warnings about links it could not resolve."""
    nodes = workflow.get("nodes")
    if not isinstance(nodes, list):
        raise ValueError("workflow has no 'nodes' list")
    links: dict[Any, tuple[str, int]] = {}
    for link in workflow.get("links") or []:
        if isinstance(link, list) and len(link) >= 3:
            links[link[0]] = (str(link[1]), link[2] if isinstance(link[2], int) else 0)
        elif isinstance(link, dict) and "id" in link:
            links[link["id"]] = (str(link.get("origin_id")), int(link.get("origin_slot") or 0))
    warnings: list[str] = []
    graph: dict[str, dict[str, Any]] = {}
    for node in nodes:
        if not isinstance(node, dict) or "id" not in node:
            continue
        node_type = str(node.get("type", ""))
        inputs = _widget_inputs(node_type, node.get("widgets_values"))
        for slot in node.get("inputs") or []:
            if not isinstance(slot, dict) or slot.get("link") is None:
                continue
            name = str(slot.get("name") or (slot.get("widget") or {}).get("name") or "input")
            target = links.get(slot["link"])
            if target is None:
                warnings.append(
                    f"workflow node {node['id']} ({node_type}) input {name!r} uses "
                    f"link {slot['link']}, which the link table lacks"
                )
                target = (f"{_MISSING_NODE}{slot['link']}", 0)
            inputs[name] = [target[0], target[1]]
        graph[str(node["id"])] = {
            "class_type": node_type,
            "inputs": inputs,
            "mode": node.get("mode"),
        }
    return graph, warnings

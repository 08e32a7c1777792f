"""ComfyUI: the API-format ``prompt`` graph (or the UI ``workflow`` graph without it).

Sampler nodes (KSampler, KSamplerAdvanced, SamplerCustom, SamplerCustomAdvanced and
other ``*Sampler*`` nodes taking conditioning) are found, then their links are followed:
``positive``/``negative`` (or a guider's) through combine/concat/area/ControlNet nodes
to the text encoders (CLIPTextEncode and the SDXL/Flux variants, with text that may
itself come from string nodes); ``model`` through LoRA loaders to the checkpoint or
UNet loader; the latent input to the empty-latent size. Every sampler is kept in
``generation_params["samplers"]``; the first of the chain (the one no other sampler
feeds) is primary and gives the prompt and the top-level params.
"""

from __future__ import annotations

import json
from typing import Any

from curata.ingest.metadata.comfyui_workflow import to_api_graph
from curata.ingest.metadata.result import (
    COMFYUI,
    Blocks,
    MetadataError,
    ParsedMetadata,
    clean_text,
    drop_empty,
    to_float,
    to_int,
)

Graph = dict[str, dict[str, Any]]
_TEXT_KEYS = ("text", "text_g", "text_l", "clip_l", "t5xxl", "prompt")
_STRING_HINTS = ("text", "string", "prompt", "value")
_STRING_SKIP = ("delimiter", "separator", "mode", "clean", "seed")
_MODEL_KEYS = ("ckpt_name", "unet_name", "model_name", "model_path", "base_ckpt_name")
_LATENT_KEYS = ("latent_image", "latent", "samples", "latent_samples")
_NOT_CONDITIONING = {
    "clip",
    "model",
    "vae",
    "image",
    "images",
    "pixels",
    "mask",
    "control_net",
    "clip_vision",
    "clip_vision_output",
    "style_model",
    "upscale_model",
    *_LATENT_KEYS,
}
_MAX_DEPTH = 200


def is_link(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[0], str | int)
        and not isinstance(value[0], bool)
        and isinstance(value[1], int)
    )


class _Walker:
    """Follows links in one graph, noting dangling ones once each."""

    def __init__(self, graph: Graph, source: str) -> None:
        self.graph = graph
        self.source = source
        self.warnings: list[str] = []
        self._dangling: set[str] = set()

    def target(self, link: Any) -> tuple[str, dict[str, Any]] | None:
        if not is_link(link):
            return None
        node_id = str(link[0])
        node = self.graph.get(node_id)
        if not isinstance(node, dict):
            if node_id not in self._dangling:
                self._dangling.add(node_id)
                self.warnings.append(f"{self.source}: a link points to missing node {node_id}")
            return None
        return node_id, node

    @staticmethod
    def inputs(node: dict[str, Any]) -> dict[str, Any]:
        inputs = node.get("inputs")
        return inputs if isinstance(inputs, dict) else {}

    def strings(self, value: Any, seen: set[str] | None = None) -> list[str]:
        """Text of an input: literal, or produced by (chains of) string nodes."""
        if isinstance(value, str):
            return [value]
        found = self.target(value)
        seen = set() if seen is None else seen
        if found is None or found[0] in seen:
            return []
        seen.add(found[0])
        out: list[str] = []
        for key, item in self.inputs(found[1]).items():
            lowered = key.lower()
            if any(s in lowered for s in _STRING_SKIP):
                continue
            if any(h in lowered for h in _STRING_HINTS) or is_link(item):
                out += self.strings(item, seen)
        return out

    def scalar(self, value: Any, names: tuple[str, ...], depth: int = 0) -> Any:
        """A number or name that may arrive through a primitive node's link."""
        if not is_link(value):
            return value
        found = self.target(value)
        if found is None or depth > _MAX_DEPTH:
            return None
        inputs = self.inputs(found[1])
        for key in (*names, "value", "seed", "noise_seed", "int", "float", "number", "string"):
            if key in inputs:
                return self.scalar(inputs[key], names, depth + 1)
        links = [v for v in inputs.values() if is_link(v)]
        return self.scalar(links[0], names, depth + 1) if len(links) == 1 else None

    def conditioning_texts(self, link: Any, polarity: str) -> list[str]:
        """Texts of every encoder feeding a conditioning input, in graph order."""
        out: list[str] = []
        seen: set[str] = set()
        stack = [link]
        while stack:
            found = self.target(stack.pop())
            if found is None or found[0] in seen:
                continue
            node_id, node = found
            seen.add(node_id)
            inputs = self.inputs(node)
            texts = [t for key in _TEXT_KEYS if key in inputs for t in self.strings(inputs[key])]
            if texts:
                out += texts
                continue
            if is_link(inputs.get(polarity)):
                nexts = [inputs[polarity]]
            else:
                nexts = [
                    v
                    for k, v in inputs.items()
                    if is_link(v) and k.lower() not in _NOT_CONDITIONING
                ]
            stack.extend(reversed(nexts))
        return out

    def model(self, link: Any) -> tuple[str | None, list[dict[str, Any]]]:
        """The checkpoint/UNet name behind a ``model`` input and the LoRAs on the way."""
        loras: list[dict[str, Any]] = []
        seen: set[str] = set()
        current = link
        while (found := self.target(current)) is not None and found[0] not in seen:
            node_id, node = found
            seen.add(node_id)
            inputs = self.inputs(node)
            for key in _MODEL_KEYS:
                name = self.scalar(inputs.get(key), (key,))
                if isinstance(name, str) and name:
                    return name, loras
            lora = self.scalar(inputs.get("lora_name"), ("lora_name",))
            if isinstance(lora, str) and lora:
                weight = to_float(self.scalar(inputs.get("strength_model"), ("strength_model",)))
                loras.append(drop_empty({"name": lora, "weight": weight}))
            links = [v for v in inputs.values() if is_link(v)]
            current = inputs.get("model") if is_link(inputs.get("model")) else None
            if current is None and len(links) == 1:
                current = links[0]
        return None, loras

    def latent_size(self, link: Any) -> tuple[int | None, int | None]:
        seen: set[str] = set()
        current = link
        while (found := self.target(current)) is not None and found[0] not in seen:
            seen.add(found[0])
            node = found[1]
            inputs = self.inputs(node)
            if is_sampler(node):
                return None, None
            width = to_int(self.scalar(inputs.get("width"), ("width",)))
            height = to_int(self.scalar(inputs.get("height"), ("height",)))
            if width and height:
                return width, height
            current = next((inputs[k] for k in _LATENT_KEYS if is_link(inputs.get(k))), None)
        return None, None


def is_sampler(node: dict[str, Any]) -> bool:
    class_type = str(node.get("class_type", ""))
    inputs = node.get("inputs") if isinstance(node.get("inputs"), dict) else {}
    if "sampler" not in class_type.lower() or node.get("mode") in (2, 4):
        return False
    return any(k in inputs for k in ("positive", "guider", "negative"))


def _node_order(node_id: str) -> tuple[int, str]:
    return (int(node_id), "") if node_id.isdigit() else (1 << 62, node_id)


def _upstream_samplers(walker: _Walker, node_id: str) -> int:
    """How many samplers feed this one's latent input (0 for the first of a chain)."""
    count = 0
    seen: set[str] = set()
    inputs = walker.inputs(walker.graph[node_id])
    stack = [inputs[k] for k in _LATENT_KEYS if is_link(inputs.get(k))]
    while stack:
        found = walker.target(stack.pop())
        if found is None or found[0] in seen:
            continue
        seen.add(found[0])
        if is_sampler(found[1]):
            count += 1
        stack += [v for v in walker.inputs(found[1]).values() if is_link(v)]
    return count


def _sampler_facts(walker: _Walker, node_id: str) -> dict[str, Any]:
    node = walker.graph[node_id]
    inputs = walker.inputs(node)
    sources = [inputs]
    for key in ("noise", "sampler", "sigmas", "guider"):
        found = walker.target(inputs.get(key))
        if found is not None:
            sources.append(walker.inputs(found[1]))

    def pick(*names: str) -> Any:
        for src in sources:
            for name in names:
                if name in src:
                    value = walker.scalar(src[name], names)
                    if value is not None:
                        return value
        return None

    cond = next((s for s in sources if "positive" in s or "conditioning" in s), inputs)
    positive_link = cond.get("positive", cond.get("conditioning"))
    positive = list(
        dict.fromkeys(
            t.strip() for t in walker.conditioning_texts(positive_link, "positive") if t.strip()
        )
    )
    negative = list(
        dict.fromkeys(
            t.strip()
            for t in walker.conditioning_texts(cond.get("negative"), "negative")
            if t.strip()
        )
    )
    model_link = next((s["model"] for s in sources if is_link(s.get("model"))), None)
    model, loras = walker.model(model_link)
    latent = next((inputs[k] for k in _LATENT_KEYS if is_link(inputs.get(k))), None)
    width, height = walker.latent_size(latent)
    return {
        "node": node_id,
        "class_type": node.get("class_type"),
        "prompt": "\n".join(positive) or None,
        "negative_prompt": "\n".join(negative) or None,
        "model": model,
        "seed": to_int(pick("seed", "noise_seed")),
        "steps": to_int(pick("steps")),
        "sampler": pick("sampler_name"),
        "scheduler": pick("scheduler"),
        "cfg_scale": to_float(pick("cfg")),
        "denoise": to_float(pick("denoise")),
        "width": width,
        "height": height,
        "loras": loras,
    }


def _encoder_texts(walker: _Walker) -> list[str]:
    out = []
    for node_id in sorted(walker.graph, key=_node_order):
        node = walker.graph[node_id]
        if "textencode" in str(node.get("class_type", "")).lower():
            inputs = walker.inputs(node)
            out += [t for k in _TEXT_KEYS if k in inputs for t in walker.strings(inputs[k])]
    return list(dict.fromkeys(t.strip() for t in out if t.strip()))


def parse_graph(graph: Graph, source: str, text: str, warnings: list[str]) -> ParsedMetadata:
    walker = _Walker(graph, source)
    walker.warnings += warnings
    sampler_ids = [i for i, n in graph.items() if isinstance(n, dict) and is_sampler(n)]
    ordered = sorted(sampler_ids, key=lambda i: (_upstream_samplers(walker, i), _node_order(i)))
    samplers = [drop_empty(_sampler_facts(walker, i)) for i in ordered]
    result = ParsedMetadata(ai_source=COMFYUI, source=source, raw={source: text})
    if not samplers:
        texts = _encoder_texts(walker)
        result.prompt = "\n".join(texts) or None
        if texts:
            walker.warnings.append(
                f"{source}: no sampler node recognized; the prompt is every text encoder's text"
            )
        result.warnings = walker.warnings
        return result
    primary = samplers[0]
    result.prompt = clean_text(primary.get("prompt"))
    result.negative_prompt = clean_text(primary.get("negative_prompt"))
    params = {
        k: v
        for k, v in primary.items()
        if k not in ("prompt", "negative_prompt", "node", "class_type")
    }
    if len(samplers) > 1:
        params["samplers"] = samplers
    result.generation_params = drop_empty(params)
    result.warnings = walker.warnings
    return result


def _load(text: str, source: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise MetadataError(f"{source}: ComfyUI graph is not valid JSON ({exc})") from None


def is_api_graph(data: Any) -> bool:
    return (
        isinstance(data, dict)
        and bool(data)
        and all(isinstance(n, dict) and "class_type" in n for n in data.values())
    )


def parse_prompt_text(text: str, source: str) -> ParsedMetadata:
    data = _load(text, source)
    if not is_api_graph(data):
        raise MetadataError(f"{source}: not a ComfyUI API graph (nodes with 'class_type')")
    return parse_graph(data, source, text, [])


def parse_workflow_text(text: str, source: str) -> ParsedMetadata:
    data = _load(text, source)
    if not isinstance(data, dict):
        raise MetadataError(f"{source}: ComfyUI workflow is not a JSON object")
    try:
        graph, warnings = to_api_graph(data)
    except ValueError as exc:
        raise MetadataError(f"{source}: {exc}") from None
    return parse_graph(graph, source, text, warnings)


def _strip_prefix(text: str | None, prefix: str) -> str | None:
    if text and text.startswith(prefix):
        return text[len(prefix) :]
    return None


def _json_text(text: str | None) -> str | None:
    return text if text and text.lstrip().startswith("{") else None


def parse(blocks: Blocks) -> ParsedMetadata | None:
    prompt = _json_text(blocks.get("png:prompt")) or _json_text(
        _strip_prefix(blocks.get("exif:Model"), "prompt:")
    )
    workflow = _json_text(blocks.get("png:workflow")) or _json_text(
        _strip_prefix(blocks.get("exif:Make"), "workflow:")
    )
    prompt_source = "png:prompt" if blocks.get("png:prompt") else "exif:Model"
    workflow_source = "png:workflow" if blocks.get("png:workflow") else "exif:Make"
    if prompt:
        try:
            return parse_prompt_text(prompt, prompt_source)
        except MetadataError:
            if not workflow:
                raise
            result = parse_workflow_text(workflow, workflow_source)
            result.warnings.insert(0, f"{prompt_source}: unreadable, read the workflow instead")
            return result
    if workflow:
        return parse_workflow_text(workflow, workflow_source)
    return None

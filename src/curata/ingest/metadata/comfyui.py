"""ComfyUI: the API-format ``prompt`` graph (or the UI ``workflow`` graph without it).

Sampler nodes (KSampler, KSamplerAdvanced, SamplerCustom, SamplerCustomAdvanced and
other ``*Sampler*`` nodes taking conditioning) are found, then their links are followed:
``positive``/``negative`` (or a guider's) through combine/concat/area/ControlNet nodes
to the text encoders (CLIPTextEncode and the SDXL/Flux variants, with text that may
itself come from string nodes); ``model`` through LoRA loaders to the checkpoint or
UNet loader; the latent input to the empty-latent size. Every sampler is kept in
``generation_params["samplers"]``; the first of the chain (the one no other sampler
feeds) is primary and gives the prompt and the top-level params.

Values reached through nodes that only pass them on (switches, reroutes, primitives,
pipes, contexts) are found by a bounded walk over the graph's links, whatever the
nodes are called (:meth:`_Walker.search`); the path each value came by is kept in
``resolved_through``. The graphs are read from PNG chunks and from the EXIF fields
JPEG/WebP savers use (:func:`graph_texts`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
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
_NOT_MODEL = frozenset(
    {"clip", "vae", "positive", "negative", "image", "images", "pixels", "mask", *_LATENT_KEYS}
)
_NOT_SCALAR = frozenset({"model", "clip", "vae", "image", "images", "pixels", "mask"})
_SCALAR_KEYS = ("value", "seed", "noise_seed", "int", "float", "number", "string")
_MAX_DEPTH = 64
MAX_WALK = 2000


def is_link(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[0], str | int)
        and not isinstance(value[0], bool)
        and isinstance(value[1], int)
    )


def _is_scalar(value: Any) -> bool:
    return isinstance(value, int | float | str) and not isinstance(value, bool)


def _is_selector(key: str) -> bool:
    lowered = key.lower()
    return "select" in lowered or "index" in lowered


def selected_link(inputs: dict[str, Any]) -> Any:
    """The linked input a switch node picks: the one whose name ends in the number of
    its literal ``select``/``index`` input (``input2`` for ``select: 2``)."""
    choice = next(
        (to_int(v) for k, v in inputs.items() if _is_selector(k) and to_int(v) is not None),
        None,
    )
    if choice is None:
        return None
    for key, value in inputs.items():
        digits = re.search(r"(\d+)$", key)
        if is_link(value) and digits and int(digits.group(1)) == choice:
            return value
    return None


def passed_on(inputs: dict[str, Any], prefer: tuple[str, ...], avoid: frozenset[str]) -> list[Any]:
    """The linked inputs a walk continues through, in the order they are tried."""
    first = [inputs[k] for k in prefer if is_link(inputs.get(k))]
    selected = selected_link(inputs)
    if selected is not None:
        first.append(selected)
    rest = [v for k, v in inputs.items() if is_link(v) and k.lower() not in avoid]
    return first + [v for v in rest if v not in first]


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

    def search(
        self,
        link: Any,
        found: Callable[[dict[str, Any]], Any],
        prefer: tuple[str, ...] = (),
        avoid: frozenset[str] = frozenset(),
    ) -> tuple[Any, list[str]]:
        """A bounded depth-first walk up the graph from ``link``: the first value
        ``found(inputs)`` gives and the path of nodes taken (``"12 ImpactSwitch"``, ...).

        A node that does not have the value passes the walk on through its linked
        inputs: those named in ``prefer`` first, then the one a literal
        ``select``/``index`` input picks (a switch), then the others in order, never
        those named in ``avoid``. Whatever the node's class, only the graph's structure
        decides; cycles end (each node is visited once) and so does a walk of
        :data:`MAX_WALK` nodes or :data:`_MAX_DEPTH` levels."""
        stack: list[tuple[Any, tuple[str, ...]]] = [(link, ())]
        seen: set[str] = set()
        while stack and len(seen) < MAX_WALK:
            current, path = stack.pop()
            target = self.target(current)
            if target is None or target[0] in seen:
                continue
            node_id, node = target
            seen.add(node_id)
            here = (*path, f"{node_id} {node.get('class_type', '?')}")
            inputs = self.inputs(node)
            value = found(inputs)
            if value is not None:
                return value, list(here)
            if len(here) < _MAX_DEPTH:
                nexts = passed_on(inputs, prefer, avoid)
                stack.extend((n, here) for n in reversed(nexts))
        return None, []

    def resolve(self, value: Any, names: tuple[str, ...]) -> tuple[Any, list[str]]:
        """A number or name, literal or arriving through links (primitives, switches,
        reroutes, pipes), and the path it came by."""
        if not is_link(value):
            return value, []
        keys = (*names, *_SCALAR_KEYS)

        def found(inputs: dict[str, Any]) -> Any:
            for key in keys:
                if key in inputs and _is_scalar(inputs[key]):
                    return inputs[key]
            literals = [v for k, v in inputs.items() if _is_scalar(v) and not _is_selector(k)]
            links = [v for v in inputs.values() if is_link(v)]
            return literals[0] if len(literals) == 1 and not links else None

        return self.search(value, found, keys, _NOT_SCALAR)

    def scalar(self, value: Any, names: tuple[str, ...]) -> Any:
        return self.resolve(value, names)[0]

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
            selected = selected_link(inputs)
            if is_link(inputs.get(polarity)):
                nexts = [inputs[polarity]]
            elif selected is not None:
                nexts = [selected]
            else:
                nexts = [
                    v
                    for k, v in inputs.items()
                    if is_link(v) and k.lower() not in _NOT_CONDITIONING
                ]
            stack.extend(reversed(nexts))
        return out

    def model(self, link: Any) -> tuple[str | None, list[dict[str, Any]], list[str]]:
        """The checkpoint/UNet name behind a ``model`` input, the LoRAs loaded on the way
        to it and the path taken."""

        def found(inputs: dict[str, Any]) -> str | None:
            for key in _MODEL_KEYS:
                name = self.scalar(inputs.get(key), (key,))
                if isinstance(name, str) and name:
                    return name
            return None

        name, path = self.search(link, found, ("model",), _NOT_MODEL)
        loras: list[dict[str, Any]] = []
        for step in path:
            inputs = self.inputs(self.graph[step.split(" ", 1)[0]])
            lora = self.scalar(inputs.get("lora_name"), ("lora_name",))
            if isinstance(lora, str) and lora:
                weight = to_float(self.scalar(inputs.get("strength_model"), ("strength_model",)))
                loras.append(drop_empty({"name": lora, "weight": weight}))
        return name, loras, path

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
            if current is None:
                links = [v for v in inputs.values() if is_link(v)]
                current = selected_link(inputs) or (links[0] if len(links) == 1 else None)
        return None, None


def is_sampler(node: dict[str, Any]) -> bool:
    class_type = str(node.get("class_type", ""))
    inputs = node.get("inputs")
    if not isinstance(inputs, dict):
        inputs = {}
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

    through: dict[str, list[str]] = {}

    def pick(field: str, *names: str) -> Any:
        """The first of ``names`` any source has, noting the path under ``field``."""
        for src in sources:
            for name in names:
                if name in src:
                    value, path = walker.resolve(src[name], names)
                    if value is not None:
                        if path:
                            through[field] = path
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
    model, loras, model_path = walker.model(model_link)
    if len(model_path) > 1:
        through["model"] = model_path
    latent = next((inputs[k] for k in _LATENT_KEYS if is_link(inputs.get(k))), None)
    width, height = walker.latent_size(latent)
    return {
        "node": node_id,
        "class_type": node.get("class_type"),
        "prompt": "\n".join(positive) or None,
        "negative_prompt": "\n".join(negative) or None,
        "model": model,
        "seed": to_int(pick("seed", "seed", "noise_seed")),
        "steps": to_int(pick("steps", "steps")),
        "sampler": pick("sampler", "sampler_name"),
        "scheduler": pick("scheduler", "scheduler"),
        "cfg_scale": to_float(pick("cfg_scale", "cfg")),
        "denoise": to_float(pick("denoise", "denoise")),
        "width": width,
        "height": height,
        "loras": loras,
        "resolved_through": through,
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


_EXIF_FIELDS = ("exif:Model", "exif:Make", "exif:ImageDescription", "exif:UserComment")


def _json_text(text: str | None) -> str | None:
    return text if text and text.lstrip().startswith("{") else None


def _prefixed(text: str, kind: str) -> str | None:
    """``Prompt: {...}`` / ``workflow:{...}`` (any case) -> the JSON text."""
    head = text[: len(kind) + 1]
    if head.lower() == f"{kind}:":
        return _json_text(text[len(kind) + 1 :].lstrip())
    return None


def _comment_graphs(text: str) -> dict[str, str]:
    """A ``UserComment`` holding ``{"prompt": graph, "workflow": graph}`` (values as
    objects or JSON text), or one API graph alone."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return {}
    if is_api_graph(data):
        return {"prompt": text}
    out = {}
    for kind in ("prompt", "workflow"):
        value = data.get(kind) if isinstance(data, dict) else None
        if isinstance(value, str) and _json_text(value):
            out[kind] = value
        elif isinstance(value, dict) and (kind == "workflow" or is_api_graph(value)):
            out[kind] = json.dumps(value)
    return out


def graph_texts(blocks: Blocks) -> dict[str, tuple[str, str]]:
    """``{"prompt"|"workflow": (json text, block)}``: PNG chunks, then the EXIF fields
    ComfyUI and the JPEG/WebP save nodes write (``prompt:``/``Workflow:`` prefixed
    JSON in ``Model``/``Make``/``ImageDescription``, or JSON in ``UserComment``)."""
    found: dict[str, tuple[str, str]] = {}
    for kind in ("prompt", "workflow"):
        text = _json_text(blocks.get(f"png:{kind}"))
        if text:
            found[kind] = (text, f"png:{kind}")
    for key in _EXIF_FIELDS:
        text = (blocks.get(key) or "").strip()
        if not text:
            continue
        for kind in ("prompt", "workflow"):
            graph = _prefixed(text, kind)
            if graph:
                found.setdefault(kind, (graph, key))
        if key == "exif:UserComment" and text.startswith("{"):
            for kind, graph in _comment_graphs(text).items():
                found.setdefault(kind, (graph, key))
    return found


def parse(blocks: Blocks) -> ParsedMetadata | None:
    found = graph_texts(blocks)
    workflow = found.get("workflow")
    if "prompt" in found:
        prompt, prompt_source = found["prompt"]
        try:
            return parse_prompt_text(prompt, prompt_source)
        except MetadataError:
            if workflow is None:
                raise
            result = parse_workflow_text(*workflow)
            result.warnings.insert(0, f"{prompt_source}: unreadable, read the workflow instead")
            return result
    if workflow is not None:
        return parse_workflow_text(*workflow)
    return None

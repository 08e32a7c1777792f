"""Human rendering of an asset's file metadata for ``curata info``: the generation
metadata (prompt, negative prompt, parameters table, other samplers), the media facts
(video, audio, document) and the description."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

# Parameters shown first, in this order; the rest follow alphabetically.
PARAM_ORDER = (
    "model",
    "model_hash",
    "vae",
    "sampler",
    "scheduler",
    "steps",
    "cfg_scale",
    "seed",
    "width",
    "height",
    "denoise",
    "clip_skip",
)
_LONG_VALUE = 160


def format_value(value: Any) -> str:
    """A parameter value on one line: LoRAs as ``name (weight)``, lists joined."""
    if isinstance(value, list) and all(isinstance(v, dict) and "name" in v for v in value):
        return ", ".join(
            f"{v['name']} ({v['weight']})" if "weight" in v else str(v["name"]) for v in value
        )
    if isinstance(value, list):
        return ", ".join(format_value(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {format_value(v)}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def params_rows(params: dict[str, Any]) -> list[tuple[str, str]]:
    """(name, text) rows of the parameters; the per-sampler list is rendered apart."""
    keys = [k for k in PARAM_ORDER if k in params]
    keys += sorted(k for k in params if k not in PARAM_ORDER and k != "samplers")
    rows = []
    for key in keys:
        text = format_value(params[key])
        if len(text) > _LONG_VALUE:
            text = text[: _LONG_VALUE - 1] + "…"
        rows.append((key.replace("_", " "), text))
    return rows


def render_file_metadata(console: Console, metadata: dict[str, Any]) -> None:
    source = metadata.get("generation_source")
    title = f"generation ({source})" if source else "generation"
    if metadata.get("ai_source_guess"):
        title += " - guessed from the file name"
    for key, label in (("prompt", "prompt"), ("negative_prompt", "negative prompt")):
        if metadata.get(key):
            console.print(Panel(Text(metadata[key]), title=label, title_align="left"))
    params = metadata.get("generation_params") or {}
    if params:
        table = Table("parameter", "value", title=title, title_justify="left")
        for name, text in params_rows(params):
            table.add_row(name, text)
        console.print(table)
    samplers = params.get("samplers") or []
    if len(samplers) > 1:
        columns = ("node", "model", "sampler", "steps", "cfg_scale", "seed", "denoise")
        passes = Table(title="samplers (the first is primary)", title_justify="left")
        for column in columns:
            passes.add_column(column.replace("_", " "), no_wrap=column in ("seed", "node"))
        for s in samplers:
            passes.add_row(*(format_value(s.get(k, "")) for k in columns))
        console.print(passes)
    facts = metadata.get("facts") or {}
    shown = {k: v for k, v in facts.items() if k != "mode"}
    if shown:
        table = Table("fact", "value", title="file facts", title_justify="left")
        for key, value in shown.items():
            table.add_row(key.replace("_", " "), format_value(value))
        console.print(table)
    if metadata.get("description"):
        console.print(Panel(Text(metadata["description"]), title="description", title_align="left"))

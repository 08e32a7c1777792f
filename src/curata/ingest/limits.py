"""How much text the catalog keeps per file: documented caps, applied once in the probe.

A file controls its metadata, so a hostile one could carry a 50 MB text chunk, ten
thousand chunks or a prompt of megabytes. What is kept per file:

- at most :data:`MAX_BLOCKS` raw metadata blocks (the later ones are dropped);
- each raw block at most :data:`MAX_BLOCK_BYTES` as stored (the catalog keeps blocks
  as JSON, where a non-ASCII character takes 6 or 12 bytes), all of them together at
  most :data:`MAX_BLOCKS_BYTES`; a longer block keeps its beginning;
- the parsed prompt, negative prompt and description, and every text value in the
  generation parameters, at most :data:`MAX_TEXT_CHARS` characters each;
- at most :data:`MAX_TAGS` tags from the file's metadata, and :data:`MAX_WARNINGS`
  warnings and an error reason of at most :data:`MAX_WARNING_CHARS` characters each.

Each cut leaves a warning naming the block or field and its original size. The raw
blocks are capped before the generation-metadata parsers run, so no parser reads more
than :data:`MAX_BLOCK_BYTES` of one block either; the parsed fields hold their own
(shorter) copies, never a second copy of an oversize block.
"""

from __future__ import annotations

import json
from typing import Any

from curata.models.probe import ProbeResult

MAX_BLOCKS = 64
MAX_BLOCK_BYTES = 1024 * 1024
MAX_BLOCKS_BYTES = 4 * 1024 * 1024
MAX_TEXT_CHARS = 64 * 1024
MAX_TAGS = 500
MAX_WARNINGS = 50
MAX_WARNING_CHARS = 500
_TEXT_FIELDS = ("prompt", "negative_prompt", "description")
# No character takes more than this many bytes as stored (a JSON-escaped surrogate pair).
_WORST_CHAR = 12


def stored_size(text: str) -> int:
    """Bytes ``text`` takes in the catalog's JSON (non-ASCII characters are escaped)."""
    return len(json.dumps(text)) - 2


def _within(text: str, limit: int) -> str:
    """The longest beginning of ``text`` (about) that stores in ``limit`` bytes."""
    text = text[:limit]
    while (size := stored_size(text)) > limit:
        text = text[: max(0, len(text) * limit // size - 1)]
    return text


def cap_blocks(blocks: dict[str, str], warnings: list[str]) -> dict[str, str]:
    """``blocks`` within the per-file limits, in their order; a warning per cut."""
    total = sum(map(len, blocks.values()))
    if len(blocks) <= MAX_BLOCKS and total * _WORST_CHAR <= MAX_BLOCK_BYTES:  # the usual case
        return blocks
    kept: dict[str, str] = {}
    budget = MAX_BLOCKS_BYTES
    for key, value in blocks.items():
        if len(kept) == MAX_BLOCKS:
            warnings.append(
                f"{len(blocks) - MAX_BLOCKS} metadata blocks beyond the first {MAX_BLOCKS}"
                " were dropped"
            )
            break
        limit = min(MAX_BLOCK_BYTES, budget)
        cut = _within(value, limit)
        if len(cut) < len(value):
            warnings.append(
                f"metadata block {key[:100]!r} truncated to {len(cut):,} of {len(value):,}"
                f" characters ({limit:,} bytes as stored)"
            )
        kept[key] = cut
        budget -= stored_size(cut)
    return kept


def _cap_value(value: Any, name: str, warnings: list[str]) -> Any:
    if isinstance(value, str) and len(value) > MAX_TEXT_CHARS:
        warnings.append(
            f"{name[:100]} truncated to {MAX_TEXT_CHARS:,} of {len(value):,} characters"
        )
        return value[:MAX_TEXT_CHARS]
    if isinstance(value, dict):
        return {k: _cap_value(v, f"{name}.{k}", warnings) for k, v in value.items()}
    if isinstance(value, list):
        return [_cap_value(v, f"{name}[{i}]", warnings) for i, v in enumerate(value)]
    return value


def _shortened(message: str) -> str:
    if len(message) <= MAX_WARNING_CHARS:
        return message
    return message[: MAX_WARNING_CHARS - 1] + "…"


def cap_result(result: ProbeResult) -> None:
    """Apply every limit to a probed file's blocks, parsed metadata, tags and warnings."""
    result.blocks = cap_blocks(result.blocks, result.warnings)
    if result.generation is not None:
        for name in (*_TEXT_FIELDS, "generation_params"):
            if result.generation.get(name):
                result.generation[name] = _cap_value(result.generation[name], name, result.warnings)
    if len(result.tags) > MAX_TAGS:
        result.warnings.append(
            f"{len(result.tags) - MAX_TAGS} tags beyond the first {MAX_TAGS} were dropped"
        )
        del result.tags[MAX_TAGS:]
    if len(result.warnings) > MAX_WARNINGS:
        extra = len(result.warnings) - MAX_WARNINGS + 1
        result.warnings[MAX_WARNINGS - 1 :] = [f"{extra} more warnings"]
    result.warnings = [_shortened(w) for w in result.warnings]
    if result.error:
        result.error = _shortened(result.error)

"""JSON objects in metadata blocks: the shared reading of the formats that write one.

Several tools write their parameters as a JSON object into the same few places
(:data:`EMBEDDED`: the PNG ``parameters`` chunk, EXIF ``UserComment`` of JPEG/WebP, a
``.json`` sidecar); each format's parser picks the object it recognizes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from curata.ingest.metadata.result import Blocks, MetadataError

EMBEDDED = ("png:parameters", "exif:UserComment", "sidecar:json")


def load_object(text: str, source: str, what: str) -> dict[str, Any]:
    """``text`` as a JSON object; a :class:`MetadataError` naming ``source`` otherwise."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MetadataError(f"{source}: {what} is not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise MetadataError(f"{source}: {what} is not a JSON object")
    return data


def objects(
    blocks: Blocks, keys: tuple[str, ...] = EMBEDDED
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """``(block, text, object)`` for each of ``keys`` holding a JSON object (others skipped)."""
    for key in keys:
        text = blocks.get(key)
        if not text or not text.lstrip().startswith("{"):
            continue
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            continue
        if isinstance(data, dict):
            yield key, text, data


def find(
    blocks: Blocks,
    markers: tuple[str, ...],
    recognize: Callable[[dict[str, Any]], bool],
    what: str,
    keys: tuple[str, ...] = EMBEDDED,
) -> tuple[str, str, dict[str, Any]] | None:
    """The first block whose text contains one of ``markers`` and whose object
    ``recognize`` accepts; a block with a marker that is broken JSON raises (it claims
    the format)."""
    for key in keys:
        text = blocks.get(key)
        if not text or not text.lstrip().startswith("{") or not any(m in text for m in markers):
            continue
        data = load_object(text, key, what)
        if recognize(data):
            return key, text, data
    return None


def size_pair(value: Any) -> tuple[Any, Any]:
    """``"1024x768"`` -> ``("1024", "768")``; anything else -> ``(None, None)``."""
    if isinstance(value, str) and "x" in value.lower():
        width, _, height = value.lower().partition("x")
        return width.strip(), height.strip()
    return None, None


def decamel(data: dict[str, Any]) -> dict[str, Any]:
    """``{"CfgScale": 7}`` -> ``{"Cfg_Scale": 7}``: camelCase keys split so that
    :func:`~curata.ingest.metadata.result.snake` gives ``cfg_scale``."""
    return {re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", k): v for k, v in data.items()}

"""Shared helpers of the provider adapters: iterate entries, build validated candidates."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import ValidationError

from curata.autoselect.providers.http import ProviderError
from curata.models.autoselect import AssetCandidate


def entries(
    provider: str, payload: Mapping[str, Any], key: str
) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(``key[i]``, entry) for each object in ``payload[key]`` (missing/null: none)."""
    if not isinstance(payload, Mapping):
        raise ProviderError(f"{provider}: expected a JSON object, got {type(payload).__name__}")
    items = payload.get(key)
    if items is None:
        return
    if not isinstance(items, list):
        raise ProviderError(f"{provider}: {key} is not a list")
    for i, item in enumerate(items):
        if isinstance(item, Mapping):
            yield f"{key}[{i}]", item


def to_int(value: Any) -> int | None:
    """Provider numbers that arrive as strings ("12") or are missing."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def candidate(
    provider: str, where: str, asset_type: str, fields: Mapping[str, Any]
) -> AssetCandidate:
    """A validated candidate; a malformed entry is a ProviderError naming where it is."""
    values = {k: v for k, v in fields.items() if v is not None}
    try:
        return AssetCandidate(provider=provider, asset_type=asset_type, **values)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        loc = ".".join(str(p) for p in first.get("loc", ()))
        raise ProviderError(
            f"{provider}: unexpected data at {where}.{loc}: {first.get('msg', 'invalid')}"
        ) from None

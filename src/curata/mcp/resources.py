"""Read-only MCP resources: the catalog statistics and, per selection, its manifest."""

from __future__ import annotations

from typing import Any

import mcp_types as types

from curata.errors import NotFound
from curata.interface import Curata

STATS_URI = "curata://catalog/stats"

RESOURCES: tuple[types.Resource, ...] = (
    types.Resource(
        uri=STATS_URI,
        name="catalog-stats",
        title="Catalog statistics",
        description="Counts by media type, format, AI source, model and project; top tags.",
        mime_type="application/json",
    ),
)

TEMPLATES: tuple[types.ResourceTemplate, ...] = ()


def read_resource(curata: Curata, uri: str) -> dict[str, Any]:
    """The JSON envelope behind ``uri``."""
    if uri == STATS_URI:
        return curata.stats().model_dump(mode="json")
    raise NotFound(f"no resource {uri!r}", field="uri")

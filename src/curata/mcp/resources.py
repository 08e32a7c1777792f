"""Read-only MCP resources: the catalog statistics and, per selection, its manifest."""

from __future__ import annotations

import re
from typing import Any

import mcp_types as types

from curata.errors import NotFound
from curata.interface import Curata

STATS_URI = "curata://catalog/stats"
MANIFEST_TEMPLATE = "curata://projects/{project_id}/selections/{selection_id}/manifest"
_MANIFEST = re.compile(r"curata://projects/([^/]+)/selections/([^/]+)/manifest")

RESOURCES: tuple[types.Resource, ...] = (
    types.Resource(
        uri=STATS_URI,
        name="catalog-stats",
        title="Catalog statistics",
        description="Counts by media type, format, AI source, model and project; top tags.",
        mime_type="application/json",
    ),
)

TEMPLATES: tuple[types.ResourceTemplate, ...] = (
    types.ResourceTemplate(
        uri_template=MANIFEST_TEMPLATE,
        name="selection-manifest",
        title="Selection manifest",
        description="A selection with its items (hash, path, role, group, reasons), groups "
        "and exports.",
        mime_type="application/json",
    ),
)


def read_resource(curata: Curata, uri: str) -> dict[str, Any]:
    """The JSON envelope behind ``uri``."""
    if uri == STATS_URI:
        return curata.stats().model_dump(mode="json")
    manifest = _MANIFEST.fullmatch(uri)
    if manifest:
        return curata.get_selection(*manifest.groups()).model_dump(mode="json")
    raise NotFound(f"no resource {uri!r}", field="uri")

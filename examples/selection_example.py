"""curata's version of the spec's selection example (``selections.md``): create a
selection, add items with their reasons, notes, roles and tags, look at its history and
statistics, and export it.

    python examples/selection_example.py [CATALOG] [EXPORT_FOLDER]

Without arguments it catalogs ``examples/sample-library`` into a new temporary catalog
and exports into a temporary folder; both paths are printed.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from curata import Curata
from curata.models import (
    SelectionCreateRequest,
    SelectionExportRequest,
    SelectionPurpose,
    SelectionUpdateRequest,
)

LIBRARY = Path(__file__).resolve().parent / "sample-library"
work = Path(tempfile.mkdtemp(prefix="curata-example-"))
catalog = sys.argv[1] if len(sys.argv) > 1 else str(work / "catalog.db")
export_path = sys.argv[2] if len(sys.argv) > 2 else str(work / "hero-images-q4")

alice = Curata(database=catalog)  # the spec's AliceStructuredInterface()
alice.scan([str(LIBRARY)])
alice.create_project({"name": "My Project", "project_id": "my-project"})

# Create a new selection
request = SelectionCreateRequest(
    project_id="my-project",
    name="Hero Images Q4 2024",
    purpose=SelectionPurpose.PRESENTATION,
    description="Top images for Q4 marketing campaign",
    criteria={"quality": "high", "style": "modern", "mood": "energetic"},
    tags=["marketing", "q4-2024", "hero"],
)
result = alice.create_selection(request)
selection_id = result.data.id
print(f"created {result.data.name!r} ({selection_id}), status {result.data.status.value}")

# Add items to the selection: the generated images, each with why it was chosen
generated = alice.search_assets({"filters": {"has_metadata": ["prompt"]}, "limit": 3}).data
update_request = SelectionUpdateRequest(
    project_id="my-project",
    selection_id=selection_id,
    action="add_items",
    items=[
        {
            "asset_hash": asset.content_hash,
            "file_path": asset.file_path,
            "selection_reason": "Perfect hero image energy" if i == 0 else "Strong support",
            "quality_notes": "Sharp, vibrant colors",
            "usage_notes": "Homepage banner" if i == 0 else "Campaign pages",
            "tags": ["hero", "primary"] if i == 0 else ["supporting"],
            "role": "primary" if i == 0 else "supporting",
        }
        for i, asset in enumerate(generated["results"])
    ],
    notes="Initial hero image selection",
)
change = alice.update_selection(update_request).data
print(f"{change.history.action}: {len(change.history.asset_hashes)} item(s)")

# Activate it, and look at what was recorded
alice.update_selection({"project_id": "my-project", "selection_id": selection_id,
                        "action": "set_status", "status": "active"})  # fmt: skip
for entry in alice.selection_history("my-project", selection_id).data:
    print(f"history: {entry.action} by {entry.actor} {entry['notes'] or ''}".rstrip())
stats = alice.selection_stats("my-project", selection_id).data
print("roles:", {e["name"]: e["count"] for e in stats["role_distribution"]})

# Export it: files by role, manifests, README, contact sheet; verified before it appears
exported = alice.export_selection(
    SelectionExportRequest(
        project_id="my-project",
        selection_id=selection_id,
        export_path=export_path,
        layout="by_role",
    )
).data
print(f"exported {exported.exported_count} item(s) to {exported.export_path}")
print(f"catalog: {catalog}")
alice.close()

"""curata's version of the spec's workflow example (``selections.md``, "Workflow
Example"): create a selection for an aesthetic, add reference images, find similar
images to expand it, add the good matches, export the result.

    python examples/similarity_search_with_selections.py [CATALOG] [EXPORT_FOLDER]

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
export_path = sys.argv[2] if len(sys.argv) > 2 else str(work / "minimalist-products")

alice = Curata(database=catalog)
alice.scan([str(LIBRARY)])
project_id = alice.create_project({"name": "Products", "project_id": "products"}).data.id

# 1. Create selection for a specific aesthetic
selection = alice.create_selection(
    SelectionCreateRequest(
        project_id=project_id, name="Minimalist Product Shots", purpose=SelectionPurpose.CURATION
    )
)
selection_id = selection.data.id

# 2. Add initial reference images (here: one photo of the sample library)
reference = alice.get_asset(str(LIBRARY / "photos" / "ukbench00120.jpg")).data
initial_items = [
    {"asset_hash": reference.content_hash, "role": "hero", "selection_reason": "the look we want"}
]
alice.update_selection(
    SelectionUpdateRequest(
        project_id=project_id, selection_id=selection_id, action="add_items", items=initial_items
    )
)

# 3. Find similar images to expand the selection
similar = alice.find_similar_to_selection(
    project_id=project_id,
    selection_id=selection_id,
    threshold=12,  # Moderate similarity
)

# 4. Review and add the best matches
for result in similar.data["results"]:
    score = result["similarity"]["recommendation_score"]
    print(f"{score:.3f}  {Path(result['asset']['file_path']).name}")
    if score > 0.75:
        # This is a good match, add it
        alice.update_selection(
            SelectionUpdateRequest(
                project_id=project_id,
                selection_id=selection_id,
                action="add_items",
                items=[
                    {
                        "asset_hash": result["asset"]["content_hash"],
                        "role": "alternate",
                        "selection_reason": f"similar to the reference (score {score:.2f})",
                    }
                ],
            )
        )

# 5. Export the final selection
exported = alice.export_selection(
    SelectionExportRequest(
        project_id=project_id, selection_id=selection_id, export_path=export_path
    )
).data
print(f"exported {exported.exported_count} item(s) to {exported.export_path}")
print(f"catalog: {catalog}")
alice.close()

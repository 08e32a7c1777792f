"""The spec's workflow example, as written, under curata's names (end to end)."""

from __future__ import annotations

import json
from pathlib import Path

from curata import Curata
from curata.models import (
    SelectionCreateRequest,
    SelectionExportRequest,
    SelectionPurpose,
    SelectionUpdateRequest,
)
from tests.selections.conftest import PROJECT, Library


def test_spec_workflow(cur: Curata, lib: Library, tmp_path: Path) -> None:
    alice = cur
    project_id = PROJECT
    reference = next(p for p in lib.near if p.stem == "ukbench00120")
    initial_items = [
        {
            "asset_hash": alice.get_asset(str(reference)).data.content_hash,
            "file_path": str(reference),
            "selection_reason": "Clean composition",
            "role": "hero",
        },
        {"asset_hash": str(lib.images[0]), "selection_reason": "Texture", "role": "supporting"},
    ]

    # 1. Create selection for a specific aesthetic
    selection = alice.create_selection(
        SelectionCreateRequest(
            project_id=project_id,
            name="Minimalist Product Shots",
            purpose=SelectionPurpose.CURATION,
        )
    )
    selection_id = selection.data.id

    # 2. Add initial reference images
    alice.update_selection(
        SelectionUpdateRequest(
            project_id=project_id,
            selection_id=selection_id,
            action="add_items",
            items=initial_items,
        )
    )

    # 3. Find similar images to expand the selection
    similar = alice.find_similar_to_selection(
        project_id=project_id,
        selection_id=selection_id,
        threshold=12,  # Moderate similarity
    )

    # 4. Review and add the best matches
    added = []
    for result in similar.data["results"]:
        if result["similarity"]["recommendation_score"] > 0.75:
            # This is a good match, add it
            alice.update_selection(
                SelectionUpdateRequest(
                    project_id=project_id,
                    selection_id=selection_id,
                    action="add_items",
                    items=[
                        {
                            "asset_hash": result["asset"].content_hash,
                            "selection_reason": "similar to "
                            + result["similarity"]["similar_to_items"][0]["hash"][:12],
                            "role": "alternate",
                        }
                    ],
                )
            )
            added.append(result["asset"].file_path)

    # 5. Export the final selection
    export_path = tmp_path / "exports" / "minimalist-products"
    alice.export_selection(
        SelectionExportRequest(
            project_id=project_id,
            selection_id=selection_id,
            export_path=str(export_path),
        )
    )

    assert sorted(Path(p).name for p in added) == [
        "ukbench00120_gray.jpg",
        "ukbench00120_resize.jpg",
    ]
    manifest = json.loads((export_path / "manifest.json").read_text())
    assert [i["role"] for i in manifest["items"]] == [
        "hero",
        "supporting",
        "alternate",
        "alternate",
    ]
    assert all((export_path / i["exported_path"]).is_file() for i in manifest["items"])
    final = alice.get_selection(project_id, selection_id).data
    assert final.status.value == "exported" and final.item_count == 4
    actions = [h.action for h in alice.selection_history(project_id, selection_id).data]
    assert actions == ["create", "add_items", "add_items", "add_items", "export"]

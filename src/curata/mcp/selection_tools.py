"""Tools for projects and curated selections."""

from __future__ import annotations

from curata.mcp.tools import CurataTool
from curata.models import (
    Project,
    ProjectCreateRequest,
    ProjectListRequest,
    Selection,
    SelectionChange,
    SelectionCreateRequest,
    SelectionExportRequest,
    SelectionExportResult,
    SelectionListRequest,
    SelectionSummary,
    SelectionUpdateRequest,
    SimilarToSelection,
    SimilarToSelectionRequest,
)
from curata.models.transport import SelectionRef


def _value(enum: object) -> str | None:
    return getattr(enum, "value", None)


TOOLS = (
    CurataTool(
        name="create_project",
        title="Create a project",
        description=(
            "Create a project, the home of selections. Its id (used by every selection "
            "tool as project_id) is project_id if given, else the slug of the name "
            "('Q4 Campaign' -> 'q4-campaign'). Optional description and budget "
            "{amount, currency}. An id already in use is a conflict: call list_projects."
        ),
        arguments=ProjectCreateRequest,
        result=Project,
        run=lambda cur, args, _r: cur.create_project(args),
        read_only=False,
        idempotent=False,
    ),
    CurataTool(
        name="list_projects",
        title="List projects",
        description=(
            "Projects with their ids, descriptions, budgets, spend (generation cost where "
            "known), asset and selection counts; status (active or archived) filters them."
        ),
        arguments=ProjectListRequest,
        result=list[Project],
        run=lambda cur, args, _r: cur.list_projects(_value(args.status)),
    ),
    CurataTool(
        name="create_selection",
        title="Create a selection",
        description=(
            "Create a curated selection in a project. purpose: curation, presentation, "
            "export, reference, training, portfolio or social_media. Optional description, "
            "criteria (free-form key/values such as {'mood': 'energetic'}), tags and "
            "constraints. It starts as a draft and empty: add items with update_selection."
        ),
        arguments=SelectionCreateRequest,
        result=Selection,
        run=lambda cur, args, _r: cur.create_selection(args),
        read_only=False,
        idempotent=False,
    ),
    CurataTool(
        name="update_selection",
        title="Change a selection",
        description=(
            "One change to a selection, chosen by action: add_items (items: [{asset_hash, "
            "selection_reason, quality_notes, usage_notes, tags, role (hero, primary, "
            "supporting, alternate or free text), group}], or every asset of from_search "
            "filters / a saved_search, with item_defaults; skip_existing to ignore assets "
            "already in it), remove_items (asset_hashes), update_items (items: only the "
            "fields given change), set_status (status: draft, active, archived, "
            "exported), group (group_action create/rename/delete/move with group, "
            "new_name, asset_hashes), reorder (asset_hashes in their new order), update "
            "(name, description, criteria, tags, purpose, constraints). notes go into the "
            "selection's history. All items of a request change, or none."
        ),
        arguments=SelectionUpdateRequest,
        result=SelectionChange,
        run=lambda cur, args, _r: cur.update_selection(args),
        read_only=False,
        idempotent=False,
    ),
    CurataTool(
        name="get_selection",
        title="Get a selection",
        description=(
            "A selection with every item (asset hash, path, role, group, position, "
            "reasons and notes), its groups and its exports."
        ),
        arguments=SelectionRef,
        result=Selection,
        run=lambda cur, args, _r: cur.get_selection(args.project_id, args.selection_id),
    ),
    CurataTool(
        name="list_selections",
        title="List selections",
        description=(
            "Selections (id, name, purpose, status, item count), optionally only those of "
            "one project, status or purpose."
        ),
        arguments=SelectionListRequest,
        result=list[SelectionSummary],
        run=lambda cur, args, _r: cur.list_selections(
            args.project_id, _value(args.status), _value(args.purpose)
        ),
    ),
    CurataTool(
        name="find_similar_to_selection",
        title="Find assets similar to a selection",
        description=(
            "Assets that look like the items of a selection (perceptual hash within "
            "threshold bits of any item, default 10), not already in it unless "
            "exclude_existing=false. Results are sorted by similarity.recommendation_score "
            "= 0.7 * (1 - min_distance/64) + 0.3 * (items within the threshold / "
            "selection size); above about 0.75 is a strong match. Each result names the "
            "items it resembles."
        ),
        arguments=SimilarToSelectionRequest,
        result=SimilarToSelection,
        run=lambda cur, args, _r: cur.find_similar_to_selection(**args.model_dump()),
    ),
    CurataTool(
        name="export_selection",
        title="Export a selection",
        description=(
            "Write a selection to a folder for delivery: the files (mode copy, hardlink or "
            "symlink; layout by_group, by_role or flat; names keep the order), "
            "manifest.json and manifest.csv with SHA-256 of every file, metadata sidecars, "
            "a README.md and an HTML contact sheet; zip=true also zips it. The folder "
            "appears only when complete and verified; a non-empty export_path is refused "
            "unless overwrite=true. The selection's status becomes exported."
        ),
        arguments=SelectionExportRequest,
        result=SelectionExportResult,
        run=lambda cur, args, _r: cur.export_selection(args),
        read_only=False,
        idempotent=False,
    ),
)

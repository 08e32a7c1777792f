"""``curata selection add|remove|update|group|reorder``: the commands that change items."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from curata.cli.app import JSON_OPTION, emit, handle_errors, open_curata
from curata.cli.project import BUDGET_OPTION, CURRENCY_OPTION
from curata.cli.selection import (
    ACTOR_OPTION,
    MAX_ITEMS_OPTION,
    MEDIA_TYPES_OPTION,
    MIN_RATING_OPTION,
    NOTES_OPTION,
    PROJECT_OPTION,
    SELECTION_ARG,
    constraint_options,
    parse_pairs,
    render_change,
    selection_app,
)
from curata.errors import InvalidRequest

ASSETS_ARG = typer.Argument(None, help="Content hashes, unique prefixes, or cataloged paths.")
REASON_OPTION = typer.Option(None, "--reason", help="Why the items were selected.")
QUALITY_OPTION = typer.Option(None, "--quality-notes")
USAGE_OPTION = typer.Option(None, "--usage-notes")
ROLE_OPTION = typer.Option(None, "--role", help="hero, primary, supporting, alternate, or any.")
GROUP_OPTION = typer.Option(None, "--group", help="Group name (see --create-group).")
CREATE_GROUP_OPTION = typer.Option(
    False, "--create-group", help="Create a named group that does not exist (else: not found)."
)
TAG_OPTION = typer.Option([], "--tag", help="Item tag, repeatable.")
META_OPTION = typer.Option([], "--meta", help="Custom metadata KEY=VALUE, repeatable.")


def _update(ctx: typer.Context, request: dict[str, Any], as_json: bool) -> None:
    emit(open_curata(ctx).update_selection(request).data, as_json, render_change)


def _base(project: str, selection: str, action: str, notes: str | None, actor: str | None) -> dict:
    return {
        "project_id": project,
        "selection_id": selection,
        "action": action,
        "notes": notes,
        "actor": actor,
    }


def read_search_file(path: Path) -> tuple[list[str], dict[str, Any] | None]:
    """``--from-search FILE.json``: the output of ``curata search --json`` (its result
    hashes, in order), or a search request (``{"filters": ...}``) or bare filters."""
    try:
        data = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidRequest(f"{path}: {exc}", field="--from-search") from None
    if isinstance(data, dict) and isinstance(data.get("data"), dict):
        data = data["data"]
    if not isinstance(data, dict):
        raise InvalidRequest(f"{path}: not a JSON object", field="--from-search")
    results = data.get("results")
    if isinstance(results, list):
        found = [r.get("content_hash") for r in results if isinstance(r, dict)]
        hashes = [h for h in found if isinstance(h, str)]
        if len(hashes) != len(found):
            raise InvalidRequest(f"{path}: results without content_hash", field="--from-search")
        return hashes, None
    filters = data.get("filters", data)
    return [], filters if isinstance(filters, dict) else {}


@selection_app.command("add")
@handle_errors
def add(
    ctx: typer.Context,
    selection: str = SELECTION_ARG,
    assets: list[str] | None = ASSETS_ARG,
    project: str = PROJECT_OPTION,
    from_search: Path | None = typer.Option(
        None,
        "--from-search",
        help="A JSON file: `curata search --json` output, a search request, or filters.",
    ),
    saved_search: str | None = typer.Option(None, "--saved-search", help="A saved search."),
    reason: str | None = REASON_OPTION,
    quality_notes: str | None = QUALITY_OPTION,
    usage_notes: str | None = USAGE_OPTION,
    role: str | None = ROLE_OPTION,
    group: str | None = GROUP_OPTION,
    tags: list[str] = TAG_OPTION,
    meta: list[str] = META_OPTION,
    skip_existing: bool = typer.Option(
        False, "--skip-existing", help="Skip assets already in it instead of failing."
    ),
    create_group: bool = CREATE_GROUP_OPTION,
    notes: str | None = NOTES_OPTION,
    actor: str | None = ACTOR_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Add assets (all or none): by hash/path, every match of a search, or a saved search.

    The item options (--reason, --role, --group, ...) apply to every added item.
    """
    fields = {
        "selection_reason": reason,
        "quality_notes": quality_notes,
        "usage_notes": usage_notes,
        "role": role,
        "group": group,
        "tags": tags,
        "custom_metadata": parse_pairs(meta, "--meta"),
    }
    refs = list(assets or [])
    request = _base(project, selection, "add_items", notes, actor)
    if from_search is not None:
        hashes, filters = read_search_file(from_search)
        refs += hashes
        if filters is not None:
            request["from_search"] = filters
            request["item_defaults"] = fields
    if saved_search is not None:
        request["saved_search"] = saved_search
        request["item_defaults"] = fields
    if refs:
        request["items"] = [{"asset_hash": ref, **fields} for ref in refs]
    if skip_existing:
        request["skip_existing"] = True
    if create_group:
        request["create_groups"] = True
    if not refs and from_search is None and saved_search is None:
        raise InvalidRequest(
            "give assets, --from-search FILE or --saved-search NAME", field="assets"
        )
    _update(ctx, request, as_json)


def _asset_list_command(name: str, action: str, assets_help: str, doc: str) -> None:
    """Register ``curata selection NAME SELECTION ASSET...`` sending ``asset_hashes``."""

    def command(
        ctx: typer.Context,
        selection: str = SELECTION_ARG,
        assets: list[str] = typer.Argument(..., help=assets_help),
        project: str = PROJECT_OPTION,
        notes: str | None = NOTES_OPTION,
        actor: str | None = ACTOR_OPTION,
        as_json: bool = JSON_OPTION,
    ) -> None:
        request = {**_base(project, selection, action, notes, actor), "asset_hashes": assets}
        _update(ctx, request, as_json)

    command.__doc__ = doc
    selection_app.command(name)(handle_errors(command))


_asset_list_command(
    "remove",
    "remove_items",
    "Hashes, prefixes or paths.",
    "Remove items (their values are kept in the history).",
)
_asset_list_command(
    "reorder",
    "reorder",
    "Items in their new order.",
    "Put these items first, in this order; the others follow in their current order.",
)


def _given(**options: Any) -> dict[str, Any]:
    return {k: v for k, v in options.items() if v not in (None, [], {})}


@selection_app.command("update")
@handle_errors
def update(
    ctx: typer.Context,
    selection: str = SELECTION_ARG,
    assets: list[str] | None = ASSETS_ARG,
    project: str = PROJECT_OPTION,
    name: str | None = typer.Option(None, "--name", help="Selection: new name."),
    description: str | None = typer.Option(None, "--description", help="Selection."),
    purpose: str | None = typer.Option(None, "--purpose", help="Selection."),
    criteria: list[str] = typer.Option([], "--criteria", help="Selection: KEY=VALUE."),
    selection_tags: list[str] = typer.Option([], "--selection-tag", help="Selection tags."),
    reason: str | None = REASON_OPTION,
    quality_notes: str | None = QUALITY_OPTION,
    usage_notes: str | None = USAGE_OPTION,
    role: str | None = ROLE_OPTION,
    group: str | None = GROUP_OPTION,
    create_group: bool = CREATE_GROUP_OPTION,
    tags: list[str] = TAG_OPTION,
    meta: list[str] = META_OPTION,
    max_items: int | None = MAX_ITEMS_OPTION,
    media_types: list[str] = MEDIA_TYPES_OPTION,
    min_rating: int | None = MIN_RATING_OPTION,
    budget: float | None = BUDGET_OPTION,
    currency: str = CURRENCY_OPTION,
    clear_budget: bool = typer.Option(False, "--clear-budget", help="Selection: no budget."),
    notes: str | None = NOTES_OPTION,
    actor: str | None = ACTOR_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Change items (given assets) or the selection itself (no assets).

    With assets: their reason, notes, role, group, tags, metadata. Without: the
    selection's name, description, purpose, criteria or tags. Only options given change.
    """
    if assets:
        fields = _given(
            selection_reason=reason,
            quality_notes=quality_notes,
            usage_notes=usage_notes,
            role=role,
            group=group,
            tags=tags,
            custom_metadata=parse_pairs(meta, "--meta"),
        )
        request = _base(project, selection, "update_items", notes, actor)
        request["items"] = [{"asset_hash": a, **fields} for a in assets]
        if create_group:
            request["create_groups"] = True
    else:
        request = _base(project, selection, "update", notes, actor)
        request.update(
            _given(
                name=name,
                description=description,
                purpose=purpose,
                criteria=parse_pairs(criteria, "--criteria"),
                tags=selection_tags,
                constraints=constraint_options(max_items, media_types, min_rating),
                budget=None if budget is None else {"amount": budget, "currency": currency},
            )
        )
        if clear_budget:
            request["budget"] = None
    _update(ctx, request, as_json)


@selection_app.command("group")
@handle_errors
def group(
    ctx: typer.Context,
    selection: str = SELECTION_ARG,
    group_action: str = typer.Argument(..., metavar="ACTION", help="create, rename, delete, move"),
    name: str | None = typer.Argument(None, help="The group (move: the target; none ungroups)."),
    project: str = PROJECT_OPTION,
    new_name: str | None = typer.Option(None, "--to", help="rename: the new name."),
    description: str | None = typer.Option(None, "--description", help="create."),
    assets: list[str] = typer.Option([], "--asset", help="move: an item to move, repeatable."),
    create_group: bool = CREATE_GROUP_OPTION,
    notes: str | None = NOTES_OPTION,
    actor: str | None = ACTOR_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Create, rename (--to), delete groups, or move items (--asset ...) into one."""
    request = _base(project, selection, "group", notes, actor)
    request.update(
        _given(
            group_action=group_action,
            group=name,
            new_name=new_name,
            group_description=description,
            asset_hashes=assets,
            create_groups=create_group or None,
        )
    )
    _update(ctx, request, as_json)

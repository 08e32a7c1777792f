"""``curata selection create|list|show|status|history|stats|containing|similar|export``.

The commands that change items (``add``, ``remove``, ``update``, ``group``, ``reorder``)
live in :mod:`curata.cli.selection_items`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Column, Table

from curata.cli.app import JSON_OPTION, app, console, emit, handle_errors, open_curata, print_json
from curata.cli.project import BUDGET_OPTION, CURRENCY_OPTION
from curata.cli.render import MiddlePath, human_size, styled
from curata.errors import InvalidRequest
from curata.models import (
    HistoryEntry,
    Selection,
    SelectionChange,
    SelectionExportResult,
    SelectionMembership,
    SelectionStats,
    SelectionSummary,
    SimilarToSelection,
)

selection_app = typer.Typer(
    help="Selections: curated collections of assets with reasons, roles, groups and history.",
    no_args_is_help=True,
)
app.add_typer(selection_app, name="selection")

PROJECT_OPTION = typer.Option(
    ..., "--project", "-p", envvar="CURATA_PROJECT", help="Project id ($CURATA_PROJECT)."
)
SELECTION_ARG = typer.Argument(..., help="Selection id.")
NOTES_OPTION = typer.Option(None, "--notes", help="Recorded in the history entry.")
ACTOR_OPTION = typer.Option(None, "--actor", help="Who makes the change (default: OS user).")


def parse_pairs(values: list[str], option: str) -> dict[str, str]:
    """``KEY=VALUE`` options into a dict."""
    out = {}
    for value in values:
        key, sep, text = value.partition("=")
        if not sep or not key.strip():
            raise InvalidRequest(f"{value!r}: use KEY=VALUE", field=option)
        out[key.strip()] = text.strip()
    return out


MAX_ITEMS_OPTION = typer.Option(None, "--max-items", help="Constraint: at most N items.")
MEDIA_TYPES_OPTION = typer.Option(
    [], "--media-type", help="Constraint: only this media type (repeatable)."
)
MIN_RATING_OPTION = typer.Option(None, "--min-rating", help="Constraint: rated at least N (0-5).")


def constraint_options(
    max_items: int | None, media_types: list[str], min_rating: int | None
) -> dict[str, Any] | None:
    """The constraints the options give (None when none is given)."""
    given = {"max_items": max_items, "media_types": media_types or None, "min_rating": min_rating}
    return {k: v for k, v in given.items() if v is not None} or None


def _short(digest: str) -> str:
    return digest[:12]


def render_summary(sel: SelectionSummary) -> None:
    console.print(
        styled(
            "[bold]{}[/] ([cyan]{}[/]) in {}: {}, {}, {} item(s)",
            sel.name,
            sel.id,
            sel.project_id,
            sel.status.value,
            sel.purpose.value,
            sel.item_count,
        )
    )


def render_change(change: SelectionChange) -> None:
    entry = change.history
    count = f", {len(entry.asset_hashes)} asset(s)" if entry.asset_hashes else ""
    console.print(f"{entry.action}{count}")
    render_summary(change.selection)


def _render_selection(sel: Selection) -> None:
    render_summary(sel)
    if sel.description:
        console.print(sel.description)
    for key, value in sel.criteria.items():
        console.print(styled("  [cyan]{}[/]: {}", key, value))
    if sel.tags:
        console.print("tags: " + ", ".join(sel.tags))
    if sel.items:
        table = Table("#", "asset", "role", "group", "reason", "path")
        for item in sel.items:
            table.add_row(
                str(item.position + 1),
                _short(item.asset_hash),
                item.role or "",
                item.group or "",
                item.selection_reason or "",
                MiddlePath(item.file_path or ""),
            )
        console.print(table)
    if sel.exports:
        last = sel.exports[-1]
        console.print(f"exported {len(sel.exports)} time(s), last to {last.path}", highlight=False)


def _render_list(selections: list[SelectionSummary]) -> None:
    if not selections:
        console.print("no selections")
        return
    table = Table(
        Column("project", no_wrap=True),
        Column("id", no_wrap=True),
        "name",
        "purpose",
        "status",
        "items",
        "updated",
    )
    for s in selections:
        table.add_row(
            s.project_id,
            s.id,
            s.name,
            s.purpose.value,
            s.status.value,
            str(s.item_count),
            s.updated_at.strftime("%Y-%m-%d %H:%M"),
        )
    console.print(table)


@selection_app.command("create")
@handle_errors
def create(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The selection's name."),
    project: str = PROJECT_OPTION,
    purpose: str = typer.Option(
        "curation",
        "--purpose",
        help="curation, presentation, export, reference, training, portfolio, social_media",
    ),
    description: str | None = typer.Option(None, "--description"),
    criteria: list[str] = typer.Option([], "--criteria", help="KEY=VALUE, repeatable."),
    tags: list[str] = typer.Option([], "--tag", help="Repeatable."),
    selection_id: str | None = typer.Option(None, "--id", help="Id (default: from the name)."),
    max_items: int | None = MAX_ITEMS_OPTION,
    media_types: list[str] = MEDIA_TYPES_OPTION,
    min_rating: int | None = MIN_RATING_OPTION,
    budget: float | None = BUDGET_OPTION,
    currency: str = CURRENCY_OPTION,
    actor: str | None = ACTOR_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Create a selection (status draft): `curata selection create "Hero Images" -p my-project`."""
    request = {
        "project_id": project,
        "name": name,
        "purpose": purpose,
        "description": description,
        "criteria": parse_pairs(criteria, "--criteria"),
        "tags": tags,
        "selection_id": selection_id,
        "constraints": constraint_options(max_items, media_types, min_rating) or {},
        "budget": None if budget is None else {"amount": budget, "currency": currency},
        "actor": actor,
    }
    emit(open_curata(ctx).create_selection(request).data, as_json, _render_selection)


@selection_app.command("list")
@handle_errors
def list_(
    ctx: typer.Context,
    project: str | None = typer.Option(None, "--project", "-p", envvar="CURATA_PROJECT"),
    status: str | None = typer.Option(None, "--status"),
    purpose: str | None = typer.Option(None, "--purpose"),
    as_json: bool = JSON_OPTION,
) -> None:
    """List selections (of one project, or all), optionally by status or purpose."""
    result = open_curata(ctx).list_selections(project, status=status, purpose=purpose)
    emit(result.data, as_json, _render_list)


@selection_app.command("show")
@handle_errors
def show(
    ctx: typer.Context,
    selection: str = SELECTION_ARG,
    project: str = PROJECT_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """A selection with its items in sequence order, its groups and exports."""
    emit(open_curata(ctx).get_selection(project, selection).data, as_json, _render_selection)


@selection_app.command("status")
@handle_errors
def status(
    ctx: typer.Context,
    selection: str = SELECTION_ARG,
    new_status: str = typer.Argument(..., metavar="STATUS", help="draft, active or archived"),
    project: str = PROJECT_OPTION,
    notes: str | None = NOTES_OPTION,
    actor: str | None = ACTOR_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Change the status (draft <-> active, -> archived, archived -> active)."""
    request = {
        "project_id": project,
        "selection_id": selection,
        "action": "set_status",
        "status": new_status,
        "notes": notes,
        "actor": actor,
    }
    emit(open_curata(ctx).update_selection(request).data, as_json, render_change)


def _render_history(entries: list[HistoryEntry]) -> None:
    table = Table("#", "when", "who", "action", "assets", "notes")
    for e in entries:
        table.add_row(
            str(e.id),
            e.at.strftime("%Y-%m-%d %H:%M:%S"),
            e.actor or "",
            e.action,
            str(len(e.asset_hashes)) if e.asset_hashes else "",
            e.notes or "",
        )
    console.print(table)


@selection_app.command("history")
@handle_errors
def history(
    ctx: typer.Context,
    selection: str = SELECTION_ARG,
    project: str = PROJECT_OPTION,
    action: str | None = typer.Option(None, "--action", help="Only entries of this action."),
    limit: int | None = typer.Option(None, "--limit", min=1),
    as_json: bool = JSON_OPTION,
) -> None:
    """Every change, oldest first (who, when, what, before/after in --json)."""
    result = open_curata(ctx).selection_history(project, selection, action=action, limit=limit)
    emit(result.data, as_json, _render_history)


def _render_stats(stats: SelectionStats) -> None:
    console.print(
        f"{stats.item_count} item(s), {human_size(stats.total_bytes)}, "
        f"{stats.group_count} group(s) ({stats.ungrouped_count} ungrouped), "
        f"sequence {'set' if stats.sequence_present else 'not set'}, "
        f"{stats.export_count} export(s), {stats.history_count} history entries"
    )
    for title, entries in (
        ("roles", stats.role_distribution),
        ("media types", stats.media_types),
        ("top tags", stats.top_tags),
    ):
        if entries:
            console.print(f"{title}: " + ", ".join(f"{e.name} {e.count}" for e in entries))


@selection_app.command("stats")
@handle_errors
def stats(
    ctx: typer.Context,
    selection: str = SELECTION_ARG,
    project: str = PROJECT_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Item count, roles, top tags, groups, sequence, exports."""
    emit(open_curata(ctx).selection_stats(project, selection).data, as_json, _render_stats)


def _render_memberships(found: list[SelectionMembership]) -> None:
    if not found:
        console.print("in no selection")
        return
    table = Table("project", "selection", "name", "status", "role", "group", "#")
    for m in found:
        table.add_row(
            m.project_id,
            m.selection_id,
            m.selection_name,
            m.status.value,
            m.role or "",
            m.group or "",
            str(m.position + 1),
        )
    console.print(table)


@selection_app.command("containing")
@handle_errors
def containing(
    ctx: typer.Context,
    asset: str = typer.Argument(..., help="A content hash, a unique prefix, or a path."),
    as_json: bool = JSON_OPTION,
) -> None:
    """The selections (of every project) that hold an asset."""
    emit(open_curata(ctx).selections_containing(asset).data, as_json, _render_memberships)


def _render_similar(found: SimilarToSelection) -> None:
    if not found.results:
        console.print("nothing similar within the threshold")
        return
    table = Table("score", "distance", "items", "asset", "path", "closest to")
    for r in found.results:
        sim = r.similarity
        closest = sim.similar_to_items[0]
        table.add_row(
            f"{sim.recommendation_score:.3f}",
            str(sim.min_distance),
            str(sim.similar_to_count),
            _short(r.asset.content_hash),
            MiddlePath(r.asset.file_path),
            f"{_short(closest.hash)} ({closest.role or '-'})",
        )
    console.print(table)
    console.print(f"{found.total_candidates} candidate(s); showing {len(found.results)}")


@selection_app.command("similar")
@handle_errors
def similar(
    ctx: typer.Context,
    selection: str = SELECTION_ARG,
    project: str = PROJECT_OPTION,
    threshold: int = typer.Option(10, "--threshold", "-t", help="Max pHash distance, 0-64."),
    limit: int = typer.Option(50, "--limit", "-n"),
    include_existing: bool = typer.Option(
        False, "--include-existing", help="Also list assets already in the selection."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Assets visually similar to the selection's items, best recommendation first."""
    result = open_curata(ctx).find_similar_to_selection(
        project, selection, threshold=threshold, limit=limit, exclude_existing=not include_existing
    )
    emit(result.data, as_json, _render_similar)


def _render_export(result: SelectionExportResult) -> None:
    console.print(
        styled(
            "exported {} of {} item(s) to [bold]{}[/] ({} files, {}, all verified)",
            result.exported_count,
            result.item_count,
            result.export_path,
            result.files_written,
            human_size(result.bytes_written),
        )
    )
    if result.zip_path:
        console.print(f"zip: {result.zip_path}", highlight=False)
    for item in result.missing:
        console.print(
            styled("[yellow]missing:[/] {} {}", _short(item.asset_hash), item.source_path or "")
        )


@selection_app.command("export")
@handle_errors
def export(
    ctx: typer.Context,
    selection: str = SELECTION_ARG,
    export_path: Path = typer.Argument(..., help="The folder to create."),
    project: str = PROJECT_OPTION,
    mode: str = typer.Option("copy", "--mode", help="copy, hardlink or symlink"),
    layout: str = typer.Option("by_group", "--layout", help="by_group, by_role or flat"),
    zip_: bool = typer.Option(False, "--zip", help="Also write <export_path>.zip."),
    overwrite: bool = typer.Option(
        False, "--overwrite", help="Replace an earlier curata export (never other files)."
    ),
    allow_missing: bool = typer.Option(
        False, "--allow-missing", help="Export what is found; list the rest in the manifest."
    ),
    no_sidecars: bool = typer.Option(False, "--no-sidecars", help="No per-file .json."),
    no_contact_sheet: bool = typer.Option(
        False, "--no-contact-sheet", help="No thumbnails and contact sheet."
    ),
    metadata: str = typer.Option(
        "keep",
        "--metadata",
        help="keep, strip (embedded metadata out of the copies and sidecars) or sidecar-only.",
    ),
    actor: str | None = ACTOR_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Export files, manifests, README and contact sheet to a new folder.

    The folder appears only when every file is written and verified (SHA-256); never
    inside a scanned folder or over the catalog."""
    request = {
        "project_id": project,
        "selection_id": selection,
        "export_path": str(export_path),
        "mode": mode,
        "layout": layout,
        "zip": zip_,
        "overwrite": overwrite,
        "allow_missing": allow_missing,
        "sidecars": not no_sidecars,
        "contact_sheet": not no_contact_sheet,
        "metadata": metadata,
        "actor": actor,
    }
    cur = open_curata(ctx)
    if sys.stderr.isatty() and not as_json:
        columns = (
            TextColumn("exporting"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task("export", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            result = cur.export_selection(request, progress=advance).data
    else:
        result = cur.export_selection(request).data
    assert result is not None
    if as_json:
        print_json(result)
    else:
        _render_export(result)

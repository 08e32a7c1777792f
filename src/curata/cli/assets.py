"""Asset commands: ``info``, ``tag add|remove``, ``rate``, ``stats``, ``errors``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.table import Table

from curata.cli.app import JSON_OPTION, app, console, emit, handle_errors, open_curata
from curata.cli.render import MiddlePath, human_size, styled
from curata.cli.render_generation import render_file_metadata
from curata.errors import InvalidRequest

if TYPE_CHECKING:
    from curata.models import (
        AssetDetail,
        CatalogStats,
        CountEntry,
        IngestErrorRecord,
        TagUpdateResult,
    )

tag_app = typer.Typer(
    help="Add or remove tags (`portrait`, or `style:cyberpunk` pairs).", no_args_is_help=True
)
app.add_typer(tag_app, name="tag")


def _render_info(asset: AssetDetail) -> None:
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold cyan")
    table.add_column(overflow="fold")
    dims = asset.metadata.get("dimensions")
    rows = [
        ("hash", asset.content_hash),
        ("path", asset.file_path),
        ("type", f"{asset.media_type.value} ({asset.file_format})"),
        ("size", f"{human_size(asset.file_size)} ({asset.file_size:,} bytes)"),
        ("dimensions", f"{dims['width']} x {dims['height']}" if dims else None),
        ("rating", None if asset.quality_rating is None else str(asset.quality_rating)),
        ("ai source", asset.ai_source),
        ("project", asset.project),
        ("tags", ", ".join(asset.tags) or None),
        ("created", asset.created_at and asset.created_at.isoformat()),
        ("discovered", asset.discovered_at and asset.discovered_at.isoformat()),
        ("phash", asset.phash),
    ]
    for name, value in rows:
        if value:
            table.add_row(name, value)
    for note in asset.notes:
        table.add_row("note", note)
    console.print(table)
    render_file_metadata(console, asset.metadata)
    if len(asset.locations) > 1 or any(loc.missing for loc in asset.locations):
        locs = Table("location", "missing", title="locations")
        for loc in asset.locations:
            locs.add_row(MiddlePath(loc.path), "missing" if loc.missing else "")
        console.print(locs)


@app.command()
@handle_errors
def info(
    ctx: typer.Context,
    asset: str = typer.Argument(..., help="A content hash, a unique prefix of one, or a path."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Show everything the catalog knows about one asset."""
    emit(open_curata(ctx).get_asset(asset).data, as_json, _render_info)


def _render_tags(result: TagUpdateResult) -> None:
    console.print(
        f"{len(result.assets)} asset(s): {result.added} tag(s) added, {result.removed} removed"
    )


def _tag_args(items: list[str], tags: list[str]) -> tuple[list[str], list[str]]:
    """``ASSET... TAG...`` (or ``ASSET... --tag TAG...``): the assets and the tags.

    With ``--tag``, every item is an asset. Without it, the leading items that look like
    assets (6+ hex digits, or a path with ``/``) are assets and the rest are tags; when
    all of them look like assets, the last one is the tag (``tag add cb8003ab facade``).
    """
    if tags:
        assets, rest = list(items), list(tags)
    else:
        count = 0
        while count < len(items) and _looks_like_asset(items[count]):
            count += 1
        count = min(count, len(items) - 1)
        assets, rest = items[:count], items[count:]
    if not assets:
        raise InvalidRequest(
            "give one or more assets (hash, prefix or path), then one or more tags", field="assets"
        )
    if not rest:
        raise InvalidRequest("give one or more tags after the assets (or --tag)", field="tags")
    return assets, rest


def _looks_like_asset(item: str) -> bool:
    text = item.lower()
    return (len(text) >= 6 and all(c in "0123456789abcdef" for c in text)) or "/" in item


TAGS_OPTION = typer.Option(
    [], "--tag", help="A tag (repeat); then every other argument names an asset."
)


@tag_app.command("add")
@handle_errors
def tag_add(
    ctx: typer.Context,
    items: list[str] = typer.Argument(..., metavar="ASSET... TAG..."),
    tag: list[str] = TAGS_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Add tags to assets: `curata tag add 3fa2b1 9c01d2 portrait style:cyberpunk`.

    Assets come first (hashes, prefixes of 6+ hex digits, or paths), then tags. A tag
    that looks like a hash prefix (`facade`, `decade`) is taken as one unless it is the
    last argument: give such tags with `--tag facade`."""
    assets, tags = _tag_args(items, tag)
    emit(open_curata(ctx).tag_assets({"assets": assets, "tags": tags}).data, as_json, _render_tags)


@tag_app.command("remove")
@handle_errors
def tag_remove(
    ctx: typer.Context,
    items: list[str] = typer.Argument(..., metavar="ASSET... TAG..."),
    tag: list[str] = TAGS_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Remove tags from assets (the same arguments as `curata tag add`)."""
    assets, tags = _tag_args(items, tag)
    result = open_curata(ctx).untag_assets({"assets": assets, "tags": tags})
    emit(result.data, as_json, _render_tags)


@app.command()
@handle_errors
def rate(
    ctx: typer.Context,
    items: list[str] = typer.Argument(..., metavar="ASSET... RATING"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Set the quality rating (0-5) of assets: `curata rate 3fa2b1 9c01d2 4`."""
    if len(items) < 2 or not items[-1].isdigit():
        raise InvalidRequest("give one or more assets, then a rating from 0 to 5", field="rating")
    result = open_curata(ctx).rate_assets({"assets": items[:-1], "rating": int(items[-1])})
    emit(result.data, as_json, lambda hashes: console.print(f"rated {len(hashes)} asset(s)"))


def _count_table(title: str, entries: list[CountEntry]) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("name")
    table.add_column("count", justify="right")
    for entry in entries:
        table.add_row(entry.name, f"{entry.count:,}")
    return table


def _render_stats(stats: CatalogStats) -> None:
    console.print(
        styled(
            "[bold]{}[/] assets, {}, {} locations ({} missing), {} errors",
            f"{stats.assets:,}",
            human_size(stats.total_bytes),
            f"{stats.locations:,}",
            f"{stats.missing_locations:,}",
            f"{stats.errors:,}",
        )
    )
    for title, entries in (
        ("media types", stats.by_media_type),
        ("formats", stats.by_format),
        ("AI sources", stats.by_ai_source),
        ("models", stats.by_model),
        ("projects", stats.by_project),
        ("top tags", stats.top_tags),
    ):
        if entries:
            console.print(_count_table(title, entries))


@app.command()
@handle_errors
def stats(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """Counts by media type, format, AI source, model, project; top tags; errors."""
    emit(open_curata(ctx).stats().data, as_json, _render_stats)


def _render_errors(records: list[IngestErrorRecord]) -> None:
    if not records:
        console.print("no ingest errors")
        return
    table = Table("path", "reason", "when")
    for rec in records:
        table.add_row(MiddlePath(rec.path), rec.reason, rec.occurred_at.strftime("%Y-%m-%d %H:%M"))
    console.print(table)


@app.command()
@handle_errors
def errors(
    ctx: typer.Context,
    warnings: bool = typer.Option(
        False, "--warnings", help="List warnings (files cataloged with problems) instead."
    ),
    all_: bool = typer.Option(False, "--all", help="List errors and warnings."),
    as_json: bool = JSON_OPTION,
) -> None:
    """List the files the scanner could not catalog, and why."""
    level = "all" if all_ else "warning" if warnings else "error"
    result = open_curata(ctx).ingest_errors(level)
    emit(result.data, as_json, _render_errors)

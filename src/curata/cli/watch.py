"""``curata watch``: catalog folders and keep the catalog in step with them."""

from __future__ import annotations

from pathlib import Path

import typer

from curata.cli.app import JSON_OPTION, app, console, handle_errors, open_curata, print_json
from curata.models import CatalogChange, ScanSummary
from curata.models.paths import display


def _print_changes(changes: list[CatalogChange]) -> None:
    for change in changes:
        console.print(f"{change.kind:>8} {display(change.path)}", highlight=False, markup=False)


def _print_batch(summary: ScanSummary) -> None:
    counts = ", ".join(
        f"{getattr(summary, n)} {n}"
        for n in ("new", "changed", "moved", "missing", "failed")
        if getattr(summary, n)
    )
    if counts:
        console.print(f"scanned in {summary.seconds:.2f}s: {counts}")


@app.command()
@handle_errors
def watch(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(..., help="Folders (or files) to catalog and watch."),
    project: str | None = typer.Option(
        None, "--project", "-p", help="Assign new assets to this project."
    ),
    include_hidden: bool = typer.Option(
        False, "--include-hidden", help="Also catalog hidden files and folders."
    ),
    follow_links: bool = typer.Option(
        False, "--follow-links", help="Also follow symbolic links that lead out of the folders."
    ),
    workers: int | None = typer.Option(
        None, "--workers", help="Worker processes (default: all cores)."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Scan PATHS, then catalog new and changed files as they are written, mark deleted
    ones missing and follow renamed ones, until Ctrl-C (the next start catches up)."""
    cur = open_curata(ctx, create=True)
    console.print(
        "watching " + ", ".join(map(str, paths)) + " (Ctrl-C stops)",
        highlight=False,
        markup=False,
    )
    summary = cur.watch(
        [str(p) for p in paths],
        project,
        include_hidden=include_hidden,
        follow_links=follow_links,
        workers=workers,
        on_change=None if as_json else _print_changes,
        on_batch=None if as_json else _print_batch,
    ).data
    assert summary is not None
    if as_json:
        print_json(summary)
    else:
        console.print("stopped; the next start catches up with what changes meanwhile")

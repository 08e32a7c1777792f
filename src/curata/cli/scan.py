"""``curata scan``: catalog folders, with a progress bar and a summary."""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich import filesize
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from curata.cli.app import (
    JSON_OPTION,
    app,
    console,
    err_console,
    handle_errors,
    open_curata,
    print_json,
)
from curata.cli.render import styled

if TYPE_CHECKING:
    from curata.models import ScanProgress, ScanSummary


class _FilesPerSecond(ProgressColumn):
    def render(self, task: Task) -> Text:
        return Text(f"{task.speed:,.0f} files/s" if task.speed else "", style="progress.data.speed")


class _Bar:
    """A rich progress bar fed by the scanner's events: files, bytes, files/s, ETA."""

    columns = (
        TextColumn("{task.description:>11}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[size]}"),
        _FilesPerSecond(),
        TimeRemainingColumn(),
    )

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task = progress.add_task("discovering", total=None, size="")

    def __call__(self, event: ScanProgress) -> None:
        size = ""
        if event.bytes_total:
            size = f"{filesize.decimal(event.bytes_done)}/{filesize.decimal(event.bytes_total)}"
        self.progress.update(
            self.task,
            description=event.phase,
            total=event.files_total,
            completed=event.files_done,
            size=size,
        )


def _render(summary: ScanSummary) -> None:
    table = Table(title="scan " + ("interrupted" if summary.interrupted else "complete"))
    columns = ("new", "changed", "unchanged", "moved", "missing", "failed")
    for name in columns:
        table.add_column(name, justify="right")
    table.add_row(*(f"{getattr(summary, n):,}" for n in columns))
    console.print(table)
    if summary.interrupted:
        done = summary.unchanged + summary.new + summary.changed + summary.moved
        console.print(
            f"{done:,} of {summary.files_seen:,} files are cataloged"
            f" ({summary.seconds:.2f}s); run the same scan again to continue",
            highlight=False,
        )
    else:
        rate = summary.files_seen / summary.seconds if summary.seconds else 0
        console.print(
            f"{summary.files_seen:,} files in {summary.seconds:.2f}s ({rate:,.0f} files/s)",
            highlight=False,
        )
    if summary.still_failing:
        console.print(
            f"{summary.still_failing:,} unchanged file(s) still fail as before", highlight=False
        )
    if summary.failed or summary.still_failing:
        console.print(styled("[yellow]see [bold]curata errors[/] for the files that failed[/]"))


@app.command()
@handle_errors
def init(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """Create an empty catalog (scan creates one too)."""
    cur = open_curata(ctx, create=True)
    where = str(cur.catalog.path or cur.catalog.url.render_as_string(hide_password=True))
    if as_json:
        print_json({"database": where})
    else:
        console.print(f"catalog ready at {where}", highlight=False)


@app.command()
@handle_errors
def scan(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(..., help="Files or folders to catalog (recursively)."),
    project: str | None = typer.Option(
        None, "--project", "-p", help="Assign the assets to this project."
    ),
    include_hidden: bool = typer.Option(
        False, "--include-hidden", help="Also scan hidden files and folders like .git or @eaDir."
    ),
    follow_links: bool = typer.Option(
        False,
        "--follow-links",
        help="Also follow symbolic links that lead out of the scanned folders "
        "(by default they are skipped with a warning).",
    ),
    workers: int | None = typer.Option(
        None, "--workers", help="Worker processes (default: all cores)."
    ),
    strict: bool = typer.Option(
        False,
        "--strict",
        help="Exit with status 1 if any file fails (also one that failed before, unchanged).",
    ),
    batch_size: int = typer.Option(200, "--batch-size", min=1, hidden=True),
    as_json: bool = JSON_OPTION,
) -> None:
    """Catalog files: new and changed ones are read, unchanged skipped, gone ones marked missing.

    Ctrl-C stops after the current batch; run the same command again to finish.
    """
    try:
        cur = open_curata(ctx, create=True)
        scan = functools.partial(
            cur.scan,
            [str(p) for p in paths],
            project=project,
            include_hidden=include_hidden,
            follow_links=follow_links,
            workers=workers,
            batch_size=batch_size,
        )
        if sys.stderr.isatty() and not as_json:
            with Progress(*_Bar.columns, console=console, transient=True) as progress:
                summary = scan(progress=_Bar(progress)).data
        else:
            summary = scan().data
    except KeyboardInterrupt:  # before reading began, or a second Ctrl-C while reading
        err_console.print(
            "scan interrupted; what was cataloged is kept and the same scan again continues",
            highlight=False,
        )
        raise typer.Exit(130) from None
    assert summary is not None
    if as_json:
        print_json(summary)
    else:
        _render(summary)
    if summary.interrupted:
        raise typer.Exit(130)
    if strict and (summary.failed or summary.still_failing):
        raise typer.Exit(1)

"""Similarity commands: ``similar`` (assets like a target) and ``dupes`` (duplicate groups)."""

from __future__ import annotations

import csv
import json
import os
import tempfile
from pathlib import Path

import typer
from rich.table import Table

from curata.cli.app import JSON_OPTION, app, console, emit, handle_errors, open_curata
from curata.errors import InvalidRequest
from curata.models.similarity import DEFAULT_THRESHOLD, DuplicatesResult, SimilarResult

THRESHOLD_OPTION = typer.Option(
    DEFAULT_THRESHOLD,
    "--threshold",
    "-t",
    help="Largest Hamming distance between pHashes that counts as similar (0-64, inclusive).",
)


def _render_similar(result: SimilarResult) -> None:
    target = result.target
    name = target.path or target.content_hash or f"phash:{target.phash}"
    console.print(
        f"{result.total} asset(s) within {result.threshold} bits of {name} "
        f"(phash {target.phash}{', any orientation' if result.invariant else ''})",
        highlight=False,
    )
    if not result.results:
        return
    table = Table("distance", "similarity", "orientation", "hash", "path")
    for match in result.results:
        table.add_row(
            str(match.distance),
            f"{match.similarity:.3f}",
            match.orientation.value,
            match.asset.content_hash[:12],
            match.asset.file_path,
        )
    console.print(table)


@app.command()
@handle_errors
def similar(
    ctx: typer.Context,
    target: str = typer.Argument(
        ..., help="A content hash or prefix, a cataloged path, an image file, or phash:HEX."
    ),
    threshold: int = THRESHOLD_OPTION,
    invariant: bool = typer.Option(
        False, "--invariant", help="Also match mirrored and 90/180/270-degree rotated copies."
    ),
    limit: int = typer.Option(50, "--limit", "-n", help="Show at most this many (1-1000)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Find assets that look like TARGET (pHash within the threshold), nearest first."""
    result = open_curata(ctx).find_similar(
        target, threshold=threshold, limit=limit, invariant=invariant
    )
    emit(result.data, as_json, _render_similar)


def _render_dupes(result: DuplicatesResult) -> None:
    console.print(
        f"{result.group_count} group(s), {result.member_count} member(s)"
        + ("" if result.exact_only else f", near-duplicates within {result.threshold} bits"),
        highlight=False,
    )
    for number, group in enumerate(result.groups, start=1):
        table = Table(
            "", "distance", "size", "rating", "bytes", "path",
            title=f"#{number} {group.kind}, {group.size} members; keep: {group.reason}",
            title_justify="left",
        )  # fmt: skip
        for m in group.members:
            dims = f"{m.width}x{m.height}" if m.width and m.height else ""
            table.add_row(
                "keep" if m.keeper else "",
                str(m.distance),
                dims,
                "" if m.quality_rating is None else str(m.quality_rating),
                f"{m.file_size:,}",
                m.path,
            )
        console.print(table)


def write_report(result: DuplicatesResult, path: Path) -> None:
    """The groups as JSON or CSV (by suffix), written beside the target and renamed into place."""
    suffix = path.suffix.lower()
    if suffix not in (".json", ".csv"):
        raise InvalidRequest(f"{path}: the report must end in .json or .csv", field="report")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InvalidRequest(f"{path}: folder {folder} does not exist", field="report")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    try:
        # A CSV row holds a name that is not UTF-8 as its exact bytes (JSON: its path form).
        with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape", newline="") as fh:
            if suffix == ".json":
                json.dump(result.model_dump(mode="json"), fh, indent=2, ensure_ascii=False)
            else:
                writer = csv.DictWriter(fh, fieldnames=DuplicatesResult.REPORT_COLUMNS)
                writer.writeheader()
                writer.writerows(result.report_rows())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@app.command()
@handle_errors
def dupes(
    ctx: typer.Context,
    threshold: int = THRESHOLD_OPTION,
    exact: bool = typer.Option(
        False, "--exact", help="Only exact copies (the same file at several paths)."
    ),
    report: Path | None = typer.Option(
        None, "--report", help="Also write the groups to FILE.json or FILE.csv."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Groups of duplicates, largest first, each with a suggested keeper. Deletes nothing."""
    if report is not None and report.suffix.lower() not in (".json", ".csv"):
        raise InvalidRequest(f"{report}: the report must end in .json or .csv", field="report")
    result = open_curata(ctx).find_duplicates(threshold=threshold, exact=exact).data
    assert result is not None
    if report is not None:
        write_report(result, report)
    emit(result, as_json, _render_dupes)
    if report is not None and not as_json:
        console.print(f"report written to {report}", highlight=False)

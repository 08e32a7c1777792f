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
from curata.models.similarity import (
    DEFAULT_KEEPER_ORDER,
    DEFAULT_THRESHOLD,
    DEFAULT_TIERS,
    DuplicatesResult,
    DuplicateTier,
    KeeperCriterion,
    ResolveResult,
    SimilarResult,
    SimilarVideosResult,
)

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
        {"target": target, "threshold": threshold, "limit": limit, "invariant": invariant}
    )
    emit(result.data, as_json, _render_similar)


def _render_videos(result: SimilarVideosResult) -> None:
    target = result.target
    name = target.path or target.content_hash or f"phash:{target.phash}"
    what = (
        f"sharing {result.min_share:.0%}+ of their frames in order with {name} "
        f"({result.frames} frames)"
        if result.mode == "video"
        else f"with a frame within {result.threshold} bits of {name}"
    )
    console.print(f"{result.total} video(s) {what}", highlight=False)
    if not result.results:
        return
    table = Table("relation", "share", "matched", "distance", "at (s)", "hash", "path")
    for m in result.results:
        at = m.offset if result.mode == "video" else m.frame_time
        table.add_row(
            m.relation.value,
            "" if m.share is None else f"{m.share:.2f}",
            str(m.matched),
            str(m.distance),
            "" if at is None else f"{at:.1f}",
            m.asset.content_hash[:12],
            m.asset.file_path,
        )
    console.print(table)


@app.command("similar-videos")
@handle_errors
def similar_videos(
    ctx: typer.Context,
    target: str = typer.Argument(
        ..., help="A video (hash, prefix, path, video file) or an image (or phash:HEX)."
    ),
    threshold: int = THRESHOLD_OPTION,
    min_share: float = typer.Option(
        0.6, "--min-share", help="Share of the shorter video's frames matching in order (0-1)."
    ),
    limit: int = typer.Option(50, "--limit", "-n", help="Show at most this many (1-1000)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Videos that are copies (re-encodes, resizes, trims) of TARGET, or contain an image."""
    result = open_curata(ctx).find_similar_videos(
        {"target": target, "threshold": threshold, "min_share": min_share, "limit": limit}
    )
    emit(result.data, as_json, _render_videos)


def _render_dupes(result: DuplicatesResult) -> None:
    shown = f"{result.offset + 1}-{result.offset + len(result.groups)} of " if result.groups else ""
    console.print(
        f"{shown}{result.group_count} group(s), {result.member_count} member(s); tiers "
        f"{', '.join(t.value for t in result.tiers)}; near-duplicates within "
        f"{result.threshold} bits of their keeper",
        highlight=False,
    )
    for number, group in enumerate(result.groups, start=result.offset + 1):
        table = Table(
            "", "match", "distance", "nearest", "size", "rating", "bytes", "path",
            title=f"#{number} {group.kind.value}: {group.explanation}",
            title_justify="left",
        )  # fmt: skip
        for m in group.members:
            d = m.details
            dims = f"{d.width}x{d.height}" if d and d.width and d.height else ""
            table.add_row(
                "keep" if m.keeper else "",
                m.match.value,
                "" if m.distance is None else str(m.distance),
                "" if m.nearest is None else str(m.nearest),
                dims,
                "" if d is None or d.quality_rating is None else str(d.quality_rating),
                "" if d is None else f"{d.file_size:,}",
                m.path,
            )
        console.print(table)
    if result.low_detail_count:
        console.print(
            f"{result.low_detail_count} low-detail image(s) (flat or tiny: never near-duplicates)"
            + "".join(f"\n  {a.path}" for a in result.low_detail),
            highlight=False,
        )


REPORT_SUFFIXES = (".json", ".csv", ".sh")


def write_report(result: DuplicatesResult, path: Path, move_to: str | None = None) -> None:
    """The groups as JSON, CSV or a reviewable shell script (by suffix), written beside
    the target and renamed into place."""
    suffix = path.suffix.lower()
    if suffix not in REPORT_SUFFIXES:
        raise InvalidRequest(f"{path}: the report must end in .json, .csv or .sh", field="report")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InvalidRequest(f"{path}: folder {folder} does not exist", field="report")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    try:
        # A CSV row holds a name that is not UTF-8 as its exact bytes (JSON: its path form).
        with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape", newline="") as fh:
            if suffix == ".json":
                json.dump(result.model_dump(mode="json"), fh, indent=2, ensure_ascii=False)
            elif suffix == ".sh":
                fh.write(result.shell_script(move_to))
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
    tier: list[DuplicateTier] = typer.Option(
        list(DEFAULT_TIERS),
        "--tier",
        help="Tiers to list (repeat): exact, same-pixels, near, variant.",
    ),
    keep_by: list[KeeperCriterion] = typer.Option(
        list(DEFAULT_KEEPER_ORDER), "--keep-by", help="Keeper criteria in order (repeat)."
    ),
    limit: int = typer.Option(100, "--limit", "-n", help="Groups per page (1-1000)."),
    offset: int = typer.Option(0, "--offset", help="Groups to skip."),
    compact: bool = typer.Option(False, "--compact", help="Hashes, paths and distances only."),
    report: Path | None = typer.Option(
        None,
        "--report",
        help="Also write the page to FILE.json, FILE.csv, or FILE.sh (a reviewable script "
        "of rm lines for you to run; curata deletes nothing).",
    ),
    move_to: str | None = typer.Option(
        None, "--move-to", help="In a .sh report, mv the duplicates into this folder instead."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Groups of duplicates, largest first, each with its keeper and why. Deletes nothing."""
    if report is not None and report.suffix.lower() not in REPORT_SUFFIXES:
        raise InvalidRequest(f"{report}: the report must end in .json, .csv or .sh", field="report")
    request = {
        "threshold": threshold, "exact": exact, "tiers": tier, "keeper_order": keep_by,
        "limit": limit, "offset": offset, "compact": compact,
    }  # fmt: skip
    result = open_curata(ctx).find_duplicates(request).data
    assert result is not None
    if report is not None:
        write_report(result, report, move_to)
    emit(result, as_json, _render_dupes)
    if report is not None and not as_json:
        console.print(f"report written to {report}", highlight=False)


def _render_resolution(result: ResolveResult) -> None:
    verb = "undid" if result.undone else "resolution"
    console.print(
        f"{verb} {result.resolution_id}: keeper {result.keeper[:12]}, "
        f"{len(result.others)} other(s) tagged duplicate-of:{result.keeper[:12]}"
        + ("" if result.rating is None else f"; rating {result.rating}")
        + "".join(f"; joined {s}" for s in result.selections_joined),
        highlight=False,
    )
    for content_hash, tags in result.tags_added.items():
        console.print(f"  {content_hash[:12]}: {', '.join(tags)}", highlight=False)


@app.command("resolve-dupes")
@handle_errors
def resolve_dupes(
    ctx: typer.Context,
    keeper: str = typer.Argument(..., help="The asset to keep (hash, prefix or path)."),
    others: list[str] = typer.Argument(..., help="Its duplicates (hashes, prefixes, paths)."),
    tags: bool = typer.Option(True, "--tags/--no-tags", help="Merge the others' user tags."),
    rating: bool = typer.Option(True, "--rating/--no-rating", help="Keep the highest rating."),
    selections: bool = typer.Option(
        True, "--selections/--no-selections", help="Join the others' selections."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Settle a duplicate group in the catalog: merge into KEEPER, tag the others.

    No file is deleted, moved or rewritten; `curata undo-resolve ID` takes it back."""
    result = open_curata(ctx).resolve_duplicates(
        {"keeper": keeper, "others": others, "merge_tags": tags, "merge_rating": rating,
         "merge_selections": selections}
    )  # fmt: skip
    emit(result.data, as_json, _render_resolution)


@app.command("undo-resolve")
@handle_errors
def undo_resolve(
    ctx: typer.Context,
    resolution_id: int = typer.Argument(..., help="The id resolve-dupes printed."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Take back one resolve-dupes: its tags and selection items, and the rating."""
    emit(
        open_curata(ctx).undo_duplicate_resolution({"resolution_id": resolution_id}).data,
        as_json,
        _render_resolution,
    )

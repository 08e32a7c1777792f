"""Tools over the catalog itself: assets, tags, ratings, statistics, scanning."""

from __future__ import annotations

from pydantic import Field

from curata.interface import Curata
from curata.mcp.tools import CurataTool, Report, Throttled
from curata.models import (
    AssetDetail,
    CatalogStats,
    RateRequest,
    Response,
    ScanProgress,
    ScanRequest,
    ScanSummary,
    StrictModel,
    TagRequest,
    TagUpdateResult,
)
from curata.models.transport import AssetRef


class TagArguments(TagRequest):
    remove: bool = Field(False, description="Remove these tags instead of adding them.")


class NoArguments(StrictModel):
    pass


def _tag(cur: Curata, args: TagArguments, _report: Report) -> Response[TagUpdateResult]:
    return cur.tag_assets(args.model_dump(exclude={"remove"}), remove=args.remove)


def _scan(cur: Curata, args: ScanRequest, report: Report) -> Response[ScanSummary]:
    send = Throttled(report)
    phase = ""

    def progress(event: ScanProgress) -> None:
        nonlocal phase
        changed, phase = event.phase != phase, event.phase
        total = float(event.files_total) if event.files_total is not None else None
        send(float(event.files_done), total, event.phase, changed)

    return cur.scan(args.paths, args.project, progress, include_hidden=args.include_hidden)


TOOLS = (
    CurataTool(
        name="get_asset",
        title="Get one asset",
        description=(
            "Everything the catalog knows about one asset: path and every location of the "
            "file, media type, format, size, dimensions, tags, quality rating, AI source, "
            "generation metadata (prompt, model, seed, ...) and perceptual hashes. Use it "
            "after a search to inspect a result in detail."
        ),
        arguments=AssetRef,
        result=AssetDetail,
        run=lambda cur, args, _r: cur.get_asset(args.asset),
    ),
    CurataTool(
        name="tag_assets",
        title="Tag assets",
        description=(
            "Add tags to assets, or remove them with remove=true. A tag is a simple word "
            "('portrait') or a key:value pair ('style:cyberpunk', 'mood:dark'); tags are "
            "case-insensitive. All assets are changed or none (an unknown asset changes "
            "nothing). Returns the asset hashes and how many tags were added or removed."
        ),
        arguments=TagArguments,
        result=TagUpdateResult,
        run=_tag,
        read_only=False,
    ),
    CurataTool(
        name="rate_assets",
        title="Rate assets",
        description=(
            "Set the quality rating (0-5, 5 best) of one or more assets. Returns their "
            "content hashes. Searches can then filter and sort on quality_rating."
        ),
        arguments=RateRequest,
        result=list[str],
        run=lambda cur, args, _r: cur.rate_assets(args),
        read_only=False,
    ),
    CurataTool(
        name="catalog_stats",
        title="Catalog statistics",
        description=(
            "An overview of the whole catalog: number of assets and bytes, counts by media "
            "type, file format, AI source, model and project, the most used tags, and how "
            "many files could not be read. Call it first to learn what tags, sources and "
            "projects exist before building a search."
        ),
        arguments=NoArguments,
        result=CatalogStats,
        run=lambda cur, _args, _r: cur.stats(),
    ),
    CurataTool(
        name="scan",
        title="Scan folders",
        description=(
            "Catalog the files below the given folders (or single files) on this machine: "
            "images, video, audio and documents, with their generation metadata. Unchanged "
            "files are skipped, so scanning again is cheap. Reports progress while it "
            "runs and returns a summary (new, changed, unchanged, moved, missing, failed). "
            "curata never modifies the files."
        ),
        arguments=ScanRequest,
        result=ScanSummary,
        run=_scan,
        read_only=False,
    ),
)

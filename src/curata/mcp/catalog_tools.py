"""The tools written by hand (every other tool is an operation of :mod:`curata.operations`):
``tag_assets`` adds or, with ``remove``, removes tags; ``scan`` reports its progress."""

from __future__ import annotations

from pydantic import Field

from curata.interface import Curata
from curata.mcp.tools import CurataTool, Report, Throttled
from curata.models import (
    Response,
    ScanProgress,
    ScanRequest,
    ScanSummary,
    TagRequest,
    TagUpdateResult,
)


class TagArguments(TagRequest):
    remove: bool = Field(False, description="Remove these tags instead of adding them.")


def _tag(cur: Curata, args: TagArguments, _report: Report) -> Response[TagUpdateResult]:
    request = TagRequest(assets=args.assets, tags=args.tags)
    return cur.untag_assets(request) if args.remove else cur.tag_assets(request)


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
        name="tag_assets",
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
        name="scan",
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

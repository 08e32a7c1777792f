"""Tools for visually similar assets and duplicates."""

from __future__ import annotations

from curata.mcp.tools import CurataTool
from curata.models.similarity import DuplicatesResult, SimilarResult
from curata.models.transport import DuplicatesQuery, SimilarQuery

TOOLS = (
    CurataTool(
        name="find_similar",
        title="Find similar assets",
        description=(
            "Assets that look like a target, by perceptual hash. target: a content hash "
            "(or unique prefix), a cataloged file path, an image file on this machine, or "
            "'phash:' + 16 hex digits. threshold: Hamming distance 0-64, inclusive "
            "(default 10; about 6 for near-identical, 12-16 for loosely similar). "
            "invariant=true also matches mirrored and rotated copies. filters (the "
            "search_assets filters) restricts the candidates, e.g. one project or "
            "quality_rating >= 3. Each result has the asset, distance, similarity (1 - "
            "distance/64) and which orientation matched."
        ),
        arguments=SimilarQuery,
        result=SimilarResult,
        run=lambda cur, args, _r: cur.find_similar(
            args.model_dump(exclude={"filters"}), filters=args.filters
        ),
    ),
    CurataTool(
        name="find_duplicates",
        title="Find duplicates",
        description=(
            "Groups of exact copies (one file at several paths) and of near-duplicates "
            "(perceptual hashes within threshold bits), largest group first, each with a "
            "suggested keeper and why (higher resolution, then rating, then file size, "
            "then earliest). exact=true lists only exact copies; filters restricts the "
            "assets considered. curata never deletes anything: report the groups to the "
            "user."
        ),
        arguments=DuplicatesQuery,
        result=DuplicatesResult,
        run=lambda cur, args, _r: cur.find_duplicates(
            args.model_dump(exclude={"filters"}), filters=args.filters
        ),
    ),
)

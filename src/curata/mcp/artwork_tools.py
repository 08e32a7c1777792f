"""The artwork tool: the best poster, fanart, logo, ... among providers' candidates."""

from __future__ import annotations

from curata.mcp.tools import CurataTool
from curata.models.autoselect import AutoSelectResult, SelectRequest

TOOLS = (
    CurataTool(
        name="select_best_artwork",
        title="Pick the best artwork",
        description=(
            "Choose the best artwork per asset type (poster, fanart, clearlogo, banner, "
            "landscape, clearart, discart, ...) among candidates from several providers. "
            "provider_results: {provider name (tmdb, fanart_tv, tvdb, theaudiodb, "
            "musicbrainz, local): [candidates]}, each candidate {url, asset_type, width, "
            "height, language (ISO 639-1), votes, vote_average, quality sd/hd/4k, "
            "file_size, perceptual_hash, metadata}. media_type: movie, tv or music. "
            "preferred_language (default en); policy: spec (the specification's rules "
            "only), kodi (adds minimum sizes, fallback language en, textless fanart, the "
            "original_language first) or custom, default the stored one; any of "
            "min_resolution, fallback_languages, prefer_textless, prefer_original_language "
            "overrides it (reported as custom). existing_assets the user already has "
            "(duplicates are skipped); locked_asset_types are never replaced. Returns the "
            "policy and per asset type the winner with tier (1 best: preferred language and "
            "HD), score, a reason and the rule that decided, the ranked runners-up, and the "
            "skipped candidates. Uses the stored provider priorities."
        ),
        arguments=SelectRequest,
        result=AutoSelectResult,
        run=lambda cur, args, _r: cur.select_best_assets(args),
    ),
)

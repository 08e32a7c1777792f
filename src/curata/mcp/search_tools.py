"""Tools for structured search and saved searches."""

from __future__ import annotations

from curata.mcp.tools import CurataTool
from curata.models.fields import describe
from curata.models.search import SavedSearch, SavedSearchRequest, SearchRequest, SearchResponse
from curata.models.transport import RunSavedSearchRequest

TOOLS = (
    CurataTool(
        name="search_assets",
        title="Search assets",
        description=(
            "Structured search over the catalog. Arguments are the search API's request: "
            "filters (all combined with AND): media_type; file_formats; "
            + describe()
            + "; tags (all of), any_tags (any of), exclude_tags (none of) where "
            "'portrait' matches that tag and any pair with that value and 'style:noir' "
            "matches the pair exactly; tag_values {key: value or [values]}; tag_ranges "
            "{key: {min, max}} for numeric pair values; tag_patterns {key: regex}; "
            "ai_source (e.g. comfyui, automatic1111); project; content_hash; has_metadata "
            "(keys such as prompt, seed, cfg_scale); "
            "filename_pattern (regex); prompt_keywords (all words in the prompt). "
            "sort_by: created_date, modified_date, discovered_date, quality_rating, "
            "file_size, filename, width, height; order: asc/desc; limit (default 50, max "
            "1000); offset. Returns total_count, results (assets), facets of the whole "
            "result set (tags, ai_sources, quality_ratings, media_types, projects, "
            "file_formats) and query_time_ms. Translate the user's words into these "
            "fields; never pass free text."
        ),
        arguments=SearchRequest,
        result=SearchResponse,
        run=lambda cur, args, _r: cur.search_assets(args),
    ),
    CurataTool(
        name="save_search",
        title="Save a search",
        description=(
            "Store a search request under a name (a 'smart album'), in a project or "
            "globally, to run it again later with run_saved_search. The request field "
            "takes the same shape as the search_assets arguments."
        ),
        arguments=SavedSearchRequest,
        result=SavedSearch,
        run=lambda cur, args, _r: cur.save_search(args),
        read_only=False,
    ),
    CurataTool(
        name="run_saved_search",
        title="Run a saved search",
        description=(
            "Run a saved search by name (and project, if it belongs to one) against the "
            "catalog as it is now; limit and offset page through the results. Returns "
            "the same result as search_assets."
        ),
        arguments=RunSavedSearchRequest,
        result=SearchResponse,
        run=lambda cur, args, _r: cur.run_saved_search(
            args.name, args.project, limit=args.limit, offset=args.offset
        ),
    ),
)

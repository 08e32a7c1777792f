"""One registry of curata's operations: the HTTP routes and the MCP tools derive from it.

Each :class:`Operation` names a :class:`curata.Curata` method, its one request model, the
model of its result (``Response[result]``'s ``data``), its HTTP method and path, whether
it is read-only or destructive, and a summary. What it does, its arguments and their
limits are written once: in the method's docstring and in the request model's
``Field(description=...)``; OpenAPI, the MCP tool schemas and ``docs/api.md``'s tables
(``scripts/api_tables.py``) read them from there.

A method takes either ``request`` (the model, or a dict of its shape) or keywords that
are the request model's fields (``get_selection(project_id, selection_id)`` and
:class:`~curata.models.transport.SelectionRef`); :meth:`Operation.call` calls both, and
``tests/test_operations.py`` checks that each method and its model agree.

Over HTTP a GET or DELETE, and an operation whose path has parameters, takes the
request's fields as path and query parameters; any other takes the model as its JSON
body. ``http_request`` and ``tool_request`` narrow the model for one transport (over
HTTP a similarity target is never a file path on the server; the MCP tools of list
operations answer a page of compact items and a cursor, :mod:`curata.models.tool_pages`).

Hand-written, because they are not one request and one JSON answer:
- HTTP: ``GET /assets/{hash}/file`` and ``/thumbnail`` (file downloads),
  ``/projects/.../exports/{export_id}/files/{name}`` (export documents), ``/scans``
  (background jobs with progress and their event streams), ``GET /events`` (server-sent
  events), ``/bulk`` (the web page's undoable bulk actions), ``/`` and ``/docs``.
- MCP: ``scan`` (reports progress) and ``tag_assets`` (adds or, with ``remove``,
  removes tags: one tool for two operations); resources (``curata.mcp.resources``).
- ``Curata.scan`` and ``Curata.watch`` (long-running, with callbacks) are operations of
  the CLI, ``POST /scans``, ``curata serve --watch`` and the MCP ``scan`` tool.
- The CLI (``curata.cli``) is written for people; ``tests/cli/test_parity.py`` checks
  that every operation is one of its commands.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, get_origin

from pydantic import BaseModel

from curata.interface import Curata
from curata.models import (
    AssetDetail,
    CatalogStats,
    HistoryEntry,
    IngestErrorRecord,
    Project,
    ProjectCreateRequest,
    ProjectListRequest,
    ProjectUpdateRequest,
    RateRequest,
    Response,
    Selection,
    SelectionChange,
    SelectionCreateRequest,
    SelectionExportRequest,
    SelectionExportResult,
    SelectionHistoryRequest,
    SelectionListRequest,
    SelectionMembership,
    SelectionStats,
    SelectionSummary,
    SelectionUpdateRequest,
    SimilarToSelection,
    SimilarToSelectionRequest,
    TagRequest,
    TagUpdateResult,
    fields,
)
from curata.models.assets import IngestErrorsRequest
from curata.models.autoselect import (
    AssetScore,
    AutoSelectResult,
    FetchRequest,
    FetchResult,
    LockRequest,
    LockState,
    PolicyRequest,
    PriorityResetRequest,
    PriorityTable,
    ProviderPriority,
    ScoreRequest,
    SelectionPolicy,
    SelectRequest,
    StrategyInfo,
)
from curata.models.scan import ScanRoot
from curata.models.search import (
    SavedSearch,
    SavedSearchRequest,
    SavedSearchUpdate,
    SearchRequest,
    SearchResponse,
)
from curata.models.similarity import (
    DuplicatesResult,
    ResolveRequest,
    ResolveResult,
    SimilarResult,
    SimilarVideosRequest,
    SimilarVideosResult,
    UndoResolveRequest,
)
from curata.models.tool_pages import paged
from curata.models.transport import (
    AssetHashRef,
    AssetRef,
    DuplicatesQuery,
    NoArguments,
    PriorityQuery,
    ProjectArchiveRequest,
    ProjectRef,
    RunSavedSearchRequest,
    SavedSearchList,
    SavedSearchRef,
    SelectionRef,
    SimilarHttpQuery,
    SimilarQuery,
    SimilarVideosHttpQuery,
    StrategyRequest,
)

SELECTION = "/projects/{project_id}/selections/{selection_id}"


def search_fields() -> str:
    return f"The numeric and date filters: {fields.describe()}."


@dataclass(frozen=True)
class Operation:
    """One ``Curata`` operation and how the transports offer it."""

    name: str  #: the ``Curata`` method
    request: type[BaseModel]
    result: Any  #: the type of ``Response.data``
    http: str  #: ``"METHOD /path"``
    summary: str
    area: str  #: the OpenAPI tag and the section of docs/api.md
    read_only: bool = True
    destructive: bool = False
    idempotent: bool = True
    status: int = 200
    errors: tuple[int, ...] = (422,)
    tool: str | None = None  #: the MCP tool's name; None: not an MCP tool
    http_request: type[BaseModel] | None = None
    tool_request: type[BaseModel] | None = None
    #: more of the description, made from another registry (the search fields)
    details: Callable[[], str] | None = None

    @property
    def http_method(self) -> str:
        return self.http.split(" ", 1)[0]

    @property
    def path(self) -> str:
        return self.http.split(" ", 1)[1]

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"{(\w+)}", self.path)

    @property
    def has_body(self) -> bool:
        return self.http_method in ("POST", "PUT", "PATCH") and not self.path_params

    @cached_property
    def method(self) -> Callable[..., Response[Any]]:
        return getattr(Curata, self.name)

    @cached_property
    def takes_request(self) -> bool:
        """True when the method takes ``request``; else the model's fields as keywords."""
        params = list(inspect.signature(self.method).parameters.values())[1:2]
        return any(p.name == "request" and p.kind is not p.VAR_KEYWORD for p in params)

    @cached_property
    def description(self) -> str:
        """The method's docstring up to its ``Args:``/``Raises:``, as one paragraph."""
        doc = inspect.getdoc(self.method) or ""
        text = re.split(r"\n\s*(?:Args|Raises|Returns):", doc, maxsplit=1)[0]
        more = f" {self.details()}" if self.details else ""
        return " ".join(text.split()) + more

    def call(self, curata: Curata, request: BaseModel) -> Response[Any]:
        """``curata``'s method with ``request`` (a validated model of this operation)."""
        method = getattr(curata, self.name)
        if self.takes_request:
            return method(request)
        return method(**{f: getattr(request, f) for f in self.request.model_fields})


OPERATIONS: tuple[Operation, ...] = (
    # --- search
    Operation(
        "search_assets", SearchRequest, SearchResponse, "POST /search", "Structured search",
        "search", tool="search_assets", details=search_fields,
        tool_request=paged(SearchRequest, asset="", facets=False),
    ),
    Operation(
        "list_saved_searches", SavedSearchList, list[SavedSearch], "GET /saved-searches",
        "Saved searches", "search", errors=(404, 422),
    ),
    Operation(
        "save_search", SavedSearchRequest, SavedSearch, "POST /saved-searches",
        "Save a search under a name", "search", read_only=False, errors=(404, 409, 422),
        tool="save_search",
    ),
    Operation(
        "update_saved_search", SavedSearchUpdate, SavedSearch, "PATCH /saved-searches",
        "Rename a saved search or change its request", "search", read_only=False,
        errors=(404, 409, 422),
    ),
    Operation(
        "delete_saved_search", SavedSearchRef, str, "DELETE /saved-searches",
        "Delete a saved search", "search", read_only=False, destructive=True,
        errors=(404, 422),
    ),
    Operation(
        "run_saved_search", RunSavedSearchRequest, SearchResponse, "POST /saved-searches/run",
        "Run a saved search", "search", errors=(404, 422), tool="run_saved_search",
        tool_request=paged(RunSavedSearchRequest, asset=""),
    ),
    # --- assets
    Operation(
        "get_asset", AssetRef, AssetDetail, "GET /assets/{hash}",
        "Everything known about one asset", "assets", errors=(404, 422), tool="get_asset",
        http_request=AssetHashRef,
    ),
    Operation(
        "tag_assets", TagRequest, TagUpdateResult, "POST /assets/tags", "Add tags to assets",
        "assets", read_only=False, errors=(404, 422),
    ),
    Operation(
        "untag_assets", TagRequest, TagUpdateResult, "POST /assets/tags/remove",
        "Remove tags from assets", "assets", read_only=False, errors=(404, 422),
    ),
    Operation(
        "rate_assets", RateRequest, list[str], "POST /assets/rating",
        "Set the quality rating (0-5) of assets", "assets", read_only=False,
        errors=(404, 422), tool="rate_assets",
    ),
    # --- similarity
    Operation(
        "find_similar", SimilarQuery, SimilarResult, "POST /similar",
        "Assets visually similar to one asset or pHash", "similarity", errors=(404, 422),
        tool="find_similar", http_request=SimilarHttpQuery,
        tool_request=paged(SimilarQuery, asset="asset"),
    ),
    Operation(
        "find_similar_videos", SimilarVideosRequest, SimilarVideosResult, "POST /similar/videos",
        "Videos that are copies or trims of a video, or that hold a frame like an image",
        "similarity", errors=(403, 404, 422), tool="find_similar_videos",
        http_request=SimilarVideosHttpQuery,
    ),
    Operation(
        "find_duplicates", DuplicatesQuery, DuplicatesResult, "POST /duplicates",
        "Duplicate groups in tiers, each with its keeper", "similarity",
        tool="find_duplicates", tool_request=paged(DuplicatesQuery, items="groups"),
    ),
    Operation(
        "resolve_duplicates", ResolveRequest, ResolveResult, "POST /duplicates/resolve",
        "Settle a duplicate group: merge into the keeper, tag the others", "similarity",
        read_only=False, idempotent=False, errors=(404, 422), tool="resolve_duplicates",
    ),
    Operation(
        "undo_duplicate_resolution", UndoResolveRequest, ResolveResult,
        "POST /duplicates/undo", "Take back a duplicate resolution", "similarity",
        read_only=False, idempotent=False, errors=(404, 409, 422),
        tool="undo_duplicate_resolution",
    ),
    # --- projects
    Operation(
        "create_project", ProjectCreateRequest, Project, "POST /projects", "Create a project",
        "projects", read_only=False, idempotent=False, status=201, errors=(409, 422),
        tool="create_project",
    ),
    Operation(
        "list_projects", ProjectListRequest, list[Project], "GET /projects",
        "Projects with their spend", "projects", tool="list_projects",
    ),
    Operation(
        "get_project", ProjectRef, Project, "GET /projects/{project_id}", "One project",
        "projects", errors=(404, 422),
    ),
    Operation(
        "update_project", ProjectUpdateRequest, Project, "PATCH /projects",
        "Change a project's name, description or budget", "projects", read_only=False,
        errors=(404, 422),
    ),
    Operation(
        "archive_project", ProjectArchiveRequest, Project,
        "POST /projects/{project_id}/archive", "Archive a project, or restore it",
        "projects", read_only=False, errors=(404, 409, 422),
    ),
    # --- selections
    Operation(
        "list_selections", SelectionListRequest, list[SelectionSummary], "GET /selections",
        "Selections, optionally of one project, status or purpose", "selections",
        errors=(404, 422), tool="list_selections",
        tool_request=paged(SelectionListRequest, items=""),
    ),
    Operation(
        "create_selection", SelectionCreateRequest, Selection, "POST /selections",
        "Create a selection in a project", "selections", read_only=False, idempotent=False,
        status=201, errors=(404, 409, 422), tool="create_selection",
    ),
    Operation(
        "update_selection", SelectionUpdateRequest, SelectionChange, "PATCH /selections",
        "Change a selection (one action)", "selections", read_only=False, idempotent=False,
        errors=(404, 409, 422), tool="update_selection",
    ),
    Operation(
        "get_selection", SelectionRef, Selection, f"GET {SELECTION}",
        "A selection with its items, groups and exports", "selections", errors=(404, 422),
        tool="get_selection",
    ),
    Operation(
        "selection_history", SelectionHistoryRequest, list[HistoryEntry],
        f"GET {SELECTION}/history", "A selection's history, oldest first", "selections",
        errors=(404, 422),
    ),
    Operation(
        "selection_stats", SelectionRef, SelectionStats, f"GET {SELECTION}/stats",
        "Item count, roles, tags, groups and exports of a selection", "selections",
        errors=(404, 422),
    ),
    Operation(
        "selections_containing", AssetRef, list[SelectionMembership],
        "GET /assets/{hash}/selections", "The selections that hold an asset", "selections",
        errors=(404, 422), http_request=AssetHashRef,
    ),
    Operation(
        "find_similar_to_selection", SimilarToSelectionRequest, SimilarToSelection,
        "POST /selections/similar", "Assets similar to a selection's items", "selections",
        errors=(404, 422), tool="find_similar_to_selection",
        tool_request=paged(SimilarToSelectionRequest, asset="asset"),
    ),
    Operation(
        "export_selection", SelectionExportRequest, SelectionExportResult,
        "POST /selections/export", "Export a selection to a folder on the server",
        "selections", read_only=False, idempotent=False, errors=(403, 404, 409, 422, 507),
        tool="export_selection",
    ),
    # --- artwork
    Operation(
        "select_best_assets", SelectRequest, AutoSelectResult, "POST /artwork/select",
        "Pick the best artwork per asset type", "artwork", tool="select_best_artwork",
    ),
    Operation(
        "score_asset", ScoreRequest, AssetScore, "POST /artwork/score", "Score one candidate",
        "artwork",
    ),
    Operation(
        "get_policy", NoArguments, SelectionPolicy, "GET /artwork/policy",
        "The stored selection policy", "artwork", errors=(),
    ),
    Operation(
        "set_policy", PolicyRequest, SelectionPolicy, "PUT /artwork/policy",
        "Store the selection policy", "artwork", read_only=False,
    ),
    Operation(
        "get_strategy", NoArguments, StrategyInfo, "GET /artwork/strategy",
        "Selection strategy", "artwork", errors=(),
    ),
    Operation(
        "set_strategy", StrategyRequest, StrategyInfo, "PUT /artwork/strategy",
        "Set the selection strategy", "artwork", read_only=False,
    ),
    Operation(
        "is_balanced", NoArguments, bool, "GET /artwork/strategy/balanced",
        "Whether the balanced strategy is in use", "artwork", errors=(),
    ),
    Operation(
        "get_priorities", PriorityQuery, PriorityTable, "GET /artwork/priorities",
        "Effective provider order per media type and asset type", "artwork",
    ),
    Operation(
        "set_priority", ProviderPriority, PriorityTable, "PUT /artwork/priorities",
        "Store a custom provider order", "artwork", read_only=False,
    ),
    Operation(
        "reset_priorities", PriorityResetRequest, PriorityTable,
        "POST /artwork/priorities/reset", "Remove custom provider orders", "artwork",
        read_only=False, destructive=True,
    ),
    Operation(
        "fetch_artwork", FetchRequest, FetchResult, "POST /artwork/fetch",
        "Download the best artwork for one item into its folder", "artwork",
        read_only=False, errors=(403, 404, 422, 502, 507),
    ),
    Operation(
        "lock_artwork", LockRequest, LockState, "POST /artwork/locks",
        "Lock or unlock asset types in an item folder", "artwork", read_only=False,
        errors=(403, 404, 422, 507),
    ),
    # --- catalog
    Operation(
        "stats", NoArguments, CatalogStats, "GET /stats", "Catalog statistics", "catalog",
        errors=(), tool="catalog_stats",
    ),
    Operation(
        "ingest_errors", IngestErrorsRequest, list[IngestErrorRecord], "GET /errors",
        "Files the scanner could not catalog", "catalog",
    ),
    Operation(
        "scan_roots", NoArguments, list[ScanRoot], "GET /scan-roots",
        "The folders and files scanned so far", "catalog", errors=(),
    ),
)  # fmt: skip

#: ``Curata`` methods that are not operations of this registry, and why.
NOT_OPERATIONS = {
    "close": "lifecycle",
    "confined": "lifecycle",
    "scan": "long-running with progress: POST /scans (server/jobs.py), the MCP scan tool",
    "watch": "runs until stopped: curata watch, curata serve --watch",
    "folders": "its path may be a path object, sent as JSON in the query: GET /folders "
    "(server/routes/folders.py)",
}

BY_NAME = {op.name: op for op in OPERATIONS}

AREAS = {
    "search": "Search",
    "assets": "Assets",
    "similarity": "Similarity and duplicates",
    "projects": "Projects",
    "selections": "Selections",
    "artwork": "Artwork (automatic best-asset selection)",
    "catalog": "Catalog",
}
DOC_START = "<!-- operations: start (generated: python -m curata.operations) -->"
DOC_END = "<!-- operations: end -->"


def _type_name(kind: Any) -> str:
    text = str(kind) if get_origin(kind) else kind.__name__
    return re.sub(r"\b[\w.]+\.", "", text)


def _endpoint(op: Operation) -> str:
    if op.has_body:
        return op.http
    model = op.http_request or op.request
    query = [f.alias or n for n, f in model.model_fields.items()]
    query = [q for q in query if q not in op.path_params]
    return op.http + ("?" + "&".join(f"{q}=" for q in query) if query else "")


def markdown_tables() -> str:
    """``docs/api.md``'s tables of the operations (one per area) and of their MCP tools."""
    lines = [DOC_START]
    for area, heading in AREAS.items():
        lines += ["", f"#### {heading}", "", "| endpoint | `Curata` method | request -> data | |"]
        lines.append("|---|---|---|---|")
        for op in (o for o in OPERATIONS if o.area == area):
            status = "" if op.status == 200 else f"; {op.status}"
            lines.append(
                f"| `{_endpoint(op)}` | `{op.name}` | `{_type_name(op.request)}` -> "
                f"`{_type_name(op.result)}` | {op.summary}{status} |"
            )
    lines += ["", "#### MCP tools", "", "| tool | `Curata` call | arguments | read-only |"]
    lines.append("|---|---|---|---|")
    for op in (o for o in OPERATIONS if o.tool):
        model = _type_name(op.tool_request or op.request)
        lines.append(
            f"| `{op.tool}` | `{op.name}` | `{model}` | {'yes' if op.read_only else 'no'} |"
        )
    return "\n".join([*lines, "", DOC_END])


def rewrite_doc(text: str) -> str:
    """``text`` with the generated tables between their markers replaced."""
    start, end = text.index(DOC_START), text.index(DOC_END) + len(DOC_END)
    return text[:start] + markdown_tables() + text[end:]


if __name__ == "__main__":
    import sys
    from pathlib import Path

    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/api.md")
    target.write_text(rewrite_doc(target.read_text(encoding="utf-8")), encoding="utf-8")

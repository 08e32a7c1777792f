"""Request models of the ``Curata`` methods that take their arguments as keywords.

Every operation of :mod:`curata.operations` has one request model; for a method such as
``get_selection(project_id, selection_id)`` it is the model here whose fields are the
method's parameters (a test checks that they agree). The HTTP API (path, query and body
parameters) and the MCP server (tool input schemas) are generated from these, so both
describe and validate the calls the same way.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from curata.models.autoselect import ArtMediaType, Strategy
from curata.models.common import MAX_OFFSET, StrictModel
from curata.models.paths import FsPath
from curata.models.search import MAX_LIMIT, SearchFilters
from curata.models.similarity import DuplicatesRequest, SimilarRequest, SimilarVideosRequest


class NoArguments(StrictModel):
    """An operation without arguments (``Curata.stats``, ``get_strategy``, ...)."""


class AssetRef(StrictModel):
    """Names one asset (``Curata.get_asset``, ``selections_containing``)."""

    asset: FsPath = Field(
        description="A content hash (64 hex digits), a unique prefix of one (6+ digits), "
        "or the path of a cataloged file."
    )


class AssetHashRef(StrictModel):
    """``AssetRef`` over HTTP: the ``{hash}`` of the path, never a file path."""

    asset: str = Field(
        alias="hash",
        pattern="^[0-9a-fA-F]{6,64}$",
        description="content hash (64 hex digits) or a unique prefix of at least 6",
        examples=["3fa2b1c9d0e1"],
    )


class SavedSearchList(StrictModel):
    """``Curata.list_saved_searches``."""

    project: str | None = Field(
        None, description="a project id or name: only its saved searches; omit for all"
    )


class SavedSearchRef(StrictModel):
    """Names one saved search (``Curata.delete_saved_search``)."""

    name: str = Field(min_length=1, description="the saved search's name")
    project: str | None = Field(None, description="its project (id or name); none: global")


class RunSavedSearchRequest(SavedSearchRef):
    """``Curata.run_saved_search``: the stored search, optionally another page of it."""

    limit: int | None = Field(
        None, ge=0, le=MAX_LIMIT, description="page size; default: the stored request's"
    )
    offset: int | None = Field(
        None, ge=0, le=MAX_OFFSET, description="default: the stored request's"
    )


class SimilarQuery(SimilarRequest):
    """``Curata.find_similar``: the target and options, and which assets may match."""

    filters: SearchFilters | None = Field(
        None, description="only assets matching these search filters are candidates"
    )


class DuplicatesQuery(DuplicatesRequest):
    """``Curata.find_duplicates``, restricted to the assets matching ``filters``."""

    filters: SearchFilters | None = Field(
        None, description="only assets matching these search filters are grouped"
    )


class ProjectRef(StrictModel):
    """Names one project (``Curata.get_project``)."""

    project_id: str = Field(min_length=1, description="the project's id (a slug)")


class ProjectArchiveRequest(ProjectRef):
    """``Curata.archive_project``."""

    restore: bool = Field(False, description="make an archived project active again")


class SelectionRef(StrictModel):
    """Names one selection (``Curata.get_selection``, ``selection_stats``)."""

    project_id: str = Field(min_length=1, description="the project's id (a slug)")
    selection_id: str = Field(min_length=1, description="the selection's id (a slug)")


class StrategyRequest(StrictModel):
    """``Curata.set_strategy``."""

    strategy: Strategy = Field(
        description="balanced: the built-in provider orders; custom: the stored orders"
    )


class PriorityQuery(StrictModel):
    """``Curata.get_priorities``."""

    media_type: ArtMediaType | None = Field(None, description="only this one; omit for all")


#: Over HTTP a similarity target is a cataloged asset or a raw pHash, never a file path
#: on the server (only cataloged files are read through the API).
HTTP_TARGET: dict[str, Any] = {
    "pattern": r"^([0-9a-fA-F]{6,64}|phash:[0-9a-fA-F]{16})$",
    "description": "a content hash (or a unique prefix of 6+ hex digits), or a raw pHash "
    "as 'phash:' and 16 hex digits",
    "examples": ["3fa2b1c9d0e1", "phash:9fee256238984d71"],
}


class SimilarHttpQuery(SimilarQuery):
    """``POST /similar`` over HTTP: the target is a cataloged asset or a raw pHash."""

    target: str = Field(**HTTP_TARGET)


class SimilarVideosHttpQuery(SimilarVideosRequest):
    """``POST /similar/videos`` over HTTP: the target is a cataloged asset or a raw pHash."""

    target: str = Field(**HTTP_TARGET)

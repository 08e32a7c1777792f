"""Argument models for the ``Curata`` methods that take plain arguments.

The HTTP API (request bodies) and the MCP server (tool input schemas) use these, so both
transports describe and validate those calls the same way; each model's fields are the
method's parameters, passed on unchanged.
"""

from __future__ import annotations

from pydantic import Field

from curata.models.autoselect import Strategy
from curata.models.common import MAX_OFFSET, StrictModel
from curata.models.paths import FsPath
from curata.models.search import MAX_LIMIT, SearchFilters
from curata.models.similarity import DuplicatesRequest, SimilarRequest


class AssetRef(StrictModel):
    """Names one asset (``Curata.get_asset``, ``selections_containing``)."""

    asset: FsPath = Field(
        description="A content hash (64 hex digits), a unique prefix of one (6+ digits), "
        "or the path of a cataloged file."
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


class SelectionRef(StrictModel):
    """Names one selection (``Curata.get_selection``, ``selection_stats``)."""

    project_id: str = Field(min_length=1, description="the project's id (a slug)")
    selection_id: str = Field(min_length=1, description="the selection's id (a slug)")


class StrategyRequest(StrictModel):
    """``Curata.set_strategy``."""

    strategy: Strategy = Field(
        description="balanced: the built-in provider orders; custom: the stored orders"
    )

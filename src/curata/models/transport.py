"""Argument models for the ``Curata`` methods that take plain arguments.

The HTTP API (request bodies) and the MCP server (tool input schemas) use these, so both
transports describe and validate those calls the same way; each model's fields are the
method's parameters, passed on unchanged.
"""

from __future__ import annotations

from pydantic import Field

from curata.models.autoselect import Strategy
from curata.models.common import StrictModel


class SelectionRef(StrictModel):
    """Names one selection (``Curata.get_selection``, ``selection_stats``)."""

    project_id: str = Field(min_length=1, description="the project's id (a slug)")
    selection_id: str = Field(min_length=1, description="the selection's id (a slug)")


class StrategyRequest(StrictModel):
    """``Curata.set_strategy``."""

    strategy: Strategy = Field(
        description="balanced: the built-in provider orders; custom: the stored orders"
    )

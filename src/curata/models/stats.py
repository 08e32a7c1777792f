"""Catalog statistics."""

from __future__ import annotations

from pydantic import Field

from curata.models.base import Record


class CountEntry(Record):
    name: str
    count: int


class CatalogStats(Record):
    assets: int = 0
    locations: int = 0
    missing_locations: int = 0
    total_bytes: int = 0
    by_media_type: list[CountEntry] = Field(default_factory=list)
    by_format: list[CountEntry] = Field(default_factory=list)
    by_ai_source: list[CountEntry] = Field(default_factory=list)
    by_model: list[CountEntry] = Field(default_factory=list)
    by_project: list[CountEntry] = Field(default_factory=list)
    top_tags: list[CountEntry] = Field(default_factory=list)
    errors: int = 0

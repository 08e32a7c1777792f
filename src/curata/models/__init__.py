"""Pydantic models: every request into and response out of :class:`curata.Curata`."""

from curata.models.assets import (
    Asset,
    AssetDetail,
    AssetLocation,
    Dimensions,
    IngestErrorRecord,
    MediaType,
    RateRequest,
    TagRequest,
    TagUpdateResult,
)
from curata.models.common import Response, StrictModel
from curata.models.scan import ScanProgress, ScanRequest, ScanSummary
from curata.models.stats import CatalogStats, CountEntry

__all__ = [
    "Asset",
    "AssetDetail",
    "AssetLocation",
    "CatalogStats",
    "CountEntry",
    "Dimensions",
    "IngestErrorRecord",
    "MediaType",
    "RateRequest",
    "Response",
    "ScanProgress",
    "ScanRequest",
    "ScanSummary",
    "StrictModel",
    "TagRequest",
    "TagUpdateResult",
]

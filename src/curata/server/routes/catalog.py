"""Catalog-wide views: statistics and the files a scan could not catalog."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from curata.models import CatalogStats, IngestErrorRecord, Response
from curata.models.assets import ErrorLevel
from curata.server.deps import CurataDep, EnvelopeResponse, envelope
from curata.server.errors import error_responses

router = APIRouter(tags=["catalog"])


@router.get("/stats", response_model=Response[CatalogStats], summary="Catalog statistics")
def stats(curata: CurataDep) -> EnvelopeResponse:
    """Counts by media type, format, AI source, model, project; top tags; totals."""
    return envelope(curata.stats())


@router.get(
    "/errors",
    response_model=Response[list[IngestErrorRecord]],
    responses=error_responses(422),
    summary="Files the scanner could not catalog",
)
def ingest_errors(
    curata: CurataDep,
    level: Annotated[
        ErrorLevel,
        Query(description="error: not cataloged; warning: cataloged with problems; all"),
    ] = ErrorLevel.ERROR,
) -> EnvelopeResponse:
    return envelope(curata.ingest_errors(level))

"""``Curata``: the one structured interface every transport calls.

A thin facade: each method validates its request into a pydantic model, makes one
service call, and wraps the result in a :class:`~curata.models.Response`. The logic
lives in the services (``ingest``, ``search``, ``selections``, ``similarity``,
``autoselect``); the SQL lives in ``catalog``.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from curata.autoselect import fetch as fetch_service
from curata.autoselect.service import AutoSelectService
from curata.catalog import Catalog, ingest_errors
from curata.catalog import assets as asset_store
from curata.catalog import tags as tag_store
from curata.catalog.stats import catalog_stats
from curata.config import resolve_database_url
from curata.errors import invalid_from_pydantic
from curata.ingest.scanner import BATCH_SIZE, ProgressCallback, Scanner
from curata.models import (
    AssetDetail,
    CatalogStats,
    IngestErrorRecord,
    RateRequest,
    Response,
    ScanSummary,
    TagRequest,
    TagUpdateResult,
)
from curata.models.autoselect import (
    AssetScore,
    AutoSelectResult,
    FetchRequest,
    FetchResult,
    LockRequest,
    LockState,
    PriorityResetRequest,
    PriorityTable,
    ProviderPriority,
    ScoreRequest,
    SelectRequest,
    Strategy,
    StrategyInfo,
)
from curata.models.similarity import (
    DEFAULT_THRESHOLD,
    DuplicatesRequest,
    DuplicatesResult,
    SimilarRequest,
    SimilarResult,
)
from curata.similarity import service as similarity_service

M = TypeVar("M", bound=BaseModel)


def parse_request(model: type[M], value: M | dict[str, Any], field: str = "") -> M:
    """Accept a model or a plain dict; a bad dict is an ``InvalidRequest`` naming the field."""
    if isinstance(value, model):
        return value
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        raise invalid_from_pydantic(exc, field) from None


class Curata:
    """A curata catalog. ``Curata()`` opens the default one (``$CURATA_DATABASE`` or
    ``$CURATA_HOME/catalog.db``); ``Curata(database=URL_OR_PATH)`` any other."""

    def __init__(self, database: str | os.PathLike[str] | None = None) -> None:
        self.catalog = Catalog(resolve_database_url(database))

    def close(self) -> None:
        self.catalog.close()

    def __enter__(self) -> Curata:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Curata({self.catalog!r})"

    # --- catalog and scanning -------------------------------------------------------

    def scan(
        self,
        paths: Sequence[str | os.PathLike[str]] | str | os.PathLike[str],
        project: str | None = None,
        progress: ProgressCallback | None = None,
        *,
        include_hidden: bool = False,
        workers: int | None = None,
        stop: threading.Event | None = None,
        batch_size: int = BATCH_SIZE,
    ) -> Response[ScanSummary]:
        """Catalog the files below ``paths``; unchanged files are not read again.

        Results are committed every ``batch_size`` files (or every second); ``stop``
        or Ctrl-C ends the scan after the current batch.
        """
        roots = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
        scanner = Scanner(
            self.catalog, workers=workers, progress=progress, stop=stop, batch_size=batch_size
        )
        summary = scanner.scan(
            [os.fspath(p) for p in roots], project=project, include_hidden=include_hidden
        )
        return Response.ok(summary, "scan interrupted" if summary.interrupted else "scan complete")

    def get_asset(self, hash_or_path: str) -> Response[AssetDetail]:
        """Everything known about one asset, by content hash, unique prefix, or path."""
        with self.catalog.read() as conn:
            return Response.ok(
                asset_store.load_detail(conn, asset_store.resolve(conn, hash_or_path))
            )

    def tag_assets(
        self, request: TagRequest | dict[str, Any], *, remove: bool = False
    ) -> Response[TagUpdateResult]:
        """Add (or with ``remove=True`` remove) tags on assets; all assets or none."""
        req = parse_request(TagRequest, request)
        with self.catalog.write() as conn:
            ids = asset_store.resolve_many(conn, req.assets)
            if remove:
                added, removed = 0, tag_store.remove_tags(conn, ids, req.tags)
            else:
                added, removed = tag_store.add_tags(conn, ids, req.tags), 0
            hashes = asset_store.hashes_of(conn, ids)
        return Response.ok(TagUpdateResult(assets=hashes, added=added, removed=removed))

    def rate_assets(self, request: RateRequest | dict[str, Any]) -> Response[list[str]]:
        """Set the quality rating (0-5) of assets; returns their hashes."""
        req = parse_request(RateRequest, request)
        with self.catalog.write() as conn:
            ids = asset_store.resolve_many(conn, req.assets)
            asset_store.set_rating(conn, ids, req.rating, time.time())
            return Response.ok(asset_store.hashes_of(conn, ids))

    def stats(self) -> Response[CatalogStats]:
        with self.catalog.read() as conn:
            return Response.ok(catalog_stats(conn))

    def ingest_errors(self, level: str | None = "error") -> Response[list[IngestErrorRecord]]:
        """Files the scanner could not catalog (``level="warning"``: cataloged with problems)."""
        with self.catalog.read() as conn:
            return Response.ok(ingest_errors.listing(conn, level))

    # --- similarity and duplicates --------------------------------------------------

    def find_similar(
        self,
        target: str | SimilarRequest | dict[str, Any],
        threshold: int = DEFAULT_THRESHOLD,
        limit: int = 50,
        filters: Any = None,
        invariant: bool = False,
    ) -> Response[SimilarResult]:
        """Assets whose pHash is within ``threshold`` bits (inclusive) of the target's:
        an asset (hash, prefix, path), an image file, or a raw ``phash:HEX``. ``filters``
        (a ``SearchFilters``) restricts the candidates; ``invariant`` also matches
        mirrored and 90/180/270-degree rotated copies."""
        value = (
            {"target": target, "threshold": threshold, "limit": limit, "invariant": invariant}
            if isinstance(target, str)
            else target
        )
        req = parse_request(SimilarRequest, value)
        result = similarity_service.find_similar(self.catalog, req, filters)
        return Response.ok(result, f"{result.total} similar asset(s)")

    def find_duplicates(
        self,
        threshold: int | DuplicatesRequest | dict[str, Any] = DEFAULT_THRESHOLD,
        filters: Any = None,
        exact: bool = False,
    ) -> Response[DuplicatesResult]:
        """Groups of exact copies and of near-duplicates (within ``threshold``), largest
        first, each with a suggested keeper. Nothing is deleted."""
        value = (
            {"threshold": threshold, "exact": exact} if isinstance(threshold, int) else threshold
        )
        req = parse_request(DuplicatesRequest, value)
        result = similarity_service.find_duplicates(self.catalog, req, filters)
        return Response.ok(result, f"{result.group_count} duplicate group(s)")

    # --- auto-selection (artwork) ---------------------------------------------------

    @property
    def _artwork(self) -> AutoSelectService:
        service = self.__dict__.get("_artwork_service")
        if service is None:
            service = self.__dict__["_artwork_service"] = AutoSelectService(self.catalog)
        return service

    def select_best_assets(
        self, request: SelectRequest | dict[str, Any]
    ) -> Response[AutoSelectResult]:
        """The best candidate per asset type (tier, votes, size, provider priority), with
        ranked runners-up and skipped candidates; uses the stored strategy/priorities."""
        result = self._artwork.select(parse_request(SelectRequest, request))
        won = sum(1 for r in result.results.values() if r.winner is not None)
        return Response.ok(result, f"{won} asset type(s) with a winner")

    def score_asset(self, request: ScoreRequest | dict[str, Any]) -> Response[AssetScore]:
        """One candidate's tier, display score and reason."""
        return Response.ok(self._artwork.score(parse_request(ScoreRequest, request)))

    def get_strategy(self) -> Response[StrategyInfo]:
        return Response.ok(self._artwork.get_strategy())

    def set_strategy(self, strategy: Strategy | str) -> Response[StrategyInfo]:
        """``balanced`` (the spec's default orders) or ``custom`` (stored orders)."""
        return Response.ok(self._artwork.set_strategy(strategy))

    def is_balanced(self) -> Response[bool]:
        return Response.ok(self._artwork.is_balanced())

    def get_priorities(self, media_type: str | None = None) -> Response[PriorityTable]:
        """The effective provider order per media type and asset type, and its source."""
        return Response.ok(self._artwork.priority_table(media_type))

    def set_priority(
        self, request: ProviderPriority | dict[str, Any]
    ) -> Response[PriorityTable]:
        """Store a custom order (and disabled providers); switches the strategy to custom."""
        return Response.ok(self._artwork.set_priority(parse_request(ProviderPriority, request)))

    def reset_priorities(
        self, request: PriorityResetRequest | dict[str, Any] | None = None
    ) -> Response[PriorityTable]:
        """Remove custom orders (all, or one media type's, or one asset type's)."""
        req = parse_request(PriorityResetRequest, request or {})
        return Response.ok(self._artwork.reset_priorities(req))

    def fetch_artwork(self, request: FetchRequest | dict[str, Any]) -> Response[FetchResult]:
        """Pick the best art for one item from the providers and download it into its
        folder under Kodi names; art already there and locked art are never replaced."""
        result = fetch_service.fetch_artwork(
            parse_request(FetchRequest, request), self._artwork.priorities()
        )
        done = sum(1 for i in result.items if i.action in ("downloaded", "replaced"))
        return Response.ok(result, f"{done} file(s) written")

    def lock_artwork(self, request: LockRequest | dict[str, Any]) -> Response[LockState]:
        """Lock (or unlock) asset types in an item folder: fetch never replaces them."""
        return Response.ok(fetch_service.set_locks(parse_request(LockRequest, request)))

"""``Curata``: the one structured interface every transport calls.

A thin facade: each method validates its request into a pydantic model, makes one
service call, and wraps the result in a :class:`~curata.models.Response`. The logic
lives in the services (``ingest``, ``search``, ``selections``, ``similarity``,
``autoselect``); the SQL lives in ``catalog``.
"""

from __future__ import annotations

import copy
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cached_property
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from curata import assets as asset_service
from curata.autoselect import fetch as fetch_service
from curata.autoselect.service import AutoSelectService
from curata.catalog import Catalog
from curata.config import Settings, resolve_database_url, sqlite_file
from curata.errors import Forbidden, NotFound, invalid_from_pydantic
from curata.ingest import watch as watch_service
from curata.ingest.scanner import BATCH_SIZE, ChangeCallback, ProgressCallback, Scanner
from curata.models import (
    AssetDetail,
    CatalogStats,
    HistoryEntry,
    IngestErrorRecord,
    Project,
    ProjectCreateRequest,
    ProjectListRequest,
    ProjectStatus,
    ProjectUpdateRequest,
    RateRequest,
    Response,
    ScanSummary,
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
)
from curata.models.assets import ErrorLevel, IngestErrorsRequest
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
    Strategy,
    StrategyInfo,
)
from curata.models.scan import ScanRoot
from curata.models.search import (
    FolderListing,
    FolderRequest,
    SavedSearch,
    SavedSearchRequest,
    SavedSearchUpdate,
    SearchRequest,
    SearchResponse,
)
from curata.models.similarity import (
    DEFAULT_THRESHOLD,
    DuplicatesResult,
    ResolveRequest,
    ResolveResult,
    SimilarResult,
    SimilarVideosRequest,
    SimilarVideosResult,
    UndoResolveRequest,
)
from curata.models.transport import AssetRef, DuplicatesQuery, SimilarQuery
from curata.roots import Confinement
from curata.search import engine as search_engine
from curata.search import folders as folder_browser
from curata.search import saved as saved_searches
from curata.selections import projects as project_service
from curata.selections import service as selection_service
from curata.selections import similar as similar_service
from curata.selections import update as selection_update
from curata.selections.export import intent as export_intent
from curata.selections.export import service as export_service
from curata.similarity import duplicates as duplicates_service
from curata.similarity import resolve as resolve_service
from curata.similarity import service as similarity_service
from curata.similarity import videos as video_service

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
    ``$CURATA_HOME/catalog.db``); ``Curata(database=URL_OR_PATH)`` any other. The
    environment and ``config.toml`` are read once, here (:class:`~curata.config.Settings`).

    Every method takes its request as a pydantic model or a plain dict of the same
    shape, and returns a :class:`~curata.models.Response` whose ``data`` is a pydantic
    model that also reads like a dict (``r["asset"]["file_path"]``, ``"similarity" in
    r``, ``r.get("role")``; see :class:`curata.models.base.Record`). Errors are
    :class:`~curata.errors.CurataError` subclasses: ``InvalidRequest`` (a bad value,
    naming the field), ``NotFound``, ``Conflict``, ``Forbidden`` (outside a confined
    client's roots), ``Busy``, ``InsufficientStorage``.
    """

    def __init__(
        self,
        database: str | os.PathLike[str] | None = None,
        *,
        confinement: Confinement | None = None,
        create: bool = True,
        settings: Settings | None = None,
    ) -> None:
        """Open (and migrate) the catalog ``database``: an SQLAlchemy URL or an SQLite
        file path. ``create=False`` refuses an SQLite file that does not exist
        (``NotFound``, field ``database``) instead of creating it; ``confinement``
        limits what the caller may scan, read and export (the servers' clients);
        ``settings`` replaces those read from the environment (``Settings.load()``)."""
        if settings is None:
            settings = Settings.load(database=database)
        elif database is not None:
            settings = replace(settings, database=resolve_database_url(database, settings.home))
        #: Paths, cache, provider settings: read once, passed down to the services.
        self.settings = settings
        url = settings.database
        path = sqlite_file(url)
        if not create and path is not None and not path.is_file():
            raise NotFound(
                f"no catalog at {path}; run `curata scan` to create one", field="database"
            )
        self.catalog = Catalog(url, cache_dir=settings.cache_dir)
        #: None for a trusted caller (Python, the CLI); the servers' clients get one.
        self.confinement = confinement
        export_intent.recover(self.catalog)  # settle an export a dead process left pending

    def confined(self, confinement: Confinement) -> Curata:
        """The same catalog, for clients that may reach only ``confinement``'s roots
        (the HTTP and MCP servers). Closing either closes the catalog.

        Args:
            confinement: the scan, read and export roots the clients are held to.
        """
        other = copy.copy(self)
        other.confinement = confinement
        return other

    def close(self) -> None:
        """Close the catalog's connections (``with Curata(...) as cur:`` does it at the end)."""
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
        follow_links: bool = False,
        workers: int | None = None,
        stop: threading.Event | None = None,
        batch_size: int = BATCH_SIZE,
        on_change: ChangeCallback | None = None,
    ) -> Response[ScanSummary]:
        """Catalog the files below ``paths``; unchanged files are not read again.

        Symbolic links are followed only when they lead to a place inside ``paths``.
        Results are committed every ``batch_size`` files (or every second); ``stop`` or
        Ctrl-C ends the scan after the current batch, and the same scan again continues.
        Works from scripts without a ``__main__`` guard, notebooks and the REPL.

        Args:
            paths: files or folders (one path or a list).
            project: file the new assets under this project (created when missing).
            progress: called with a :class:`~curata.models.ScanProgress` as work advances.
            include_hidden: also walk hidden folders and files (``.git``, ``@eaDir``...).
            follow_links: follow every symbolic link, also out of ``paths``.
            workers: reader processes (default: all cores).
            stop: a ``threading.Event`` that ends the scan after the current batch.
            batch_size: files per committed batch.
            on_change: gets what each batch changed (``CatalogChange``: new, changed,
                moved, missing and failed files).

        Raises:
            Forbidden: a confined client's ``paths`` outside its scan roots, or ``follow_links``.
            InvalidRequest: a path that does not exist.
        """
        roots = self._scan_roots(paths, follow_links)
        scanner = Scanner(
            self.catalog,
            workers=workers,
            progress=progress,
            stop=stop,
            batch_size=batch_size,
            on_change=on_change,
        )
        summary = scanner.scan(
            roots, project=project, include_hidden=include_hidden, follow_links=follow_links
        )
        return Response.ok(summary, "scan interrupted" if summary.interrupted else "scan complete")

    def watch(
        self,
        paths: Sequence[str | os.PathLike[str]] | str | os.PathLike[str],
        project: str | None = None,
        progress: ProgressCallback | None = None,
        *,
        include_hidden: bool = False,
        follow_links: bool = False,
        workers: int | None = None,
        stop: threading.Event | None = None,
        on_change: ChangeCallback | None = None,
        on_batch: Callable[[ScanSummary], None] | None = None,
    ) -> Response[ScanSummary]:
        """Scan ``paths``, then keep the catalog in step with them until ``stop`` is set
        (or Ctrl-C): files written below them are cataloged once complete, deleted ones
        marked missing, renamed ones moved (see :mod:`curata.ingest.watch`). The same
        rules as :meth:`scan`; the result sums the batches' summaries.

        Args:
            paths: files or folders (one path or a list).
            project: file the new assets under this project (created when missing).
            progress: called with a :class:`~curata.models.ScanProgress` as work advances.
            include_hidden: also walk hidden folders and files.
            follow_links: follow every symbolic link, also out of ``paths``.
            workers: reader processes (default: all cores).
            stop: a ``threading.Event`` that ends the watch after the current batch.
            on_change: gets what each batch changed (a ``CatalogChange``).
            on_batch: gets each batch's :class:`~curata.models.ScanSummary`.

        Raises:
            Forbidden: a confined client's ``paths`` outside its scan roots, or ``follow_links``.
            InvalidRequest: a path that does not exist.
        """
        summary = watch_service.watch(
            self.catalog,
            self._scan_roots(paths, follow_links),
            project=project,
            include_hidden=include_hidden,
            follow_links=follow_links,
            workers=workers,
            stop=stop,
            progress=progress,
            on_change=on_change,
            on_batch=on_batch,
        )
        return Response.ok(summary, "watch stopped")

    def _scan_roots(
        self, paths: Sequence[str | os.PathLike[str]] | str | os.PathLike[str], follow_links: bool
    ) -> list[str]:
        """``paths`` as strings, once a confined facade checked they lie in its roots."""
        roots = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
        if self.confinement is not None:
            if follow_links:
                raise Forbidden(
                    "a server's clients cannot follow links out of its scan roots",
                    field="follow_links",
                )
            for root in roots:
                self.confinement.check_scan(root, "paths")
        return [os.fspath(p) for p in roots]

    def scan_roots(self) -> Response[list[ScanRoot]]:
        """The folders and files scanned so far, resolved (``follow_links`` as last used)."""
        return Response.ok(asset_service.scan_roots(self.catalog))

    def get_asset(self, asset: str | dict[str, str]) -> Response[AssetDetail]:
        """Everything the catalog knows about one asset: path and every location of the
        file, media type, format, size, dimensions, tags, quality rating, AI source,
        generation metadata (prompt, model, seed, ...), notes and perceptual hashes.

        Args:
            asset: a content hash, a unique prefix of one (6+ hex digits), or a
                cataloged path (either JSON form of a path, :mod:`curata.models.paths`).

        Raises:
            NotFound: no such asset. InvalidRequest: an ambiguous prefix.
        """
        ref = parse_request(AssetRef, {"asset": asset}).asset
        return Response.ok(asset_service.get_asset(self.catalog, ref))

    def tag_assets(self, request: TagRequest | dict[str, Any]) -> Response[TagUpdateResult]:
        """Add tags to assets: a simple word (``portrait``) or a ``key:value`` pair
        (``style:cyberpunk``); tags are case-insensitive. All assets are changed or none
        (an unknown asset changes nothing). Returns the hashes and the tags added.

        Args:
            request: a :class:`~curata.models.TagRequest` (``{"assets": [...], "tags": [...]}``).

        Raises:
            InvalidRequest: a bad tag or too many (field ``tags``). NotFound: an unknown asset.
        """
        req = parse_request(TagRequest, request)
        return Response.ok(asset_service.tag_assets(self.catalog, req))

    def untag_assets(self, request: TagRequest | dict[str, Any]) -> Response[TagUpdateResult]:
        """Remove tags from assets (the same tags as :meth:`tag_assets`); all assets or none.

        Args:
            request: a :class:`~curata.models.TagRequest` (``{"assets": [...], "tags": [...]}``).

        Raises:
            InvalidRequest: a bad tag or too many (field ``tags``). NotFound: an unknown asset.
        """
        req = parse_request(TagRequest, request)
        return Response.ok(asset_service.tag_assets(self.catalog, req, remove=True))

    def rate_assets(self, request: RateRequest | dict[str, Any]) -> Response[list[str]]:
        """Set the quality rating (0-5, 5 best; ``null`` clears it) of one or more assets;
        returns their content hashes. Searches filter and sort on ``quality_rating``.

        Args:
            request: a :class:`~curata.models.RateRequest` (``{"assets": [...], "rating": 4}``).

        Raises:
            InvalidRequest: a rating outside 0-5 (field ``rating``). NotFound: an unknown asset.
        """
        req = parse_request(RateRequest, request)
        return Response.ok(asset_service.rate_assets(self.catalog, req))

    def stats(self) -> Response[CatalogStats]:
        """An overview of the whole catalog: the number of assets and bytes, counts by
        media type, file format, AI source, model and project, the most used tags, and
        how many files could not be read. The tags, sources and projects to search by."""
        return Response.ok(asset_service.stats(self.catalog))

    def ingest_errors(
        self, level: ErrorLevel | str | None = ErrorLevel.ERROR
    ) -> Response[list[IngestErrorRecord]]:
        """Files the scanner could not catalog, by path.

        Args:
            level: ``"error"`` (not cataloged, the default), ``"warning"`` (cataloged
                with problems, e.g. unreadable metadata) or ``"all"`` (``None``: all).

        Raises:
            InvalidRequest: an unknown level (field ``level``).
        """
        wanted = parse_request(IngestErrorsRequest, {"level": level or ErrorLevel.ALL}).level
        return Response.ok(asset_service.errors(self.catalog, wanted))

    # --- search ---------------------------------------------------------------------

    def search_assets(self, request: SearchRequest | dict[str, Any]) -> Response[SearchResponse]:
        """Structured search over the catalog (spec ``search_assets``). ``filters`` are all
        combined with AND: ``media_type``; ``file_formats``; ``tags`` (all of),
        ``any_tags`` (any of), ``exclude_tags`` (none of), where ``portrait`` matches that
        tag and any pair with that value and ``style:noir`` the pair exactly;
        ``tag_values`` {key: value or [values]}; ``tag_ranges`` {key: {min, max}} for
        numeric pair values; ``tag_patterns`` {key: regex}; ``ai_source`` (e.g. comfyui,
        automatic1111); ``project``; ``content_hash``; ``has_metadata`` (keys such as
        prompt, seed); ``filename_pattern`` (regex); ``prompt_keywords`` (all words in the
        prompt). ``sort_by`` created_date, modified_date, discovered_date,
        quality_rating, file_size, filename, width or height; ``order`` asc/desc;
        ``limit`` (default 50, at most 1000); ``offset``. Returns ``total_count``, the
        page of ``results``, ``facets`` of the whole result set and ``query_time_ms``.
        Structured fields only: an assistant translates the user's words into them.

        Args:
            request: a :class:`~curata.models.SearchRequest` or its dict
                (``{"filters": {...}, "sort_by": ..., "order": ..., "limit": ..., "offset": ...}``).

        Raises:
            InvalidRequest: an unknown field or value, ``limit`` over 1000, a bad regex
                (the field is named, e.g. ``filters.quality_rating``).
        """
        req = parse_request(SearchRequest, request)
        return Response.ok(search_engine.search(self.catalog, req))

    def folders(
        self, request: FolderRequest | dict[str, Any] | None = None
    ) -> Response[FolderListing]:
        """A folder's subfolders, each with how many assets the ``folder`` filter finds
        there (by name, at most ``limit``); without ``path``, the folders scanned.

        Args:
            request: a :class:`~curata.models.search.FolderRequest` or its dict
                (``{"path": "/renders/2024", "limit": 200}``).

        Raises:
            InvalidRequest: a relative path or a limit outside 1-1000 (field named).
        """
        req = parse_request(FolderRequest, request or {})
        return Response.ok(folder_browser.folders(self.catalog, req))

    def save_search(self, request: SavedSearchRequest | dict[str, Any]) -> Response[SavedSearch]:
        """Store a search request under a name (a "smart album") in a project or globally,
        to run it again later with ``run_saved_search``; ``request`` has the shape of a
        ``search_assets`` request. The name must be new there, unless ``replace``.

        Args:
            request: a :class:`~curata.models.SavedSearchRequest` (name, project, description,
                request).

        Raises:
            Conflict: the name exists there. InvalidRequest: a bad request. NotFound: no such
            project.
        """
        return Response.ok(
            saved_searches.save(self.catalog, parse_request(SavedSearchRequest, request))
        )

    def run_saved_search(
        self,
        name: str,
        project: str | None = None,
        *,
        limit: int | None = None,
        offset: int | None = None,
    ) -> Response[SearchResponse]:
        """Run a saved search by name (and project, if it belongs to one) against the
        catalog as it is now; ``limit`` and ``offset`` page through it. The result is
        the one of ``search_assets``.

        Args:
            name: the saved search's name.
            project: its project (id or name); ``None``: the global one.
            limit: page size instead of the stored one.
            offset: page start instead of the stored one.

        Raises:
            NotFound: no saved search of that name there.
        """
        return Response.ok(
            saved_searches.run(self.catalog, name, project, limit=limit, offset=offset)
        )

    def list_saved_searches(self, project: str | None = None) -> Response[list[SavedSearch]]:
        """Saved searches of one project, or of every project and global.

        Args:
            project: a project id or name; ``None``: all; ``""``: only the global ones.
        """
        return Response.ok(saved_searches.listing(self.catalog, project))

    def update_saved_search(
        self, request: SavedSearchUpdate | dict[str, Any]
    ) -> Response[SavedSearch]:
        """Rename, re-describe or replace the request of a saved search.

        Args:
            request: a :class:`~curata.models.SavedSearchUpdate`.

        Raises:
            NotFound: no such saved search. Conflict: the new name is taken.
        """
        return Response.ok(
            saved_searches.update(self.catalog, parse_request(SavedSearchUpdate, request))
        )

    def delete_saved_search(self, name: str, project: str | None = None) -> Response[str]:
        """Delete a saved search; returns its name.

        Args:
            name: the saved search's name.
            project: its project (id or name); ``None``: the global one.

        Raises:
            NotFound: no saved search of that name there.
        """
        saved_searches.delete(self.catalog, name, project)
        return Response.ok(name, f"deleted saved search {name!r}")

    # --- similarity and duplicates --------------------------------------------------

    def find_similar(self, request: SimilarQuery | dict[str, Any]) -> Response[SimilarResult]:
        """Assets that look like a target: their 64-bit pHash is within ``threshold`` bits
        (inclusive) of the target's, nearest first. Each result has the asset, its
        distance, ``similarity`` (1 - distance/64) and the orientation that matched.

        Args:
            request: a :class:`~curata.models.transport.SimilarQuery` or its dict:
                ``target`` (an asset's content hash, unique prefix or cataloged path, an
                image file on this machine, or ``phash:`` and 16 hex digits),
                ``threshold`` (Hamming distance 0-64, default 10; about 6 for
                near-identical, 12-16 for loosely similar), ``limit`` (1-1000),
                ``invariant`` (also match mirrored and rotated copies),
                ``include_target``, and ``filters`` (search filters: only matching assets
                are candidates).

        Raises:
            InvalidRequest: a threshold or limit out of range, an image that cannot be read.
            NotFound: an unknown asset.
            Forbidden: a confined client's file target outside its scan roots.
        """
        req = parse_request(SimilarQuery, request)
        result = similarity_service.find_similar(self.catalog, req, req.filters, self.confinement)
        return Response.ok(result, f"{result.total} similar asset(s)")

    def find_similar_videos(
        self, request: SimilarVideosRequest | dict[str, Any]
    ) -> Response[SimilarVideosResult]:
        """Videos like the target, from their sampled frames' pHashes: for a video (an
        asset or a video file), its re-encodes, resizes and trims, by the share of frames
        that match in order; for an image (an asset, an image file, ``phash:HEX``), the
        videos with a frame like it.

        Args:
            request: a :class:`~curata.models.similarity.SimilarVideosRequest` or its dict:
                ``target``, ``threshold`` (the largest Hamming distance between two frames
                that match, 0-64), ``min_share`` (video targets: the share, 0-1, of the
                shorter video's frames that must match in order), ``limit`` (1-1000).

        Raises:
            InvalidRequest: an option out of range, an unreadable file, a flat target.
            NotFound: an unknown asset.
            Forbidden: a confined client's file target outside its scan roots.
        """
        req = parse_request(SimilarVideosRequest, request)
        result = video_service.find_similar_videos(self.catalog, req, self.confinement)
        return Response.ok(result, f"{result.total} similar video(s)")

    def find_duplicates(
        self, request: DuplicatesQuery | dict[str, Any] | None = None
    ) -> Response[DuplicatesResult]:
        """Groups of duplicates, largest first, in tiers: exact (one file at several paths),
        same-pixels (different files, identical pixels), near (perceptual hash within
        ``threshold`` bits of the group's keeper), variant (same prompt and model; only
        when ``tiers`` lists it). Each group names its keeper and the criterion that
        decided (rating, generation metadata, original over a derivative, resolution,
        file size, age); one page (``limit``/``offset``) of them; flat or tiny images are
        listed apart (``low_detail``). Nothing is deleted.

        Args:
            request: a :class:`~curata.models.transport.DuplicatesQuery` or its dict
                (``None``: the defaults): ``threshold`` (0-64), ``exact`` (only exact
                copies), ``tiers``, ``keeper_order``, ``limit``, ``offset``, ``compact``
                (members without details), ``filters`` (search filters: only matching
                assets are grouped).

        Raises:
            InvalidRequest: a threshold out of range or bad filters.
        """
        req = parse_request(DuplicatesQuery, request or {})
        result = duplicates_service.find_duplicates(self.catalog, req, req.filters)
        return Response.ok(result, f"{result.group_count} duplicate group(s)")

    def resolve_duplicates(
        self, request: ResolveRequest | dict[str, Any]
    ) -> Response[ResolveResult]:
        """Merge the others' tags, rating and selection memberships into the keeper (as
        asked), tag the others ``duplicate-of:<hash prefix>``, and record it for
        ``undo_duplicate_resolution``. No file is deleted or moved.

        Args:
            request: a :class:`~curata.models.similarity.ResolveRequest` (keeper, others,
                merge_tags, merge_rating, merge_selections).

        Raises:
            NotFound: an unknown asset. InvalidRequest: the keeper among the others.
        """
        result = resolve_service.resolve_duplicates(
            self.catalog, parse_request(ResolveRequest, request)
        )
        return Response.ok(result, f"resolution {result.resolution_id}: kept {result.keeper[:12]}")

    def undo_duplicate_resolution(
        self, request: UndoResolveRequest | dict[str, Any]
    ) -> Response[ResolveResult]:
        """Take back exactly what one ``resolve_duplicates`` added, and restore the rating:
        the ``duplicate-of:`` tags, the merged tags and selection memberships go, the
        keeper's former rating comes back; a second undo of the same resolution is a
        conflict.

        Args:
            request: ``{"resolution_id": ...}``, the id that ``resolve_duplicates`` returned.

        Raises:
            NotFound: no such resolution. Conflict: it was undone already.
        """
        req = parse_request(UndoResolveRequest, request)
        result = resolve_service.undo_resolution(self.catalog, req.resolution_id)
        return Response.ok(result, f"resolution {result.resolution_id} undone")

    # --- auto-selection (artwork) ---------------------------------------------------

    @cached_property
    def _artwork(self) -> AutoSelectService:
        return AutoSelectService(self.catalog)

    def select_best_assets(
        self, request: SelectRequest | dict[str, Any]
    ) -> Response[AutoSelectResult]:
        """The best candidate per asset type (tier, votes, size, provider priority), with
        ranked runners-up and skipped candidates; uses the stored strategy and priorities.

        Args:
            request: a :class:`~curata.models.autoselect.SelectRequest`
                (``provider_results``, ``media_type``, ``preferred_language``, ...).

        Raises:
            InvalidRequest: an unknown media type, asset type or provider, a value out of bounds.
        """
        result = self._artwork.select(parse_request(SelectRequest, request))
        won = sum(1 for r in result.results.values() if r.winner is not None)
        return Response.ok(result, f"{won} asset type(s) with a winner")

    def score_asset(self, request: ScoreRequest | dict[str, Any]) -> Response[AssetScore]:
        """One candidate's tier, display score and reason.

        Args:
            request: a :class:`~curata.models.autoselect.ScoreRequest` (candidate, asset type,
                provider, provider order, preferred language).

        Raises:
            InvalidRequest: a bad candidate or an unknown asset type.
        """
        return Response.ok(self._artwork.score(parse_request(ScoreRequest, request)))

    def get_strategy(self) -> Response[StrategyInfo]:
        """The stored auto-selection strategy (``balanced`` unless set)."""
        return Response.ok(self._artwork.get_strategy())

    def set_strategy(self, strategy: Strategy | str) -> Response[StrategyInfo]:
        """Store the auto-selection strategy.

        Args:
            strategy: ``balanced`` (the spec's default orders) or ``custom`` (stored orders).

        Raises:
            InvalidRequest: another value (field ``strategy``).
        """
        return Response.ok(self._artwork.set_strategy(strategy))

    def is_balanced(self) -> Response[bool]:
        """True when the stored strategy is ``balanced``."""
        return Response.ok(self._artwork.is_balanced())

    def get_policy(self) -> Response[SelectionPolicy]:
        """The stored selection policy (``spec`` unless set) and its extras."""
        return Response.ok(self._artwork.get_policy())

    def set_policy(self, request: PolicyRequest | dict[str, Any]) -> Response[SelectionPolicy]:
        """Store the selection policy that auto-selection uses unless a request names one.

        Args:
            request: a :class:`~curata.models.autoselect.PolicyRequest`: ``spec``, ``kodi``
                or ``custom`` (with its extras: min_resolution, fallback_languages,
                prefer_textless, prefer_original_language).

        Raises:
            InvalidRequest: an unknown policy or an extra out of bounds.
        """
        return Response.ok(self._artwork.set_policy(parse_request(PolicyRequest, request)))

    def get_priorities(self, media_type: str | None = None) -> Response[PriorityTable]:
        """The effective provider order per media type and asset type, and its source.

        Args:
            media_type: ``movie``, ``tv`` or ``music``; ``None``: all of them.

        Raises:
            InvalidRequest: an unknown media type.
        """
        return Response.ok(self._artwork.priority_table(media_type))

    def set_priority(self, request: ProviderPriority | dict[str, Any]) -> Response[PriorityTable]:
        """Store a custom provider order (and disabled providers); switches the strategy
        to custom.

        Args:
            request: a :class:`~curata.models.autoselect.ProviderPriority`.

        Raises:
            InvalidRequest: an unknown media type, asset type or provider.
        """
        return Response.ok(self._artwork.set_priority(parse_request(ProviderPriority, request)))

    def reset_priorities(
        self, request: PriorityResetRequest | dict[str, Any] | None = None
    ) -> Response[PriorityTable]:
        """Remove custom orders (all, or one media type's, or one asset type's).

        Args:
            request: a :class:`~curata.models.autoselect.PriorityResetRequest`; ``None``: all.

        Raises:
            InvalidRequest: an unknown media type or asset type.
        """
        req = parse_request(PriorityResetRequest, request or {})
        return Response.ok(self._artwork.reset_priorities(req))

    def fetch_artwork(self, request: FetchRequest | dict[str, Any]) -> Response[FetchResult]:
        """Pick the best art for one item from the providers and download it into its
        folder under Kodi names; art already there and locked art are never replaced.

        Args:
            request: a :class:`~curata.models.autoselect.FetchRequest` (ids, providers, folder).

        Raises:
            InvalidRequest: a bad request or a missing API key. Forbidden: a confined client's
            folder outside its export roots.
        """
        req = parse_request(FetchRequest, request)
        result = fetch_service.fetch_artwork(
            req,
            self._artwork.priorities(),
            settings=self.settings,
            confinement=self.confinement,
            policy=self._artwork.effective_policy(req.policy, req),
        )
        done = sum(1 for i in result.items if i.action in ("downloaded", "replaced"))
        return Response.ok(result, f"{done} file(s) written")

    def lock_artwork(self, request: LockRequest | dict[str, Any]) -> Response[LockState]:
        """Lock (or unlock) asset types in an item folder: fetch never replaces them.

        Args:
            request: a :class:`~curata.models.autoselect.LockRequest` (folder, asset types, unlock).

        Raises:
            InvalidRequest: an unknown asset type or a folder that does not exist. Forbidden: a
            confined client's folder outside its export roots.
        """
        req = parse_request(LockRequest, request)
        return Response.ok(fetch_service.set_locks(req, self.confinement))

    # --- projects and selections ----------------------------------------------------

    def create_project(self, request: ProjectCreateRequest | dict[str, Any]) -> Response[Project]:
        """Create a project, the home of selections. Its id (every selection call's
        ``project_id``) is ``project_id`` if given, else the slug of the name
        ('Q4 Campaign' -> 'q4-campaign'); an id already in use is a conflict.

        Args:
            request: a :class:`~curata.models.ProjectCreateRequest` or its dict: ``name``,
                ``description`` (free text), ``budget`` (``{"amount": 200, "currency":
                "USD"}``), ``project_id`` (the id, a slug, instead of the name's slug).

        Raises:
            Conflict: the id exists. InvalidRequest: an empty name, a bad id or budget.
        """
        req = parse_request(ProjectCreateRequest, request)
        return Response.ok(project_service.create_project(self.catalog, req), "project created")

    def list_projects(self, status: str | None = None) -> Response[list[Project]]:
        """Projects with their ids, descriptions, budgets, spend (generation cost where
        known), asset and selection counts; ``status`` (active or archived) filters them.

        Args:
            status: ``active`` or ``archived``; ``None``: all.

        Raises:
            InvalidRequest: another status (field ``status``).
        """
        wanted = parse_request(ProjectListRequest, {"status": status}).status
        return Response.ok(project_service.list_projects(self.catalog, wanted))

    def get_project(self, project_id: str) -> Response[Project]:
        """One project with its budget, spend (in total and per selection) and counts.

        Args:
            project_id: the project's id.

        Raises:
            NotFound: no such project.
        """
        return Response.ok(project_service.get_project(self.catalog, project_id))

    def update_project(self, request: ProjectUpdateRequest | dict[str, Any]) -> Response[Project]:
        """Rename a project, change its description or budget.

        Args:
            request: a :class:`~curata.models.ProjectUpdateRequest`.

        Raises:
            NotFound: no such project. InvalidRequest: a bad value.
        """
        req = parse_request(ProjectUpdateRequest, request)
        return Response.ok(project_service.update_project(self.catalog, req), "project updated")

    def archive_project(self, project_id: str, *, restore: bool = False) -> Response[Project]:
        """Archive a project (no new selections in it), or make it active again.

        Args:
            project_id: the project's id.
            restore: make an archived project active.

        Raises:
            NotFound: no such project.
            Conflict: the project already has that status.
        """
        status = ProjectStatus.ACTIVE if restore else ProjectStatus.ARCHIVED
        project = project_service.set_project_status(self.catalog, project_id, status)
        return Response.ok(project, f"project {status.value}")

    def create_selection(
        self, request: SelectionCreateRequest | dict[str, Any]
    ) -> Response[Selection]:
        """A new selection (status ``draft``) in a project; its id is the slug of its name
        unless ``selection_id`` is given.

        Args:
            request: a :class:`~curata.models.SelectionCreateRequest` (project_id, name,
                purpose, description, criteria, tags).

        Raises:
            NotFound: no such project. Conflict: the id exists in the project, or the project is
            archived. InvalidRequest: an unknown purpose or a bad value.
        """
        req = parse_request(SelectionCreateRequest, request)
        return Response.ok(
            selection_service.create_selection(self.catalog, req), "selection created"
        )

    def update_selection(
        self, request: SelectionUpdateRequest | dict[str, Any]
    ) -> Response[SelectionChange]:
        """One change (``action``) to a selection, recorded in its history: add, remove,
        update or reorder items, groups, status, or the selection's own fields.

        Args:
            request: a :class:`~curata.models.SelectionUpdateRequest`.

        Raises:
            NotFound: no such project, selection or asset. Conflict: an item already present, a
            status change that is not allowed. InvalidRequest: fields that do not fit the action.
        """
        req = parse_request(SelectionUpdateRequest, request)
        change = selection_update.update_selection(self.catalog, req)
        return Response.ok(change, f"{req.action.value} done")

    def get_selection(self, project_id: str, selection_id: str) -> Response[Selection]:
        """A selection with every item in sequence order (asset hash, path, role, group,
        position, reasons and notes), its groups and its exports.

        Args:
            project_id: the project's id.
            selection_id: the selection's id.

        Raises:
            NotFound: no such project or selection.
        """
        return Response.ok(selection_service.get_selection(self.catalog, project_id, selection_id))

    def list_selections(
        self,
        project_id: str | None = None,
        status: str | None = None,
        purpose: str | None = None,
    ) -> Response[list[SelectionSummary]]:
        """Selection summaries (id, name, purpose, status, item count), newest change
        first, optionally only those of one project, status or purpose.

        Args:
            project_id: only this project's; ``None``: of every project.
            status: ``draft``, ``active``, ``archived`` or ``exported``.
            purpose: e.g. ``curation``, ``presentation``.

        Raises:
            InvalidRequest: an unknown status or purpose. NotFound: no such project.
        """
        req = parse_request(
            SelectionListRequest, {"project_id": project_id, "status": status, "purpose": purpose}
        )
        return Response.ok(selection_service.list_selections(self.catalog, req))

    def selections_containing(
        self, asset: str | dict[str, str]
    ) -> Response[list[SelectionMembership]]:
        """The selections (of any project) that hold an asset.

        Args:
            asset: a content hash, a unique prefix or a cataloged path.

        Raises:
            NotFound: an unknown asset.
        """
        ref = parse_request(AssetRef, {"asset": asset}).asset
        return Response.ok(selection_service.selections_containing(self.catalog, ref))

    def selection_history(
        self,
        project_id: str,
        selection_id: str,
        action: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> Response[list[HistoryEntry]]:
        """Every change of a selection, oldest first (who, when, what, before/after).

        Args:
            project_id: the project's id.
            selection_id: the selection's id.
            action: only entries of this action.
            limit: at most this many entries.
            offset: skip this many.

        Raises:
            NotFound: no such project or selection. InvalidRequest: a bad limit or offset.
        """
        req = parse_request(
            SelectionHistoryRequest,
            {
                "project_id": project_id,
                "selection_id": selection_id,
                "action": action,
                "limit": limit,
                "offset": offset,
            },
        )
        return Response.ok(selection_service.selection_history(self.catalog, req))

    def selection_stats(self, project_id: str, selection_id: str) -> Response[SelectionStats]:
        """Item count, roles, top tags, groups, sequence and exports of a selection.

        Args:
            project_id: the project's id.
            selection_id: the selection's id.

        Raises:
            NotFound: no such project or selection.
        """
        return Response.ok(
            selection_service.selection_stats(self.catalog, project_id, selection_id)
        )

    def find_similar_to_selection(
        self,
        project_id: str,
        selection_id: str,
        threshold: int = DEFAULT_THRESHOLD,
        limit: int = 50,
        exclude_existing: bool = True,
    ) -> Response[SimilarToSelection]:
        """Assets within ``threshold`` of any item, best ``recommendation_score`` first:
        0.7 * (1 - min_distance/64) + 0.3 * (items within the threshold / selection size).

        Args:
            project_id: the project's id.
            selection_id: the selection's id.
            threshold: the largest pHash Hamming distance that counts, 0-64 (inclusive).
            limit: at most this many results, 1-1000.
            exclude_existing: leave out assets already in the selection.

        Raises:
            NotFound: no such project or selection. InvalidRequest: a value out of range.
        """
        req = parse_request(
            SimilarToSelectionRequest,
            {
                "project_id": project_id,
                "selection_id": selection_id,
                "threshold": threshold,
                "limit": limit,
                "exclude_existing": exclude_existing,
            },
        )
        result = similar_service.find_similar_to_selection(self.catalog, req)
        return Response.ok(result, f"{result.total_candidates} similar asset(s)")

    def export_selection(
        self,
        request: SelectionExportRequest | dict[str, Any],
        progress: Callable[[int, int], None] | None = None,
        stop: threading.Event | None = None,
    ) -> Response[SelectionExportResult]:
        """Write the selection's files, manifests, README and contact sheet to a folder that
        appears only when complete and verified; the selection becomes ``exported``.

        Never into a scanned folder or over the catalog; ``overwrite`` replaces only an
        earlier curata export; a confined facade writes only under its export roots.

        Args:
            request: a :class:`~curata.models.SelectionExportRequest` (export_path, mode,
                layout, zip, overwrite, allow_missing, sidecars, contact_sheet).
            progress: called with (files done, files in all) as files are written.
            stop: a ``threading.Event`` that abandons the export (nothing is left behind).

        Raises:
            NotFound: no such selection. Conflict: the target exists (without ``overwrite``) or
            items are missing (without ``allow_missing``). Forbidden: a target that is not
            allowed. VerificationError: a written file did not read back.
        """
        req = parse_request(SelectionExportRequest, request)
        result = export_service.export_selection(
            self.catalog, req, progress, stop, self.confinement
        )
        return Response.ok(result, f"exported {result.exported_count} item(s)")

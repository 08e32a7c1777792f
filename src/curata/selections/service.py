"""Selections: create, read, list, share across selections, history and statistics."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import Connection

from curata.catalog import Catalog
from curata.catalog import assets as asset_store
from curata.catalog import projects as project_store
from curata.catalog import selection_history as history_store
from curata.catalog import selections as store
from curata.errors import Conflict, InvalidRequest
from curata.models.projects import ProjectStatus
from curata.models.selections import (
    CountEntry,
    HistoryEntry,
    Selection,
    SelectionAction,
    SelectionCreateRequest,
    SelectionHistoryRequest,
    SelectionListRequest,
    SelectionMembership,
    SelectionStats,
    SelectionStatus,
    SelectionSummary,
)
from curata.selections.actors import actor_or_default, utcnow
from curata.selections.rules import unique_slug
from curata.slug import slugify

TOP_TAGS = 20


def create_selection(catalog: Catalog, req: SelectionCreateRequest) -> Selection:
    actor = actor_or_default(req.actor)
    now = utcnow()
    with catalog.write() as conn:
        project = project_store.get_project(conn, req.project_id, lock=True)
        if project["status"] == ProjectStatus.ARCHIVED.value:
            raise InvalidRequest(
                f"project {req.project_id!r} is archived; restore it first", field="project_id"
            )
        if req.selection_id is not None:
            if store.selection_exists(conn, req.selection_id):
                raise Conflict(f"selection {req.selection_id!r} exists", field="selection_id")
            selection_id = req.selection_id
        else:
            base = slugify(req.name)
            selection_id = unique_slug(base, store.ids_with_prefix(conn, base))
        fields = {
            "name": req.name,
            "purpose": req.purpose.value,
            "description": req.description,
            "criteria": req.criteria,
            "tags": req.tags,
            "constraints": req.constraints.stored(),
        }
        store.insert_selection(
            conn,
            {
                "id": selection_id,
                "project_id": req.project_id,
                "status": SelectionStatus.DRAFT.value,
                "created_by": actor,
                "created_at": now,
                "updated_at": now,
                **fields,
            },
        )
        history_store.append(conn, selection_id, at=now, actor=actor, action="create", after=fields)
        return _full(conn, req.project_id, selection_id)


def _full(conn: Connection, project_id: str, selection_id: str) -> Selection:
    summary = store.get_selection(conn, project_id, selection_id)
    return Selection(
        **summary.model_dump(),
        items=[item for _, item in store.load_items(conn, selection_id)],
        groups=store.list_groups(conn, selection_id),
        exports=history_store.exports(conn, selection_id),
    )


def get_selection(catalog: Catalog, project_id: str, selection_id: str) -> Selection:
    with catalog.read() as conn:
        return _full(conn, project_id, selection_id)


def list_selections(catalog: Catalog, req: SelectionListRequest) -> list[SelectionSummary]:
    with catalog.read() as conn:
        if req.project_id is not None:
            project_store.get_project(conn, req.project_id)
        return store.list_selections(conn, req.project_id, req.status, req.purpose)


def selections_containing(catalog: Catalog, asset: str) -> list[SelectionMembership]:
    """Every selection (of any project) that holds the asset (hash, prefix or path)."""
    with catalog.read() as conn:
        return store.memberships(conn, asset_store.resolve(conn, asset))


def selection_history(catalog: Catalog, req: SelectionHistoryRequest) -> list[HistoryEntry]:
    with catalog.read() as conn:
        store.get_selection(conn, req.project_id, req.selection_id)
        return history_store.listing(
            conn, req.selection_id, action=req.action, limit=req.limit, offset=req.offset
        )


def _counts(counter: Counter[str], top: int | None = None) -> list[CountEntry]:
    ranked = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    return [CountEntry(name=k, count=v) for k, v in ranked[:top]]


def selection_stats(catalog: Catalog, project_id: str, selection_id: str) -> SelectionStats:
    with catalog.read() as conn:
        summary = store.get_selection(conn, project_id, selection_id)
        pairs = store.load_items(conn, selection_id)
        ids = [asset_id for asset_id, _ in pairs]
        loaded = {a.content_hash: a for a in asset_store.load_assets(conn, ids)}
        exports = history_store.exports(conn, selection_id)
        groups = store.list_groups(conn, selection_id)
        reorders = history_store.count(conn, selection_id, SelectionAction.REORDER.value)
        history_count = history_store.count(conn, selection_id)
    roles: Counter[str] = Counter()
    tags: Counter[str] = Counter()
    media: Counter[str] = Counter()
    for _, item in pairs:
        roles[item.role or "(none)"] += 1
        tags.update(set(item.tags) | set(loaded[item.asset_hash].tags))
        media[loaded[item.asset_hash].media_type.value] += 1
    return SelectionStats(
        selection_id=summary.id,
        item_count=len(pairs),
        total_bytes=sum(a.file_size for a in loaded.values()),
        role_distribution=_counts(roles),
        media_types=_counts(media),
        top_tags=_counts(tags, TOP_TAGS),
        group_count=len(groups),
        ungrouped_count=sum(1 for _, item in pairs if item.group is None),
        sequence_present=reorders > 0,
        export_count=len(exports),
        history_count=history_count,
        last_exported_at=exports[-1].at if exports else None,
    )

"""Selections: create, read, list, share across selections, history and statistics."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import Connection

from curata.catalog import Catalog
from curata.catalog import assets as asset_store
from curata.catalog import projects as project_store
from curata.catalog import selection_history as history_store
from curata.catalog import selections as store
from curata.errors import Conflict
from curata.models.projects import ProjectStatus
from curata.models.selections import (
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
from curata.models.stats import CountEntry
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
            raise Conflict(
                f"project {req.project_id!r} is archived; restore it first", field="project_id"
            )
        if req.selection_id is not None:
            if store.selection_exists(conn, req.project_id, req.selection_id):
                raise Conflict(
                    f"selection {req.selection_id!r} exists in project {req.project_id!r}",
                    field="selection_id",
                )
            selection_id = req.selection_id
        else:
            base = slugify(req.name)
            selection_id = unique_slug(base, store.ids_with_prefix(conn, req.project_id, base))
        key = store.new_key(conn, selection_id)
        fields = {
            "name": req.name,
            "purpose": req.purpose.value,
            "description": req.description,
            "criteria": req.criteria,
            "tags": req.tags,
            "constraints": req.constraints.stored(),
            "budget": None if req.budget is None else req.budget.model_dump(),
        }
        store.insert_selection(
            conn,
            {
                "id": key,
                "slug": selection_id,
                "project_id": req.project_id,
                "status": SelectionStatus.DRAFT.value,
                "created_by": actor,
                "created_at": now,
                "updated_at": now,
                **store.row_values(fields),
            },
        )
        history_store.append(conn, key, at=now, actor=actor, action="create", after=fields)
        return _full(conn, store.get_selection(conn, req.project_id, selection_id))


def _full(conn: Connection, summary: SelectionSummary) -> Selection:
    full = Selection(
        **summary.model_dump(),
        items=[item for _, item in store.load_items(conn, summary.key)],
        groups=store.list_groups(conn, summary.key),
        exports=history_store.exports(conn, summary.key),
    )
    full.key = summary.key
    return full


def get_selection(catalog: Catalog, project_id: str, selection_id: str) -> Selection:
    with catalog.read() as conn:
        return _full(conn, store.get_selection(conn, project_id, selection_id))


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
        key = store.get_selection(conn, req.project_id, req.selection_id).key
        return history_store.listing(
            conn, key, action=req.action, limit=req.limit, offset=req.offset
        )


def _counts(counter: Counter[str], top: int | None = None) -> list[CountEntry]:
    ranked = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    return [CountEntry(name=k, count=v) for k, v in ranked[:top]]


def selection_stats(catalog: Catalog, project_id: str, selection_id: str) -> SelectionStats:
    with catalog.read() as conn:
        summary = store.get_selection(conn, project_id, selection_id)
        key = summary.key
        pairs = store.load_items(conn, key)
        ids = [asset_id for asset_id, _ in pairs]
        loaded = {a.content_hash: a for a in asset_store.load_assets(conn, ids)}
        exports = history_store.exports(conn, key)
        groups = store.list_groups(conn, key)
        reorders = history_store.count(conn, key, SelectionAction.REORDER.value)
        history_count = history_store.count(conn, key)
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

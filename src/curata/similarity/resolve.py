"""Resolve a duplicate group without deleting anything, and undo it.

``resolve_duplicates``: for a keeper and the other members of its group, in one catalog
transaction, the keeper gets the others' user tags (``merge_tags``) and the highest
rating among them (``merge_rating``); each other gets the tag
``duplicate-of:<first 12 hex digits of the keeper's hash>``. With ``merge_selections``
the keeper is added (through the selections service, so each selection's own history
records it) to every selection that holds one of the others and not the keeper. What
was added, and the ratings before, are stored in ``duplicate_resolutions``;
``undo_resolution`` takes exactly those additions back and restores the ratings. No
file is deleted, moved or written.
"""

from __future__ import annotations

import time

from curata.catalog import Catalog
from curata.catalog import assets as asset_store
from curata.catalog import similarity as store
from curata.catalog import tags as tag_store
from curata.errors import Conflict, InvalidRequest, NotFound
from curata.models.selections import SelectionUpdateRequest
from curata.models.similarity import ResolveRequest, ResolveResult
from curata.selections import service as selection_service
from curata.selections import update as selection_update

USER = "user"


def _duplicate_tag(keeper_hash: str) -> str:
    return f"duplicate-of:{keeper_hash[:12]}"


def _join_selections(catalog: Catalog, keeper: str, others: list[str]) -> list[str]:
    """Add the keeper to the selections holding one of the others; ``project/selection``."""
    holding = {
        (m.project_id, m.selection_id)
        for m in selection_service.selections_containing(catalog, keeper)
    }
    joined: list[str] = []
    for other in others:
        for m in selection_service.selections_containing(catalog, other):
            key = (m.project_id, m.selection_id)
            if key in holding:
                continue
            holding.add(key)
            selection_update.update_selection(
                catalog,
                SelectionUpdateRequest.model_validate(
                    {
                        "project_id": m.project_id,
                        "selection_id": m.selection_id,
                        "action": "add_items",
                        "items": [{"asset_hash": keeper, "role": m.role, "group": m.group}],
                        "notes": f"resolve_duplicates: keeper of {other[:12]}",
                    }
                ),
            )
            joined.append(f"{m.project_id}/{m.selection_id}")
    return joined


def resolve_duplicates(catalog: Catalog, req: ResolveRequest) -> ResolveResult:
    with catalog.read() as conn:
        keeper_id = asset_store.resolve(conn, req.keeper)
        other_ids = asset_store.resolve_many(conn, req.others)
        if keeper_id in other_ids:
            raise InvalidRequest("the keeper is also listed among the others", field="others")
        other_ids = sorted(set(other_ids))
        keeper_hash = asset_store.hashes_of(conn, [keeper_id])[0]
        other_hashes = asset_store.hashes_of(conn, other_ids)
    joined = _join_selections(catalog, keeper_hash, other_hashes) if req.merge_selections else []
    now = time.time()
    with catalog.write() as conn:
        facts = store.keeper_facts(conn, [keeper_id, *other_ids])
        had = tag_store.tags_of(conn, [keeper_id, *other_ids])
        added: dict[int, list[str]] = {}
        if req.merge_tags:
            theirs = sorted({t for i in other_ids for t in had[i]} - set(had[keeper_id]))
            theirs = [t for t in theirs if not t.startswith("duplicate-of:")]
            if theirs:
                tag_store.add_tags(conn, [keeper_id], theirs, USER)
                added[keeper_id] = theirs
        mark = _duplicate_tag(keeper_hash)
        for i in other_ids:
            if mark not in had[i]:
                tag_store.add_tags(conn, [i], [mark], USER)
                added.setdefault(i, []).append(mark)
        before = {keeper_id: facts[keeper_id].quality_rating}
        ratings = [facts[i].quality_rating for i in (keeper_id, *other_ids)]
        best = max((r for r in ratings if r is not None), default=None)
        rating = None
        if req.merge_rating and best is not None and best != before[keeper_id]:
            asset_store.set_rating(conn, [keeper_id], best, now)
            rating = best
        changes = {
            "others": other_ids,
            "tags_added": {str(k): v for k, v in added.items()},
            "rating_before": {str(keeper_id): before[keeper_id]} if rating is not None else {},
            "selections_joined": joined,
        }
        resolution_id = store.record_resolution(conn, keeper_id, changes, now)
        hashes = dict(
            zip(
                [keeper_id, *other_ids],
                asset_store.hashes_of(conn, [keeper_id, *other_ids]),
                strict=True,
            )
        )
    return ResolveResult(
        resolution_id=resolution_id,
        keeper=keeper_hash,
        others=other_hashes,
        tags_added={hashes[k]: v for k, v in added.items()},
        rating=rating,
        selections_joined=joined,
    )


def undo_resolution(catalog: Catalog, resolution_id: int) -> ResolveResult:
    with catalog.read() as conn:
        found = store.get_resolution(conn, resolution_id)
        if found is None:
            raise NotFound(f"no duplicate resolution {resolution_id}", field="resolution_id")
        keeper_id, changes, undone_at = found
        if undone_at is not None:
            raise Conflict(
                f"duplicate resolution {resolution_id} was already undone", field="resolution_id"
            )
        keeper_hash = asset_store.hashes_of(conn, [keeper_id])[0]
    for name in changes["selections_joined"]:
        project_id, selection_id = name.split("/", 1)
        selection_update.update_selection(
            catalog,
            SelectionUpdateRequest.model_validate(
                {
                    "project_id": project_id,
                    "selection_id": selection_id,
                    "action": "remove_items",
                    "asset_hashes": [keeper_hash],
                    "notes": f"undo resolve_duplicates #{resolution_id}",
                }
            ),
        )
    now = time.time()
    with catalog.write() as conn:
        for asset_id, names in changes["tags_added"].items():
            tag_store.remove_tags(conn, [int(asset_id)], names)
        store.set_ratings(conn, {int(k): v for k, v in changes["rating_before"].items()}, now)
        store.mark_undone(conn, resolution_id, now)
        ids = [int(k) for k in changes["tags_added"]]
        hashes = dict(zip(ids, asset_store.hashes_of(conn, ids), strict=True))
        others = asset_store.hashes_of(conn, changes["others"])
    return ResolveResult(
        resolution_id=resolution_id,
        keeper=keeper_hash,
        others=others,
        tags_added={hashes[int(k)]: v for k, v in changes["tags_added"].items()},
        selections_joined=changes["selections_joined"],
        undone=True,
    )

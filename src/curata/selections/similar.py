"""Assets similar to a selection: one exact Hamming range query per item's pHash.

Each candidate's ``min_distance`` is its smallest distance to any item, and
``similar_to_count`` the number of items within the threshold; the recommendation
score is :func:`curata.selections.rules.recommendation_score`. An asset is never
similar to itself; with ``exclude_existing`` the selection's own items are left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from curata.catalog import Catalog
from curata.catalog import assets as asset_store
from curata.catalog import selections as store
from curata.models.selection_export import (
    SelectionSimilarity,
    SimilarToItem,
    SimilarToSelection,
    SimilarToSelectionRequest,
    SimilarToSelectionResult,
)
from curata.selections.rules import recommendation_score
from curata.similarity.store import index_for


@dataclass
class Candidate:
    """A candidate asset (by its id) and the items it is within the threshold of."""

    asset_id: int
    matches: list[tuple[int, int]] = field(default_factory=list)  # (item index, distance)
    min_distance: int = 64
    score: float = 0.0


def rank(
    hits: Iterable[tuple[int, int, Sequence[int], Sequence[int] | np.ndarray]],
    selection_size: int,
    exclude: set[int],
) -> list[Candidate]:
    """Candidates best first (score, then distance, then asset id).

    ``hits``: per item, ``(item index, item asset id, candidate ids, distances)``;
    ``exclude``: asset ids that are never candidates. Pure.
    """
    found: dict[int, Candidate] = {}
    for index, own_id, ids, distances in hits:
        for asset_id, distance in zip(ids, distances, strict=True):
            if asset_id == own_id or asset_id in exclude:
                continue
            cand = found.setdefault(asset_id, Candidate(asset_id))
            cand.matches.append((index, int(distance)))
            cand.min_distance = min(cand.min_distance, int(distance))
    for cand in found.values():
        cand.matches.sort(key=lambda m: (m[1], m[0]))
        cand.score = recommendation_score(cand.min_distance, len(cand.matches), selection_size)
    return sorted(found.values(), key=lambda c: (-c.score, c.min_distance, c.asset_id))


def find_similar_to_selection(
    catalog: Catalog, req: SimilarToSelectionRequest
) -> SimilarToSelection:
    hashes = index_for(catalog)
    with catalog.read() as conn:
        key = store.get_selection(conn, req.project_id, req.selection_id).key
        pairs = store.load_items(conn, key)
        with hashes.lock:
            hashes.sync(conn)
            ids, codes, index = hashes.ids, hashes.codes, hashes.index
        hits = []
        for item_index, (asset_id, _) in enumerate(pairs):
            pos = np.searchsorted(ids, asset_id)
            if pos < len(ids) and ids[pos] == asset_id:
                found = index.range(int(codes[pos]), req.threshold)
                hits.append((item_index, asset_id, ids[found.positions].tolist(), found.distances))
        members = {asset_id for asset_id, _ in pairs}
        ranked = rank(hits, len(pairs), members if req.exclude_existing else set())
        top = ranked[: req.limit]
        assets = asset_store.load_assets(conn, [c.asset_id for c in top])
    items = [item for _, item in pairs]
    results = [
        SimilarToSelectionResult(
            asset=asset,
            similarity=SelectionSimilarity(
                min_distance=cand.min_distance,
                recommendation_score=cand.score,
                similar_to_count=len(cand.matches),
                similar_to_items=[
                    SimilarToItem(
                        hash=items[i].asset_hash,
                        path=items[i].file_path,
                        role=items[i].role,
                        reason=items[i].selection_reason,
                        distance=d,
                    )
                    for i, d in cand.matches
                ],
            ),
        )
        for cand, asset in zip(top, assets, strict=True)
    ]
    return SimilarToSelection(
        results=results,
        parameters=req.model_dump(mode="json"),
        selection_size=len(pairs),
        items_with_hash=len(hits),
        total_candidates=len(ranked),
    )

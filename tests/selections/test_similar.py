"""Similar to a selection: exact against a brute force over the real catalog's pHashes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curata import Curata
from curata.errors import InvalidRequest, NotFound
from curata.selections.rules import recommendation_score
from curata.selections.similar import rank
from tests.selections.conftest import PROJECT, Library, add, new_selection


def _phashes(cur: Curata, lib: Library) -> dict[str, int]:
    paths = [*lib.images, *lib.near, *lib.costly]
    out = {}
    for path in paths:
        asset = cur.get_asset(str(path)).data
        if asset.phash is not None:
            out[asset.content_hash] = int(asset.phash, 16)
    return out


@pytest.mark.parametrize("threshold", [0, 10, 24, 40, 64])
@pytest.mark.parametrize("exclude_existing", [True, False])
def test_matches_brute_force(
    cur: Curata, lib: Library, threshold: int, exclude_existing: bool
) -> None:
    sid = new_selection(cur)
    members = [lib.near[0], lib.near[5], lib.images[3]]
    add(cur, sid, *members, role="hero", selection_reason="reference")
    codes = _phashes(cur, lib)
    items = [lib.hash_of(cur, p) for p in members]
    expected = {}
    for digest, code in codes.items():
        if exclude_existing and digest in items:
            continue
        near = [(i, (code ^ codes[i]).bit_count()) for i in items if i != digest]
        near = [(i, d) for i, d in near if d <= threshold]
        if near:
            low = min(d for _, d in near)
            expected[digest] = (low, recommendation_score(low, len(near), 3), len(near))
    data = cur.find_similar_to_selection(
        PROJECT, sid, threshold=threshold, limit=1000, exclude_existing=exclude_existing
    ).data
    got = {
        r.asset.content_hash: (
            r.similarity.min_distance,
            r.similarity.recommendation_score,
            r.similarity.similar_to_count,
        )
        for r in data.results
    }
    assert got == expected and data.total_candidates == len(expected)
    scores = [r.similarity.recommendation_score for r in data.results]
    assert scores == sorted(scores, reverse=True)
    for result in data.results:
        linked = result.similarity.similar_to_items
        assert {i.hash for i in linked} <= set(items)
        assert all(i.role == "hero" and i.reason == "reference" for i in linked)
        assert min(i.distance for i in linked) == result.similarity.min_distance
    assert data.parameters == {
        "project_id": PROJECT,
        "selection_id": sid,
        "threshold": threshold,
        "limit": 1000,
        "exclude_existing": exclude_existing,
    }


def test_near_duplicates_rank_first_and_limit_applies(cur: Curata, lib: Library) -> None:
    sid = new_selection(cur)
    original = next(p for p in lib.near if p.stem == "ukbench00120")
    add(cur, sid, original)
    data = cur.find_similar_to_selection(PROJECT, sid, threshold=12, limit=2).data
    names = [r.asset.file_path.rsplit("/", 1)[1] for r in data.results]
    assert sorted(names) == ["ukbench00120_gray.jpg", "ukbench00120_resize.jpg"]
    assert data["results"][0]["similarity"]["recommendation_score"] > 0.75
    assert data.items_with_hash == 1 and data.selection_size == 1


def test_empty_selection_and_bad_inputs(cur: Curata) -> None:
    sid = new_selection(cur)
    assert cur.find_similar_to_selection(PROJECT, sid).data.results == []
    with pytest.raises(InvalidRequest) as exc:
        cur.find_similar_to_selection(PROJECT, sid, threshold=65)
    assert exc.value.field == "threshold"
    with pytest.raises(NotFound):
        cur.find_similar_to_selection(PROJECT, "nope")


@given(
    st.lists(
        st.tuples(
            st.integers(0, 20),
            st.dictionaries(st.integers(0, 20), st.integers(0, 64), max_size=15),
        ),
        min_size=1,
        max_size=6,
        unique_by=lambda t: t[0],
    ),
    st.sets(st.integers(0, 20), max_size=5),
)
def test_rank_is_exact_on_any_hits(
    raw: list[tuple[int, dict[int, int]]], exclude: set[int]
) -> None:
    hits = [(i, own, list(found), list(found.values())) for i, (own, found) in enumerate(raw)]
    ranked = {c.asset_id: c for c in rank(hits, len(hits), exclude)}
    expected: dict[int, list[int]] = {}
    for own, found in raw:
        for asset_id, distance in found.items():
            if asset_id != own and asset_id not in exclude:
                expected.setdefault(asset_id, []).append(distance)
    assert set(ranked) == set(expected)
    for asset_id, dists in expected.items():
        cand = ranked[asset_id]
        assert cand.min_distance == min(dists) and len(cand.matches) == len(dists)
        assert cand.score == recommendation_score(min(dists), len(dists), len(hits))
    keys = [(-c.score, c.min_distance, c.asset_id) for c in rank(hits, len(hits), exclude)]
    assert keys == sorted(keys)

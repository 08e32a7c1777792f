"""``find_duplicates``: groups of duplicates in four tiers, each with its keeper and why.

- ``exact``: one file (one SHA-256) present at several locations; the keeper is a
  location (:func:`curata.similarity.keeper.pick_copy`).
- ``near``: a keeper and the images whose pHash is within the threshold of it
  (:mod:`curata.similarity.groups`); members whose decoded pixels equal the keeper's
  are marked ``same-pixels``, and a group made only of those is a ``same-pixels`` group.
  Pixels are decoded only for candidates whose pHash and dimensions already match.
- ``variant``: assets with the same prompt and the same model (other seeds or
  parameters), whatever they look like.

Low-detail images (:func:`curata.similarity.groups.low_detail`) take no part in near
groups; those among them with identical pixels still form ``same-pixels`` groups, and
all of them are listed apart. Every keeper comes from one rule
(:mod:`curata.similarity.keeper`). Nothing is ever deleted.
"""

from __future__ import annotations

import hashlib
import itertools
import os
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from PIL import Image
from sqlalchemy import Connection

from curata.catalog import Catalog
from curata.catalog import assets as asset_store
from curata.catalog import similarity as hash_store
from curata.catalog.codec import to_unsigned64
from curata.models.assets import Asset
from curata.models.similarity import (
    DuplicateGroup,
    DuplicateMember,
    DuplicatesRequest,
    DuplicatesResult,
    DuplicateTier,
    LowDetailAsset,
    MemberDetails,
)
from curata.similarity import keeper as keeper_rule
from curata.similarity import service
from curata.similarity.groups import MIN_EDGE, centre_groups, low_detail, nearest_member
from curata.similarity.join import join
from curata.similarity.service import Filters
from curata.similarity.store import index_for

JOIN_THREADS = max(1, min(2, os.cpu_count() or 1))
_TIER_ORDER = {tier: n for n, tier in enumerate(DuplicateTier)}


@dataclass
class _Group:
    """A group before paging: asset ids (keeper first) or, for exact copies, one asset."""

    kind: DuplicateTier
    ids: list[int]
    reason: str
    match: dict[int, DuplicateTier] = field(default_factory=dict)
    copies: list[hash_store.CopyLocation] | None = None
    note: str = ""

    @property
    def size(self) -> int:
        return len(self.copies) if self.copies is not None else len(self.ids)


def _candidate(f: hash_store.KeeperFacts) -> keeper_rule.Candidate:
    return keeper_rule.Candidate(
        f.content_hash, f.width, f.height, f.quality_rating, f.file_size, f.created_at,
        f.generation,
    )  # fmt: skip


def _ranks(
    ids: np.ndarray,
    labels: np.ndarray,
    facts: dict[int, hash_store.KeeperFacts],
    order: Sequence[str],
) -> tuple[np.ndarray, dict[int, keeper_rule.Ranking], dict[int, int]]:
    """A rank per position (the keeper rule inside each component), each component's
    ranking, and where each position sits in it."""
    rank = np.arange(len(ids), dtype=np.int64) + len(ids)  # singletons: never compared
    sizes = np.bincount(labels, minlength=len(ids))
    pos = np.flatnonzero(sizes[labels] > 1)
    pos = pos[np.argsort(labels[pos], kind="stable")]
    cuts = np.flatnonzero(np.r_[True, labels[pos][1:] != labels[pos][:-1], True])
    rankings: dict[int, keeper_rule.Ranking] = {}
    slot: dict[int, int] = {}
    next_rank = 0
    for a, b in itertools.pairwise(cuts):
        members = pos[a:b]
        ranking = keeper_rule.rank([_candidate(facts[int(ids[p])]) for p in members], order)
        for k, p in enumerate(members):
            rankings[int(p)] = ranking
            slot[int(p)] = k
        for i in ranking.order:
            rank[members[i]] = next_rank
            next_rank += 1
    return rank, rankings, slot


def _pixel_digest(conn: Connection, asset_id: int) -> str | None:
    """SHA-256 of the decoded pixels (as RGBA) of the asset's first readable copy."""
    for path in hash_store.readable_paths(conn, asset_id):
        try:
            with Image.open(path) as im:
                rgba = im.convert("RGBA")
        except (OSError, ValueError, Image.DecompressionBombError):
            continue
        return hashlib.sha256(f"{rgba.size}".encode() + rgba.tobytes()).hexdigest()
    return None


class _Pixels:
    """Decoded-pixel digests, computed once per asset and only when asked."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.cache: dict[int, str | None] = {}

    def same(self, a: int, b: int) -> bool:
        for i in (a, b):
            if i not in self.cache:
                self.cache[i] = _pixel_digest(self.conn, i)
        return self.cache[a] is not None and self.cache[a] == self.cache[b]


def _same_shape(a: hash_store.KeeperFacts, b: hash_store.KeeperFacts) -> bool:
    return a.phash == b.phash and (a.width, a.height) == (b.width, b.height)


def _near_groups(
    conn: Connection,
    ids: np.ndarray,
    codes: np.ndarray,
    req: DuplicatesRequest,
    pixels: _Pixels,
) -> list[_Group]:
    labels = join(codes, req.threshold, threads=JOIN_THREADS).labels
    sizes = np.bincount(labels, minlength=len(ids))
    facts = hash_store.keeper_facts(conn, ids[sizes[labels] > 1].tolist())
    order = [c.value for c in req.keeper_order]
    rank, rankings, slot = _ranks(ids, labels, facts, order)
    grouped = centre_groups(codes, labels, rank, req.threshold)
    out = []
    for g in range(len(grouped)):
        members = grouped.group(g)
        keeper, runner_up = int(members[0]), int(members[1])
        ranking = rankings[keeper]
        reason = ranking.decided(slot[keeper], slot[runner_up])
        member_ids = ids[members].tolist()
        kf = facts[member_ids[0]]
        match = {
            i: DuplicateTier.SAME_PIXELS
            if _same_shape(kf, facts[i]) and pixels.same(member_ids[0], i)
            else DuplicateTier.NEAR
            for i in member_ids[1:]
        }
        same = all(m is DuplicateTier.SAME_PIXELS for m in match.values())
        kind = DuplicateTier.SAME_PIXELS if same else DuplicateTier.NEAR
        out.append(_Group(kind, member_ids, reason, match))
    return out


def _low_detail_groups(
    conn: Connection, low_ids: list[int], order: Sequence[str], pixels: _Pixels
) -> list[_Group]:
    """Same-pixels groups among low-detail images (same pHash and size, then decoded)."""
    facts = hash_store.keeper_facts(conn, low_ids)
    buckets: dict[tuple[object, ...], list[int]] = defaultdict(list)
    for i in low_ids:
        f = facts[i]
        buckets[(f.phash, f.width, f.height)].append(i)
    out = []
    for bucket in buckets.values():
        if len(bucket) < 2:
            continue
        by_digest: dict[str, list[int]] = defaultdict(list)
        for i in bucket:
            pixels.same(i, i)  # fills the cache
            digest = pixels.cache[i]
            if digest is not None:
                by_digest[digest].append(i)
        for same in by_digest.values():
            if len(same) > 1:
                ranking = keeper_rule.rank([_candidate(facts[i]) for i in same], order)
                ordered = [same[k] for k in ranking.order]
                reason = ranking.decided(ranking.order[0], ranking.order[1])
                match = dict.fromkeys(ordered[1:], DuplicateTier.SAME_PIXELS)
                out.append(_Group(DuplicateTier.SAME_PIXELS, ordered, reason, match))
    return out


def _variant_groups(
    conn: Connection, allowed: set[int] | None, order: Sequence[str]
) -> list[_Group]:
    keys: dict[tuple[str, str], list[int]] = defaultdict(list)
    for k in hash_store.generation_keys(conn):
        if allowed is None or k.asset_id in allowed:
            keys[(k.prompt, k.model)].append(k.asset_id)
    wanted = [i for same in keys.values() if len(same) > 1 for i in same]
    facts = hash_store.keeper_facts(conn, wanted)
    out = []
    for (_prompt, model), same in keys.items():
        if len(same) < 2:
            continue
        ranking = keeper_rule.rank([_candidate(facts[i]) for i in same], order)
        ordered = [same[k] for k in ranking.order]
        reason = ranking.decided(ranking.order[0], ranking.order[1])
        match = dict.fromkeys(ordered[1:], DuplicateTier.VARIANT)
        out.append(_Group(DuplicateTier.VARIANT, ordered, reason, match, note=model))
    return out


def _exact_groups(conn: Connection, allowed: set[int] | None) -> list[_Group]:
    copies = hash_store.copy_locations(conn)
    out = []
    for asset_id, locs in copies.items():
        if allowed is not None and asset_id not in allowed:
            continue
        best, reason = keeper_rule.pick_copy([keeper_rule.Copy(c.path, c.mtime) for c in locs])
        ordered = [locs[best], *(c for n, c in enumerate(locs) if n != best)]
        ordered[1:] = sorted(ordered[1:], key=lambda c: c.path)
        out.append(_Group(DuplicateTier.EXACT, [asset_id], reason, copies=ordered))
    return out


def _details(asset: Asset, f: hash_store.KeeperFacts) -> MemberDetails:
    return MemberDetails(
        width=f.width,
        height=f.height,
        quality_rating=f.quality_rating,
        file_size=f.file_size,
        created_at=asset.created_at,
        generation=f.generation,
    )


def _phrase(group: _Group) -> str:
    return keeper_rule.PHRASES.get(group.reason, group.reason)


def _render(conn: Connection, groups: list[_Group], req: DuplicatesRequest) -> list[DuplicateGroup]:
    ids = sorted({i for g in groups for i in g.ids})
    assets = dict(zip(ids, asset_store.load_assets(conn, ids), strict=True))
    facts = hash_store.keeper_facts(conn, ids)
    out = []
    for g in groups:
        if g.copies is not None:
            asset, f = assets[g.ids[0]], facts[g.ids[0]]
            members = [
                DuplicateMember(
                    content_hash=asset.content_hash,
                    path=c.path,
                    keeper=n == 0,
                    match=DuplicateTier.EXACT,
                    distance=0,
                    nearest=0,
                    details=None
                    if req.compact
                    else _details(asset, f).model_copy(update={"file_size": c.file_size}),
                )
                for n, c in enumerate(g.copies)
            ]
            text = f"{g.size} copies of one file (same SHA-256); keep {members[0].path}: {g.reason}"
        else:
            codes = [facts[i].phash for i in g.ids]
            hashed = [to_unsigned64(c) for c in codes if c is not None]
            keeper_code = to_unsigned64(codes[0]) if codes[0] is not None else None
            near = nearest_member(np.array(hashed, dtype=np.uint64)).tolist()
            nearest_of = iter(near)
            members = []
            for n, i in enumerate(g.ids):
                signed = codes[n]
                code = to_unsigned64(signed) if signed is not None else None
                members.append(
                    DuplicateMember(
                        content_hash=assets[i].content_hash,
                        path=assets[i].file_path,
                        keeper=n == 0,
                        match=g.match.get(i, g.kind),
                        distance=None
                        if code is None or keeper_code is None
                        else (code ^ keeper_code).bit_count(),
                        nearest=None if code is None else next(nearest_of),
                        details=None if req.compact else _details(assets[i], facts[i]),
                    )
                )
            text = _explain(g, members, req.threshold)
        out.append(
            DuplicateGroup(
                kind=g.kind,
                size=len(members),
                keeper=members[0],
                reason=g.reason,
                explanation=text,
                members=members,
            )
        )
    return out


def _explain(g: _Group, members: list[DuplicateMember], threshold: int) -> str:
    keep = f"keep {members[0].path}: {_phrase(g)}"
    if g.kind is DuplicateTier.SAME_PIXELS:
        return f"{g.size} files with identical decoded pixels; {keep}"
    if g.kind is DuplicateTier.VARIANT:
        return f"{g.size} images from one prompt and model ({g.note}); {keep}"
    far = max(m.distance or 0 for m in members)
    same = sum(m.match is DuplicateTier.SAME_PIXELS for m in members)
    pixels = f", {same} with the keeper's exact pixels" if same else ""
    return (
        f"{g.size} images within {far} bits of the keeper (threshold {threshold}){pixels}; {keep}"
    )


def find_duplicates(
    catalog: Catalog, req: DuplicatesRequest, filters: Filters = None
) -> DuplicatesResult:
    """The groups of the tiers asked for, largest first (then by tier), one page of them."""
    allowed_ids = service.allowed_ids(catalog, filters)
    allowed = None if allowed_ids is None else set(allowed_ids.tolist())
    order = [c.value for c in req.keeper_order]
    tiers = set(req.tiers)
    store = index_for(catalog)
    groups: list[_Group] = []
    low: list[int] = []
    with catalog.read() as conn:
        pixels = _Pixels(conn)
        if tiers & {DuplicateTier.NEAR, DuplicateTier.SAME_PIXELS}:
            with store.lock:
                store.sync(conn)
                ids, codes = store.ids, store.codes
            if allowed_ids is not None:
                keep = np.isin(ids, allowed_ids)
                ids, codes = ids[keep], codes[keep]
            flat = low_detail(codes, np.isin(ids, hash_store.tiny_ids(conn, MIN_EDGE)))
            low = ids[flat].tolist()
            groups += _near_groups(conn, ids[~flat], codes[~flat], req, pixels)
            groups += _low_detail_groups(conn, low, order, pixels)
        if DuplicateTier.VARIANT in tiers:
            groups += _variant_groups(conn, allowed, order)
        if DuplicateTier.EXACT in tiers:
            groups += _exact_groups(conn, allowed)
        groups = [g for g in groups if g.kind in tiers]
        groups.sort(key=lambda g: (-g.size, _TIER_ORDER[g.kind], g.ids))
        page = groups[req.offset : req.offset + req.limit]
        rendered = _render(conn, page, req)
        low_assets = asset_store.load_assets(conn, low[: req.limit])
        low_facts = hash_store.keeper_facts(conn, low[: req.limit])
    return DuplicatesResult(
        threshold=req.threshold,
        tiers=req.tiers,
        keeper_order=req.keeper_order,
        group_count=len(groups),
        member_count=sum(g.size for g in groups),
        offset=req.offset,
        limit=req.limit,
        compact=req.compact,
        groups=rendered,
        low_detail_count=len(low),
        low_detail=[
            LowDetailAsset(
                content_hash=a.content_hash,
                path=a.file_path,
                phash=f"{to_unsigned64(low_facts[i].phash or 0):016x}",
                width=low_facts[i].width,
                height=low_facts[i].height,
            )
            for i, a in zip(low[: req.limit], low_assets, strict=True)
        ],
    )

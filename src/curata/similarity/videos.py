"""Videos like a target, from the frame hashes the scanner stored.

A video target (cataloged, or a video file probed like the scanner does): every other
video whose frames match the target's in order (:func:`curata.similarity.frames.align`)
for at least ``min_share`` of the shorter one; ordered by share, then median distance,
then asset id. An image target (an image asset, an image file, a raw pHash): the
videos with a frame within ``threshold`` of it, nearest frame first.
"""

from __future__ import annotations

import numpy as np

from curata.catalog import Catalog
from curata.catalog import assets as asset_store
from curata.catalog import similarity as hash_store
from curata.errors import InvalidRequest
from curata.models.similarity import (
    SimilarVideosRequest,
    SimilarVideosResult,
    VideoMatch,
    VideoRelation,
)
from curata.roots import Confinement
from curata.similarity import frames as frame_core
from curata.similarity.bits import as_codes
from curata.similarity.frames import Frames
from curata.similarity.groups import low_detail
from curata.similarity.service import Target, readable_roots, resolve_target

# Durations this close (seconds, or this share of the longer) make a copy, not a trim.
SAME_LENGTH_S, SAME_LENGTH_SHARE = 0.5, 0.05


class _Videos:
    """The catalog's frames, sliced per video."""

    def __init__(self, rows: hash_store.FrameRows) -> None:
        self.ids, starts = np.unique(rows.asset_ids, return_index=True)
        self.bounds = np.r_[starts, len(rows.asset_ids)]
        self.times = rows.positions * rows.durations
        self.codes = as_codes(rows.codes)
        self.durations = rows.durations[starts] if len(starts) else rows.durations

    def frames(self, k: int) -> Frames:
        a, b = self.bounds[k], self.bounds[k + 1]
        return Frames(self.times[a:b], self.codes[a:b]).informative()

    def slot(self, asset_id: int | None) -> int | None:
        k = int(np.searchsorted(self.ids, asset_id)) if asset_id is not None else 0
        return k if asset_id is not None and k < len(self.ids) and self.ids[k] == asset_id else None


def _relation(target_s: float, match_s: float) -> VideoRelation:
    if abs(target_s - match_s) <= max(SAME_LENGTH_S, SAME_LENGTH_SHARE * max(target_s, match_s)):
        return VideoRelation.COPY
    return VideoRelation.TRIM if match_s < target_s else VideoRelation.CONTAINS


def _target_video(videos: _Videos, target: Target) -> tuple[Frames, float] | None:
    """The target's frames and duration when it is a video."""
    k = videos.slot(target.asset_id)
    if k is not None:
        return videos.frames(k), float(videos.durations[k])
    if target.frames:
        duration = target.duration or 0.0
        times = np.array([p * duration for p, _ in target.frames], dtype=np.float64)
        codes = as_codes([h for _, h in target.frames])
        return Frames(times, codes).informative(), duration
    return None


def _video_matches(
    videos: _Videos, own: Frames, duration: float, req: SimilarVideosRequest, skip: int | None
) -> list[tuple[tuple[float, float, int], int, dict[str, object]]]:
    """Copies of a video: candidates have frames near the target's, then are aligned."""
    hit = np.zeros(len(videos.codes), dtype=bool)
    for code in own.codes:
        hit |= np.bitwise_count(videos.codes ^ code) <= req.threshold
    candidates = np.unique(np.searchsorted(videos.bounds, np.flatnonzero(hit), side="right") - 1)
    out: list[tuple[tuple[float, float, int], int, dict[str, object]]] = []
    for k in candidates.tolist():
        if k == skip:
            continue
        other = videos.frames(k)
        alignment = frame_core.align(own, other, req.threshold)
        if not frame_core.is_copy(alignment, own, other, req.min_share):
            continue
        median = int(np.median(alignment.distances))
        fields = {
            "relation": _relation(duration, float(videos.durations[k])),
            "distance": median,
            "matched": alignment.matched,
            "share": round(alignment.share, 4),
            "offset": round(frame_core.offset(alignment, own, other), 3),
        }
        out.append(((-alignment.share, median, int(videos.ids[k])), k, fields))
    return out


def _frame_matches(
    videos: _Videos, code: int, req: SimilarVideosRequest, skip: int | None
) -> list[tuple[tuple[float, float, int], int, dict[str, object]]]:
    """Videos with a frame near one image: each video's nearest frame (then the earliest)."""
    informative = ~low_detail(videos.codes, np.zeros(len(videos.codes), dtype=bool))
    dist = np.bitwise_count(videos.codes ^ np.uint64(code)).astype(np.int64)
    rows = np.flatnonzero((dist <= req.threshold) & informative)
    out = []
    owner = np.searchsorted(videos.bounds, rows, side="right") - 1
    for k in np.unique(owner).tolist():
        if k == skip:
            continue
        mine = rows[owner == k]
        best = mine[np.lexsort((videos.times[mine], dist[mine]))[0]]
        fields = {
            "relation": VideoRelation.FRAME,
            "distance": int(dist[best]),
            "matched": len(mine),
            "frame_time": round(float(videos.times[best]), 3),
        }
        out.append(((0.0, float(dist[best]), int(videos.ids[k])), k, fields))
    return out


def find_similar_videos(
    catalog: Catalog, req: SimilarVideosRequest, confinement: Confinement | None = None
) -> SimilarVideosResult:
    """Copies of a video target, or the videos containing an image target."""
    with catalog.read() as conn:
        roots = readable_roots(conn, confinement)
        target = resolve_target(conn, req.target, roots)
        videos = _Videos(hash_store.frame_rows(conn))
        skip = videos.slot(target.asset_id)
        video = _target_video(videos, target)
        if video is not None:
            own, duration = video
            if not len(own):
                raise InvalidRequest(
                    "the target video has no informative frame (all flat or dark)",
                    field="target",
                )
            found = _video_matches(videos, own, duration, req, skip)
        else:
            code = np.array([target.phash], dtype=np.uint64)
            if low_detail(code, np.zeros(1, dtype=bool))[0]:
                raise InvalidRequest(
                    "the target image is flat or nearly (a low-detail pHash matches any "
                    "flat frame)",
                    field="target",
                )
            found = _frame_matches(videos, target.phash, req, skip)
        found.sort(key=lambda f: f[0])
        page = found[: req.limit]
        assets = asset_store.load_assets(conn, [int(videos.ids[k]) for _, k, _ in page])
    return SimilarVideosResult(
        target=target.model(),
        mode="video" if video is not None else "frame",
        frames=len(video[0]) if video is not None else 1,
        threshold=req.threshold,
        min_share=req.min_share,
        total=len(found),
        results=[
            VideoMatch(asset=asset, **fields)
            for asset, (_, _, fields) in zip(assets, page, strict=True)
        ],
    )

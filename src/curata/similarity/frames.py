"""Video similarity from frame hashes (pure).

The scanner keeps the pHash of a frame every half second of a video (at most 32,
spread evenly: :func:`curata.ingest.video.frame_positions`). Two videos are copies of
each other (a re-encode, a resize, a trim) when a large share of their frames match
**in order**: :func:`align` finds the longest chain of frame pairs ``(i1, j1), (i2,
j2), ...`` with ``i`` and ``j`` both increasing and every pair within ``t`` bits (a
longest common subsequence where "equal" means "within t"). The share is that chain's
length over the informative frames of the video that has fewer: a trimmed copy is
entirely inside its original, so it matches with a share near 1 although the original
has frames the trim lacks.

Frames whose hash says nothing (black fades, flat titles: the low-detail rule of
:func:`curata.similarity.groups.low_detail`) never match: every black frame of every
video would match every other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from curata.similarity.groups import low_detail

# A chain of a single frame pair is a shared still, not a copy (unless a video has
# only one informative frame).
MIN_MATCHED = 2


@dataclass(frozen=True)
class Frames:
    """One video's sampled frames: their times (seconds, ascending) and pHashes."""

    times: np.ndarray
    codes: np.ndarray

    def informative(self) -> Frames:
        keep = ~low_detail(self.codes, np.zeros(len(self.codes), dtype=bool))
        return Frames(self.times[keep], self.codes[keep])

    def __len__(self) -> int:
        return len(self.codes)


@dataclass(frozen=True)
class Alignment:
    """Frames of ``a`` matched in order to frames of ``b`` (indexes into each)."""

    a: np.ndarray
    b: np.ndarray
    distances: np.ndarray
    share: float

    @property
    def matched(self) -> int:
        return len(self.a)


def align(a: Frames, b: Frames, t: int) -> Alignment:
    """The longest in-order chain of frame pairs within ``t`` of each other (both
    videos' informative frames only); ``share``: its length over the smaller frame count."""
    close = np.bitwise_count(a.codes[:, None] ^ b.codes[None, :]) <= t
    na, nb = close.shape
    # length[i, j]: the longest chain using frames before i of a and before j of b.
    length = np.zeros((na + 1, nb + 1), dtype=np.int64)
    for i in range(na):
        for j in range(nb):
            if close[i, j]:
                length[i + 1, j + 1] = length[i, j] + 1
            else:
                length[i + 1, j + 1] = max(length[i, j + 1], length[i + 1, j])
    pairs = []
    i, j = na, nb
    while i and j:
        if close[i - 1, j - 1] and length[i, j] == length[i - 1, j - 1] + 1:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif length[i - 1, j] >= length[i, j - 1]:
            i -= 1
        else:
            j -= 1
    pairs.reverse()
    ia = np.array([p[0] for p in pairs], dtype=np.int64)
    ib = np.array([p[1] for p in pairs], dtype=np.int64)
    dist = np.bitwise_count(a.codes[ia] ^ b.codes[ib]).astype(np.int64)
    smaller = min(na, nb)
    return Alignment(ia, ib, dist, len(pairs) / smaller if smaller else 0.0)


def is_copy(alignment: Alignment, a: Frames, b: Frames, min_share: float) -> bool:
    """Enough frames matched in order: ``min_share`` of the smaller video, and at least
    :data:`MIN_MATCHED` of them unless a video has a single informative frame."""
    needed = min(MIN_MATCHED, len(a), len(b))
    return alignment.matched >= max(needed, 1) and alignment.share >= min_share


def offset(alignment: Alignment, a: Frames, b: Frames) -> float:
    """Where ``a``'s time 0 falls in ``b`` (seconds, the median over the matched pairs):
    positive when ``a`` is a trim starting that far into ``b``."""
    return float(np.median(b.times[alignment.b] - a.times[alignment.a]))

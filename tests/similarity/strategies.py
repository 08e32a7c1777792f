"""Hypothesis strategies for code sets that contain near neighbours, not just noise."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

u64 = st.integers(min_value=0, max_value=2**64 - 1)


@st.composite
def clustered_codes(draw: st.DrawFn, max_size: int = 300) -> np.ndarray:
    """Random centres, each with copies differing in a few bits (some identical)."""
    centres = draw(st.lists(u64, min_size=1, max_size=12))
    seed = draw(st.integers(0, 2**32 - 1))
    size = draw(st.integers(1, max_size))
    rng = np.random.default_rng(seed)
    base = np.array(centres, dtype=np.uint64)[rng.integers(0, len(centres), size)]
    flips = rng.integers(0, 14, size)
    out = base.copy()
    for i, f in enumerate(flips):
        for bit in rng.choice(64, size=int(f), replace=False):
            out[i] ^= np.uint64(1) << np.uint64(bit)
    return out


@st.composite
def query_near(draw: st.DrawFn, codes: np.ndarray) -> int:
    """A code from the set with a few bits flipped, or an arbitrary code."""
    if len(codes) and draw(st.booleans()):
        q = int(codes[draw(st.integers(0, len(codes) - 1))])
        for bit in draw(st.lists(st.integers(0, 63), max_size=8)):
            q ^= 1 << bit
        return q
    return draw(u64)

"""Similarity and duplicates: exact Hamming search over 64-bit perceptual hashes.

Pure core: :mod:`.bits` (popcount, numpy brute force), :mod:`.plan` (pigeonhole
chunking), :mod:`.mih` (multi-index tables and numba kernels), :mod:`.index`
(:class:`HammingIndex`), :mod:`.join` (all pairs within a threshold, components).
"""

from curata.similarity.index import HammingIndex, Hits
from curata.similarity.join import JoinResult, join

__all__ = ["HammingIndex", "Hits", "JoinResult", "join"]

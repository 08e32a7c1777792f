"""The spec's scoring rules as small pure functions: language, HD, tier, thresholds, scores.

Everything here is a function of its arguments (no I/O, no state) and is shared by
the selection, ``score_asset`` and the tests.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from curata.autoselect.assettypes import expected_aspect_ratio

# Language classes, in order of preference for the tiers.
EXACT, NEUTRAL, OTHER = 0, 1, 2
LANGUAGE_SCORES = (1.0, 0.5, 0.0)
NEUTRAL_LANGUAGES = frozenset({"", "xx", "00", "null"})
"""Language values that mean "no language" (besides a missing one)."""

HD_HINTS = frozenset({"hd", "bluray", "4k", "uhd", "1080p", "2160p"})
"""Whole words (case-insensitive) in a metadata value that mark art as HD."""
HD_QUALITIES = frozenset({"hd", "4k", "uhd"})
"""``quality`` values (case-insensitive) that mark art as HD."""
HD_EDGE = 1920

_HINT_WORD = re.compile(r"(?<!\w)(?:" + "|".join(sorted(HD_HINTS)) + r")(?!\w)", re.IGNORECASE)

# TIER[language class][hd]: preferred language (exact or neutral) + HD is tier 1.
TIERS = ((2, 1), (2, 1), (4, 3))

# Resolution score steps: (minimum pixels, score); below the last step it is linear.
_RESOLUTION_STEPS = (
    (7680 * 4320, 1.0),
    (3840 * 2160, 0.95),
    (2560 * 1440, 0.85),
    (1920 * 1080, 0.75),
    (1280 * 720, 0.6),
    (854 * 480, 0.4),
    (640 * 360, 0.2),
)
_LOWEST_STEP = 640 * 360

# Aspect deviation steps: (maximum relative deviation, score); edges are inclusive.
_ASPECT_STEPS = ((0.02, 1.0), (0.05, 0.9), (0.10, 0.7), (0.20, 0.4))
ASPECT_TOLERANCE = 1e-9
"""Added to every band edge: a ratio exactly 2% (5%, ...) off either way is inside the
band, although ``expected * 1.02`` and ``expected * 0.98`` round differently."""


def language_class(language: str | None, preferred: str) -> int:
    """``EXACT`` for the preferred language, ``NEUTRAL`` for none, else ``OTHER``.

    ``language`` is expected normalized (lowercase, trimmed) as ``AssetCandidate``
    stores it.
    """
    if language is None or language in NEUTRAL_LANGUAGES:
        return NEUTRAL
    return EXACT if language == preferred else OTHER


def language_score(language: str | None, preferred: str) -> float:
    """Spec: exact match 1.0, language-neutral 0.5, any other language 0.0."""
    return LANGUAGE_SCORES[language_class(language, preferred)]


def _looks_like_path(text: str) -> bool:
    return "/" in text or "\\" in text


def has_hd_hint(metadata: Any) -> bool:
    """True when a metadata *value* holds an HD hint as a whole word.

    Keys are not read; values that look like paths or URLs are skipped entirely, so
    ``/media/HD/poster.jpg`` is no hint, and ``HDR`` or ``poster_hd`` are not the
    word ``HD``. Lists and nested mappings are searched through.
    """
    if isinstance(metadata, str):
        return not _looks_like_path(metadata) and _HINT_WORD.search(metadata) is not None
    if isinstance(metadata, Mapping):
        values: Any = metadata.values()
    elif isinstance(metadata, list | tuple):
        values = metadata
    else:
        return False
    for value in values:
        if type(value) is str:
            if "/" not in value and "\\" not in value and _HINT_WORD.search(value):
                return True
        elif value and has_hd_hint(value):
            return True
    return False


def is_hd(width: int | None, height: int | None, quality: str | None, metadata: Any) -> bool:
    """Spec HD: an edge of at least 1920 px, quality ``hd``/``4k``, or a metadata hint."""
    return (
        (width or 0) >= HD_EDGE
        or (height or 0) >= HD_EDGE
        or (isinstance(quality, str) and quality.strip().lower() in HD_QUALITIES)
        or (bool(metadata) and has_hd_hint(metadata))
    )


def tier_of(language_cls: int, hd: bool) -> int:
    """Tier 1: preferred language (score >= 0.5) and HD; 2: preferred; 3: HD; 4: the rest."""
    return TIERS[language_cls][hd]


def votes_significantly_below(votes: int, leader: int) -> bool:
    """``leader`` beats ``votes`` when the difference exceeds 50% of the smaller value.

    Both must be votes (> 0): 0 means "no votes" and is never compared.
    Integer arithmetic: ``leader - votes > votes / 2``  <=>  ``2 * leader > 3 * votes``.
    """
    return votes > 0 and leader > 0 and 2 * leader > 3 * votes


def resolution_significantly_below(pixels: int, best: int) -> bool:
    """``best`` beats ``pixels`` when the difference exceeds 10% of the smaller value.

    Unknown resolutions (0) are never compared: ``10 * best > 11 * pixels``.
    """
    return pixels > 0 and best > 0 and 10 * best > 11 * pixels


def resolution_score(pixels: int) -> float:
    """The spec's table: 8K 1.0, 4K 0.95, 1440p 0.85, 1080p 0.75, 720p 0.6, 480p 0.4,
    360p 0.2, and linear from 0 to 0.2 below 360p."""
    if pixels <= 0:
        return 0.0
    for minimum, score in _RESOLUTION_STEPS:
        if pixels >= minimum:
            return score
    return 0.2 * pixels / _LOWEST_STEP


def aspect_ratio_of(
    width: int | None, height: int | None, aspect_ratio: float | None
) -> float | None:
    """The measured ratio from the dimensions, else the provider's stated one."""
    if width and height:
        return width / height
    return aspect_ratio


def aspect_ratio_score(ratio: float | None, asset_type: str) -> float:
    """Deviation from the type's expected ratio, the same both ways: within 2% 1.0,
    5% 0.9, 10% 0.7, 20% 0.4, beyond 0.0 (edges inclusive, see ``ASPECT_TOLERANCE``).
    Unknown ratio: 0.0 (no bonus)."""
    if not ratio:
        return 0.0
    expected = expected_aspect_ratio(asset_type)
    deviation = abs(ratio - expected) / expected
    for limit, score in _ASPECT_STEPS:
        if deviation <= limit + ASPECT_TOLERANCE:
            return score
    return 0.0


def vote_score(votes: int | None) -> float:
    """Votes normalized to 0-1 (votes / 100, capped)."""
    return min((votes or 0) / 100.0, 1.0)


def display_score(tier: int, res_score: float, ar_score: float, v_score: float) -> float:
    """The spec's normalized display score, capped at 1.0 (it saturates in tier 1):
    ``(5 - tier) / 4 + res_score * 0.2 + ar_score * 0.1 + v_score * 0.15``."""
    return round(min((5 - tier) / 4 + res_score * 0.2 + ar_score * 0.1 + v_score * 0.15, 1.0), 6)


def rank_score(tier: int, position: int, tier_size: int) -> float:
    """A 0-1 score that strictly decreases down a ranked list.

    ``(4 - tier + (tier_size - position) / tier_size) / 4``: tiers occupy disjoint
    bands (tier 1 in (0.75, 1.0], tier 4 in (0, 0.25]) and ``position`` (from 0)
    orders the candidates inside their tier's band. 1.0 only for the winner of tier 1.
    """
    return (4 - tier + (tier_size - position) / tier_size) / 4

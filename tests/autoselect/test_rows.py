"""The per-candidate kernel row, derived at validation (the edge)."""

from __future__ import annotations

import struct

import pytest
from pydantic import ValidationError

from curata.autoselect import rules
from curata.autoselect.rows import (
    C_FLAGS,
    C_GROUP,
    C_HD,
    C_KEY,
    C_PHASH,
    F_HAS_PHASH,
    F_HAS_SIZE,
    N_COLUMNS,
    TYPE_INDEX,
    candidate_row,
    language_id,
    languages,
    signed64,
    url_key,
)
from curata.models.autoselect import AssetCandidate
from tests.autoselect.conftest import cand, ranked_urls, select


def _row(c: AssetCandidate) -> tuple[int, ...]:
    return struct.unpack(f"<{N_COLUMNS}q", c.__pydantic_private__["_row"])


def test_row_and_bonus_follow_the_fields_however_the_model_is_made() -> None:
    made = AssetCandidate(url="u", asset_type="fanart", width=1920, height=1080,
                          perceptual_hash="ffffffffffffffff", file_size=0)  # fmt: skip
    row = _row(made)
    assert row[C_GROUP] == TYPE_INDEX["fanart"] and row[C_HD] == 1
    assert row[C_FLAGS] == F_HAS_SIZE | F_HAS_PHASH
    assert row[C_PHASH] == -1 == signed64(2**64 - 1)
    assert row[C_KEY] == url_key("u") and 0 <= row[C_KEY] < 2**63
    constructed = AssetCandidate.model_construct(url="u", asset_type="fanart", width=1920)
    assert _row(constructed)[C_HD] == 1
    smaller = made.model_copy(update={"width": 1000, "height": 562})
    assert _row(smaller)[C_HD] == 0
    assert smaller.__pydantic_private__["_bonus"] == rules.candidate_bonus(
        1000, 562, None, None, "fanart"
    )
    assert _row(made) == row == _row(AssetCandidate.model_validate(made.model_dump()))
    with pytest.raises(ValidationError):
        made.width = 10  # frozen: the row cannot go stale


def test_row_agrees_with_the_rules() -> None:
    hinted = AssetCandidate(url="h", asset_type="poster", metadata={"src": "BluRay"})
    assert _row(hinted)[C_HD] == 1 == rules.is_hd(None, None, None, hinted.metadata)
    assert candidate_row(hinted) == hinted.__pydantic_private__["_row"]


def test_languages_are_interned_once() -> None:
    first = language_id("pt-br")
    assert language_id("pt-br") == first
    assert languages()[first] == "pt-br"
    assert language_id(None) == 0


def test_url_key_is_stable_across_processes() -> None:
    # BLAKE2b, not Python's salted hash(): the same value in every run.
    assert url_key("https://image.tmdb.org/t/p/original/poster1.jpg") == url_key(
        "https://image.tmdb.org/t/p/original/poster1.jpg"
    )
    assert url_key("a") != url_key("b")
    # Pinned: changing the key function would reorder ties between releases.
    assert url_key("a") == 0x207C4F1CADB32117


def test_near_duplicates_among_candidates_with_a_hamming_threshold() -> None:
    results = {
        "local": [
            cand("/m/poster.jpg", width=2000, height=3000, perceptual_hash="8f373714acfcf4d0"),
            cand("/m/poster-small.jpg", width=1000, height=1500,
                 perceptual_hash="8f373714acfcf4d3"),
        ]
    }  # fmt: skip
    assert len(select(results)["poster"].ranked) == 2
    outcome = select(results, hamming_threshold=2)
    assert ranked_urls(outcome) == ["/m/poster.jpg"]
    assert outcome["poster"].skipped[0].reason == "duplicate of local /m/poster.jpg"

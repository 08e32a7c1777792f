"""Column encodings: round trips for every value they accept."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curata.catalog.codec import path_from_db, path_to_db, to_signed64, to_unsigned64


@given(st.integers(min_value=0, max_value=2**64 - 1))
def test_hash_round_trips_through_signed_bigint(value: int) -> None:
    stored = to_signed64(value)
    assert -(2**63) <= stored < 2**63
    assert to_unsigned64(stored) == value


@pytest.mark.parametrize("bad", [-1, 2**64])
def test_values_outside_64_bits_are_refused(bad: int) -> None:
    with pytest.raises(ValueError):
        to_signed64(bad)


@given(st.binary(min_size=1, max_size=40))
def test_any_posix_file_name_round_trips_and_is_valid_utf8(raw: bytes) -> None:
    name = raw.decode("utf-8", "surrogateescape")
    stored = path_to_db(name)
    stored.encode("utf-8")  # storable in any text column
    assert path_from_db(stored) == name


def test_plain_names_are_stored_as_they_are() -> None:
    assert path_to_db("/photos/été/a.jpg") == "/photos/été/a.jpg"

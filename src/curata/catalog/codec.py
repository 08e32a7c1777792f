"""Conversions between Python values and their catalog column encodings."""

from __future__ import annotations

from datetime import UTC, datetime

_TWO64 = 1 << 64
_TWO63 = 1 << 63


def to_signed64(value: int) -> int:
    """An unsigned 64-bit hash as the signed BIGINT both backends store."""
    if not 0 <= value < _TWO64:
        raise ValueError(f"not a 64-bit unsigned value: {value}")
    return value - _TWO64 if value >= _TWO63 else value


def to_unsigned64(value: int) -> int:
    """A stored signed BIGINT back to the unsigned 64-bit hash."""
    return value + _TWO64 if value < 0 else value


def hash_hex(value: int | None) -> str | None:
    return None if value is None else f"{to_unsigned64(value):016x}"


def epoch_to_datetime(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, tz=UTC)


def datetime_to_epoch(value: datetime) -> float:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()

"""Conversions between Python values and their catalog column encodings."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, overload

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


@overload
def epoch_to_datetime(value: float) -> datetime: ...
@overload
def epoch_to_datetime(value: None) -> None: ...
def epoch_to_datetime(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, tz=UTC)


def datetime_to_epoch(value: datetime) -> float:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


_ESC = "\uf8ff"


def path_to_db(path: str) -> str:
    """A filesystem path as storable text, reversibly.

    Names that are not valid UTF-8 reach Python with lone surrogates (PEP 383), which
    no database text column accepts; each becomes ``U+F8FF`` and two hex digits, and a
    literal ``U+F8FF`` is doubled, so :func:`path_from_db` restores the exact name.
    """
    if path.isascii():
        return path
    out = []
    for ch in path:
        if ch == _ESC:
            out.append(_ESC * 2)
        elif "\udc80" <= ch <= "\udcff":
            out.append(f"{_ESC}{ord(ch) - 0xDC00:02x}")
        else:
            out.append(ch)
    return "".join(out)


def path_from_db(text: str) -> str:
    """The path :func:`path_to_db` stored; a ``U+F8FF`` it did not write is kept as is."""
    if _ESC not in text:
        return text
    out = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == _ESC:
            if text[i + 1 : i + 2] == _ESC:
                out.append(_ESC)
                i += 2
                continue
            code = text[i + 1 : i + 3]
            if len(code) == 2 and code in _BYTE_CODES:
                out.append(chr(0xDC00 + int(code, 16)))
                i += 3
                continue
        out.append(ch)
        i += 1
    return "".join(out)


_BYTE_CODES = frozenset(f"{b:02x}" for b in range(0x80, 0x100))


def json_to_db(value: Any) -> Any:
    """A JSON column's value with every string (and key) through :func:`path_to_db`, so
    file names that are not UTF-8 can be stored (PostgreSQL refuses lone surrogates)."""
    if isinstance(value, str):
        return path_to_db(value)
    if isinstance(value, dict):
        return {
            (path_to_db(k) if isinstance(k, str) else k): json_to_db(v) for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [json_to_db(v) for v in value]
    return value


def json_from_db(value: Any) -> Any:
    """The value :func:`json_to_db` stored."""
    if isinstance(value, str):
        return path_from_db(value)
    if isinstance(value, dict):
        return {
            (path_from_db(k) if isinstance(k, str) else k): json_from_db(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [json_from_db(v) for v in value]
    return value

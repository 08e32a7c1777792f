"""Small SQL expression builders shared by the catalog modules."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_

from curata.catalog.codec import path_to_db


def prefix_range(column: Any, prefix: str) -> Any:
    """``column`` starts with ``prefix``, as a range the column's index can serve
    (SQLite's LIKE is case-insensitive and would not use it)."""
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return and_(column >= prefix, column < upper)


def under_root(column: Any, root: str) -> Any:
    """A stored path ``column`` is ``root`` or lies below it (``root`` absolute, unstored)."""
    root_db = path_to_db(root.rstrip("/") or "/")
    below = root_db if root_db.endswith("/") else root_db + "/"
    return (column == root_db) | prefix_range(column, below)

"""Where the catalog lives. Read once, at the edge (``Curata(database=None)``, the CLI)."""

from __future__ import annotations

import os
from pathlib import Path


def curata_home() -> Path:
    """``$CURATA_HOME`` or ``~/.local/share/curata``."""
    home = os.environ.get("CURATA_HOME")
    return Path(home).expanduser() if home else Path.home() / ".local" / "share" / "curata"


def resolve_database_url(database: str | os.PathLike[str] | None) -> str:
    """An SQLAlchemy URL from an explicit URL or path, ``$CURATA_DATABASE``, or the default.

    A plain filesystem path means an SQLite file at that path.
    """
    value = os.fspath(database) if database is not None else os.environ.get("CURATA_DATABASE")
    if not value:
        return f"sqlite:///{curata_home() / 'catalog.db'}"
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def sqlite_file(url: str) -> Path | None:
    """The file of an ``sqlite:///PATH`` URL; None for an in-memory or server database."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return None
    path = url[len(prefix) :].partition("?")[0]
    return Path(path) if path and path != ":memory:" else None


def cache_dir() -> Path:
    """Thumbnails and other derived files that can always be rebuilt."""
    return curata_home() / "cache"

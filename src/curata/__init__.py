"""curata: a local-first curation engine for creative media libraries.

from curata import Curata
cur = Curata()                      # the default catalog
cur.scan(["~/renders"], project="renders")
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from curata.errors import Conflict, CurataError, InvalidRequest, NotFound

if TYPE_CHECKING:
    from curata.interface import Curata

__version__ = "0.1.0"
__all__ = ["Conflict", "Curata", "CurataError", "InvalidRequest", "NotFound", "__version__"]


def __getattr__(name: str) -> object:
    """``Curata`` is imported on first use: the scanner's reader processes import
    ``curata.ingest`` without the whole interface (and ``import curata`` stays quick)."""
    if name == "Curata":
        from curata.interface import Curata

        globals()["Curata"] = Curata
        return Curata
    raise AttributeError(f"module 'curata' has no attribute {name!r}")

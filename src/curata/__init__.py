"""curata: a local-first curation engine for creative media libraries.

from curata import Curata
cur = Curata()                      # the default catalog
cur.scan(["~/renders"], project="renders")
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from curata.errors import Conflict, CurataError, InvalidRequest, NotFound
    from curata.interface import Curata

__version__ = "0.1.0"
__all__ = ["Conflict", "Curata", "CurataError", "InvalidRequest", "NotFound", "__version__"]

_LAZY = {
    "Curata": "curata.interface",
    "Conflict": "curata.errors",
    "CurataError": "curata.errors",
    "InvalidRequest": "curata.errors",
    "NotFound": "curata.errors",
}


def __getattr__(name: str) -> object:
    """The public names are imported on first use: the scanner's reader processes import
    ``curata.ingest`` without the whole interface, and ``import curata`` (which every
    ``curata`` command starts with) loads neither pydantic nor the catalog."""
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'curata' has no attribute {name!r}")

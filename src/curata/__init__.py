"""curata: a local-first curation engine for creative media libraries.

from curata import Curata
cur = Curata()                      # the default catalog
cur.scan(["~/renders"], project="renders")
"""

from curata.errors import Conflict, CurataError, InvalidRequest, NotFound
from curata.interface import Curata

__version__ = "0.1.0"
__all__ = ["Conflict", "Curata", "CurataError", "InvalidRequest", "NotFound", "__version__"]

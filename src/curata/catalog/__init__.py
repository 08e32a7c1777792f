"""The catalog: the only package that speaks SQL.

:class:`Catalog` owns the engine and hands out read and write connections; the
modules beside it (``assets``, ``tags``, ...) are plain functions that take a
connection, so services compose them inside one transaction.
"""

from curata.catalog.engine import Catalog

__all__ = ["Catalog"]

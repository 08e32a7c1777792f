"""Structured search over the catalog (spec: ``search-api.md``).

- :func:`search` runs a :class:`~curata.models.search.SearchRequest`;
- :func:`matching_ids` gives other services the ids matching a ``SearchFilters``;
- :mod:`curata.search.saved` stores and runs named searches.

Filters are compiled (:mod:`.query`, pure) and evaluated against an in-memory index
of the catalog (:mod:`.index`) that follows the catalog's changes.
"""

from curata.search.engine import matching_ids, search

__all__ = ["matching_ids", "search"]

"""Assets to add from a search: every match of search filters or of a saved search."""

from __future__ import annotations

from typing import Any

from curata.catalog import Catalog
from curata.errors import InvalidRequest, NotFound
from curata.models.search import SearchFilters
from curata.models.selections import SelectionUpdateRequest
from curata.search import matching_ids
from curata.search import saved as saved_searches


def searched_asset_ids(catalog: Catalog, req: SelectionUpdateRequest) -> list[int]:
    """Ids of the assets matching ``req.from_search`` or ``req.saved_search`` (the saved
    search of the selection's project, else the global one of that name), ascending."""
    filters: SearchFilters | dict[str, Any] | None
    if req.saved_search is not None:
        try:
            saved = saved_searches.get(catalog, req.saved_search, req.project_id)
        except NotFound:
            try:
                saved = saved_searches.get(catalog, req.saved_search, None)
            except NotFound:
                raise NotFound(
                    f"no saved search {req.saved_search!r} in project {req.project_id!r} or global",
                    field="saved_search",
                ) from None
        filters = saved.request.filters
    else:
        filters = req.from_search
    try:
        ids = matching_ids(catalog, filters or {})
    except InvalidRequest as exc:
        field = (exc.field or "").removeprefix("filters")
        raise InvalidRequest(
            exc.message, field="from_search" + field, details=exc.details
        ) from None
    return [int(i) for i in ids]

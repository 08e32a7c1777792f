"""Saved searches ("smart albums"): a named SearchRequest per project, or global.

The request is stored as the JSON of its validated model and validated again when
run, so a saved search always runs against the catalog as it is now.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from curata.catalog import Catalog
from curata.catalog import search as store
from curata.errors import Conflict, InvalidRequest, NotFound, invalid_from_pydantic
from curata.models.search import (
    SavedSearch,
    SavedSearchRequest,
    SavedSearchUpdate,
    SearchRequest,
    SearchResponse,
)
from curata.search.engine import search

GLOBAL = ""


def _project_id(conn: Connection, project: str | None) -> str:
    """The stored key of a project reference (``""``: global)."""
    if project is None or not project.strip():
        return GLOBAL
    found = store.project_ids(conn, project.strip())
    if not found:
        raise NotFound(f"no project {project!r}", field="project")
    return found[0]


def _model(row: store.SavedRow) -> SavedSearch:
    project_id, name, description, request, created, updated = row
    return SavedSearch(
        name=name,
        project=project_id or None,
        description=description,
        request=_request(name, request),
        created_at=created,
        updated_at=updated,
    )


def _request(name: str, stored: Any) -> SearchRequest:
    try:
        return SearchRequest.model_validate(stored)
    except ValidationError as exc:
        raise invalid_from_pydantic(exc, f"saved search {name!r}.request") from None


def _get(conn: Connection, project_id: str, name: str) -> store.SavedRow:
    row = store.get_saved(conn, project_id, name)
    if row is None:
        where = f" in project {project_id!r}" if project_id else ""
        raise NotFound(f"no saved search {name!r}{where}", field="name")
    return row


def save(catalog: Catalog, req: SavedSearchRequest) -> SavedSearch:
    """Store a new saved search; a name already used in that project is a Conflict, unless
    ``req.replace``: then that saved search gets the new request (and description)."""
    now = datetime.now(UTC)
    try:
        with catalog.write() as conn:
            project_id = _project_id(conn, req.project)
            request = req.request.model_dump(mode="json")
            if store.get_saved(conn, project_id, req.name) is None:
                store.insert_saved(conn, project_id, req.name, req.description, request, now)
            elif req.replace:
                values: dict[str, Any] = {"request": request}
                if req.description is not None:
                    values["description"] = req.description
                store.update_saved(conn, project_id, req.name, values, now)
            else:
                raise Conflict(f"a saved search named {req.name!r} exists", field="name")
            return _model(_get(conn, project_id, req.name))
    except IntegrityError:
        raise Conflict(f"a saved search named {req.name!r} exists", field="name") from None


def update(catalog: Catalog, req: SavedSearchUpdate) -> SavedSearch:
    """Rename, re-describe or replace the request of a saved search."""
    values: dict[str, Any] = {}
    if req.new_name is not None:
        values["name"] = req.new_name.strip()
        if not values["name"]:
            raise InvalidRequest("a name cannot be blank", field="new_name")
    if req.description is not None:
        values["description"] = req.description
    if req.request is not None:
        values["request"] = req.request.model_dump(mode="json")
    try:
        with catalog.write() as conn:
            project_id = _project_id(conn, req.project)
            _get(conn, project_id, req.name)
            new_name = values.get("name", req.name)
            if new_name != req.name and store.get_saved(conn, project_id, new_name) is not None:
                raise Conflict(f"a saved search named {new_name!r} exists", field="new_name")
            store.update_saved(conn, project_id, req.name, values, datetime.now(UTC))
            return _model(_get(conn, project_id, new_name))
    except IntegrityError:
        raise Conflict("a saved search with that name exists", field="new_name") from None


def delete(catalog: Catalog, name: str, project: str | None = None) -> None:
    with catalog.write() as conn:
        project_id = _project_id(conn, project)
        if not store.delete_saved(conn, project_id, name):
            _get(conn, project_id, name)


def listing(catalog: Catalog, project: str | None = None) -> list[SavedSearch]:
    """The saved searches of one project (``None``: every project and the global ones)."""
    with catalog.read() as conn:
        project_id = None if project is None else _project_id(conn, project)
        return [_model(r) for r in store.list_saved(conn, project_id)]


def get(catalog: Catalog, name: str, project: str | None = None) -> SavedSearch:
    with catalog.read() as conn:
        return _model(_get(conn, _project_id(conn, project), name))


def run(
    catalog: Catalog,
    name: str,
    project: str | None = None,
    *,
    limit: int | None = None,
    offset: int | None = None,
) -> SearchResponse:
    """Run a saved search; ``limit``/``offset`` page through it without changing it."""
    request = get(catalog, name, project).request
    changes = {k: v for k, v in (("limit", limit), ("offset", offset)) if v is not None}
    if changes:
        try:
            request = SearchRequest.model_validate({**request.model_dump(), **changes})
        except ValidationError as exc:
            raise invalid_from_pydantic(exc) from None
    return search(catalog, request)

"""Projects: named scopes for assets, selections and saved searches."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from curata.catalog.schema import assets, projects, selection_items, selections
from curata.catalog.selections import aware
from curata.errors import NotFound
from curata.models.projects import DEFAULT_CURRENCY
from curata.slug import slugify


def ensure_project(conn: Connection, name_or_id: str) -> str:
    """The id of the project with this id or name, creating it (id = slug of the name)."""
    found: str | None = conn.execute(
        select(projects.c.id).where((projects.c.id == name_or_id) | (projects.c.name == name_or_id))
    ).scalar()
    if found is not None:
        return found
    project_id = slugify(name_or_id)
    if conn.execute(select(projects.c.id).where(projects.c.id == project_id)).scalar() is None:
        now = datetime.now(UTC)
        conn.execute(
            insert(projects).values(id=project_id, name=name_or_id, created_at=now, updated_at=now)
        )
    return project_id


def _project(row: Any) -> dict[str, Any]:
    budget = (
        None
        if row.budget_amount is None
        else {"amount": row.budget_amount, "currency": row.budget_currency or DEFAULT_CURRENCY}
    )
    return {
        "id": row.id,
        "name": row.name,
        "description": row.description,
        "status": row.status,
        "budget": budget,
        "created_at": aware(row.created_at),
        "updated_at": aware(row.updated_at),
    }


def project_exists(conn: Connection, project_id: str) -> bool:
    return (
        conn.execute(select(projects.c.id).where(projects.c.id == project_id)).first() is not None
    )


def insert_project(conn: Connection, values: dict[str, Any]) -> None:
    conn.execute(insert(projects).values(**values))


def get_project(conn: Connection, project_id: str, *, lock: bool = False) -> dict[str, Any]:
    """The project's stored fields (``budget`` as a dict), or ``NotFound``."""
    query = select(projects).where(projects.c.id == project_id)
    if lock and conn.dialect.name != "sqlite":
        query = query.with_for_update()
    row = conn.execute(query).first()
    if row is None:
        raise NotFound(f"no project {project_id!r}", field="project_id")
    return _project(row)


def list_projects(conn: Connection, status: str | None = None) -> list[dict[str, Any]]:
    query = select(projects).order_by(projects.c.created_at, projects.c.id)
    if status is not None:
        query = query.where(projects.c.status == status)
    return [_project(row) for row in conn.execute(query)]


def update_project(conn: Connection, project_id: str, values: dict[str, Any]) -> None:
    conn.execute(update(projects).where(projects.c.id == project_id).values(**values))


_COST = assets.c.meta[("generation_params", "cost")]


def project_asset_filter(project_id: str) -> Any:
    """What makes an asset one of the project's: it was scanned into it
    (``assets.project_id``), the same rule as the search filter ``project`` and the
    catalog statistics. An item a selection takes from elsewhere stays the other
    project's asset (it counts in that selection's spend)."""
    return assets.c.project_id == project_id


def project_costs(conn: Connection, project_id: str) -> dict[int, Any]:
    """Every asset of the project with the raw ``cost`` of its generation metadata
    (None where unknown)."""
    query = select(assets.c.id, _COST).where(project_asset_filter(project_id))
    return dict(conn.execute(query).all())


def selection_costs(conn: Connection, project_id: str) -> dict[str, list[Any]]:
    """The raw ``cost`` of each item, per selection (by row key) of the project."""
    rows = conn.execute(
        select(selections.c.id, _COST)
        .select_from(selections)
        .outerjoin(selection_items, selection_items.c.selection_id == selections.c.id)
        .outerjoin(assets, assets.c.id == selection_items.c.asset_id)
        .where(selections.c.project_id == project_id)
        .add_columns(selection_items.c.asset_id)
    )
    out: dict[str, list[Any]] = {}
    for key, cost, asset_id in rows:
        costs = out.setdefault(key, [])
        if asset_id is not None:
            costs.append(cost)
    return out

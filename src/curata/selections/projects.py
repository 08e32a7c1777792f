"""Projects: create, list, show, update, archive; budget and spend."""

from __future__ import annotations

from sqlalchemy import Connection

from curata.catalog import Catalog
from curata.catalog import projects as store
from curata.catalog import selections as selection_store
from curata.errors import Conflict, InvalidRequest
from curata.models.projects import (
    DEFAULT_CURRENCY,
    Budget,
    Project,
    ProjectCreateRequest,
    ProjectStatus,
    ProjectUpdateRequest,
    SelectionSpend,
)
from curata.selections.actors import utcnow
from curata.selections.rules import spend
from curata.slug import slugify


def create_project(catalog: Catalog, req: ProjectCreateRequest) -> Project:
    project_id = req.project_id or slugify(req.name)
    now = utcnow()
    with catalog.write() as conn:
        if store.project_exists(conn, project_id):
            raise Conflict(f"a project with id {project_id!r} exists", field="project_id")
        store.insert_project(
            conn,
            {
                "id": project_id,
                "name": req.name,
                "description": req.description,
                "budget_amount": req.budget.amount if req.budget else None,
                "budget_currency": req.budget.currency if req.budget else None,
                "status": ProjectStatus.ACTIVE.value,
                "created_at": now,
                "updated_at": now,
            },
        )
        return _hydrate(conn, project_id)


def _hydrate(conn: Connection, project_id: str) -> Project:
    fields = store.get_project(conn, project_id)
    budget = Budget(**fields["budget"]) if fields["budget"] else None
    currency = budget.currency if budget else DEFAULT_CURRENCY  # of plain-number costs
    costs = store.project_costs(conn, project_id)
    per_selection = store.selection_costs(conn, project_id)
    summaries = {s.key: s for s in selection_store.list_selections(conn, project_id)}
    return Project(
        **{**fields, "budget": budget},
        asset_count=len(costs),
        selection_count=len(summaries),
        spend=spend(costs.values(), budget, currency),
        selections=[
            SelectionSpend(
                selection_id=summaries[key].id,
                name=summaries[key].name,
                budget=summaries[key].budget,
                spend=spend(raw, summaries[key].budget, currency),
            )
            for key, raw in per_selection.items()
        ],
    )


def get_project(catalog: Catalog, project_id: str) -> Project:
    with catalog.read() as conn:
        return _hydrate(conn, project_id)


def list_projects(catalog: Catalog, status: ProjectStatus | None = None) -> list[Project]:
    with catalog.read() as conn:
        ids = [p["id"] for p in store.list_projects(conn, status.value if status else None)]
        return [_hydrate(conn, pid) for pid in ids]


def update_project(catalog: Catalog, req: ProjectUpdateRequest) -> Project:
    if req.clear_budget and req.budget is not None:
        raise InvalidRequest("give a budget or clear_budget, not both", field="clear_budget")
    values: dict[str, object] = {}
    if req.name is not None:
        values["name"] = req.name.strip()
    if "description" in req.model_fields_set:
        values["description"] = req.description
    if req.budget is not None:
        values.update(budget_amount=req.budget.amount, budget_currency=req.budget.currency)
    if req.clear_budget:
        values.update(budget_amount=None, budget_currency=None)
    if not values:
        raise InvalidRequest("nothing to change: give name, description or budget", field="name")
    with catalog.write() as conn:
        store.get_project(conn, req.project_id, lock=True)
        store.update_project(conn, req.project_id, {**values, "updated_at": utcnow()})
        return _hydrate(conn, req.project_id)


def set_project_status(catalog: Catalog, project_id: str, status: ProjectStatus) -> Project:
    with catalog.write() as conn:
        current = store.get_project(conn, project_id, lock=True)
        if current["status"] == status.value:
            raise Conflict(f"the project is already {status.value}", field="status")
        store.update_project(conn, project_id, {"status": status.value, "updated_at": utcnow()})
        return _hydrate(conn, project_id)

"""``curata project create|list|show|update|archive``."""

from __future__ import annotations

import typer
from rich.table import Column, Table

from curata.cli.app import JSON_OPTION, app, console, emit, handle_errors, open_curata
from curata.models import Project, Spend

project_app = typer.Typer(
    help="Projects: named scopes for selections, with an optional budget.", no_args_is_help=True
)
app.add_typer(project_app, name="project")

BUDGET_OPTION = typer.Option(None, "--budget", min=0, help="Budget amount.")
CURRENCY_OPTION = typer.Option("USD", "--currency", help="Budget currency (ISO code).")


def _money(amount: float | None, currency: str | None) -> str:
    return "" if amount is None else f"{amount:,.2f} {currency or ''}".strip()


def spent(spend: Spend) -> str:
    """The spend per currency (never added together), the budget's currency first."""
    totals = sorted(spend.totals, key=lambda t: t.currency != spend.currency)
    shown = [_money(t.amount, t.currency) for t in totals] or [_money(0, spend.currency)]
    return " + ".join(shown)


def _render_one(project: Project) -> None:
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold cyan")
    table.add_column(overflow="fold")
    spend = project.spend
    budget = project.budget
    remaining = spend.remaining
    rows = [
        ("id", project.id),
        ("name", project.name),
        ("status", project.status.value),
        ("description", project.description),
        ("budget", _money(budget.amount, budget.currency) if budget else None),
        (
            "spend",
            f"{spent(spend)} ({spend.assets_with_cost} of {spend.assets} assets have a known cost)",
        ),
        ("remaining", _money(remaining, spend.currency) if remaining is not None else None),
        ("assets", str(project.asset_count)),
        ("selections", str(project.selection_count)),
    ]
    for name, value in rows:
        if value:
            table.add_row(name, value)
    console.print(table)
    if project.selections:
        per = Table(
            "selection",
            "name",
            "budget",
            "spend",
            "remaining",
            "assets with cost",
            title="spend per selection",
        )
        for s in project.selections:
            left = s.spend.remaining
            per.add_row(
                s.selection_id,
                s.name,
                _money(s.budget.amount, s.budget.currency) if s.budget else "",
                spent(s.spend),
                "" if left is None else _money(left, s.spend.currency),
                f"{s.spend.assets_with_cost}/{s.spend.assets}",
            )
        console.print(per)


def _render_list(projects: list[Project]) -> None:
    if not projects:
        console.print("no projects")
        return
    table = Table(
        Column("id", no_wrap=True), "name", "status", "selections", "assets", "budget", "spend"
    )
    for p in projects:
        table.add_row(
            p.id,
            p.name,
            p.status.value,
            str(p.selection_count),
            str(p.asset_count),
            _money(p.budget.amount, p.budget.currency) if p.budget else "",
            spent(p.spend),
        )
    console.print(table)


@project_app.command("create")
@handle_errors
def create(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The project's name."),
    project_id: str | None = typer.Option(None, "--id", help="Id (default: slug of the name)."),
    description: str | None = typer.Option(None, "--description"),
    budget: float | None = BUDGET_OPTION,
    currency: str = CURRENCY_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Create a project: `curata project create "Client Launch" --budget 200`."""
    money = None if budget is None else {"amount": budget, "currency": currency}
    result = open_curata(ctx).create_project(
        {"name": name, "description": description, "budget": money, "project_id": project_id}
    )
    emit(result.data, as_json, _render_one)


@project_app.command("list")
@handle_errors
def list_(
    ctx: typer.Context,
    status: str | None = typer.Option(None, "--status", help="active or archived"),
    as_json: bool = JSON_OPTION,
) -> None:
    """List projects with their budget and spend."""
    emit(open_curata(ctx).list_projects(status).data, as_json, _render_list)


@project_app.command("show")
@handle_errors
def show(
    ctx: typer.Context, project_id: str = typer.Argument(...), as_json: bool = JSON_OPTION
) -> None:
    """A project's budget, spend (total and per selection) and counts."""
    emit(open_curata(ctx).get_project(project_id).data, as_json, _render_one)


@project_app.command("update")
@handle_errors
def update(
    ctx: typer.Context,
    project_id: str = typer.Argument(...),
    name: str | None = typer.Option(None, "--name"),
    description: str | None = typer.Option(None, "--description"),
    budget: float | None = BUDGET_OPTION,
    currency: str = CURRENCY_OPTION,
    clear_budget: bool = typer.Option(False, "--clear-budget", help="Remove the budget."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Rename a project, change its description or budget."""
    request: dict[str, object] = {"project_id": project_id, "clear_budget": clear_budget}
    if name is not None:
        request["name"] = name
    if description is not None:
        request["description"] = description
    if budget is not None:
        request["budget"] = {"amount": budget, "currency": currency}
    emit(open_curata(ctx).update_project(request).data, as_json, _render_one)


@project_app.command("archive")
@handle_errors
def archive(
    ctx: typer.Context,
    project_id: str = typer.Argument(...),
    restore: bool = typer.Option(False, "--restore", help="Make an archived project active."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Archive a project (no new selections in it), or restore it."""
    emit(open_curata(ctx).archive_project(project_id, restore=restore).data, as_json, _render_one)

"""The typer application, its global options, and the one place errors become messages.

Command modules (``scan``, ``assets``, ...) register themselves on :data:`app`; each
command opens :class:`curata.Curata` through :func:`open_curata`, calls one method,
and prints the result with :func:`emit`.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.markup import escape

from curata.errors import CurataError
from curata.interface import Curata
from curata.models.paths import display, json_safe

P = ParamSpec("P")
R = TypeVar("R")

app = typer.Typer(
    name="curata",
    help="Catalog, search, curate and pick the best of your media library.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


class _Shown:
    """``sys.stdout`` or ``sys.stderr`` (looked up on each use) showing each lone
    surrogate as U+FFFD: file names that are not UTF-8 print on any terminal, and
    ``--json`` carries their exact bytes instead (:mod:`curata.models.paths`)."""

    def __init__(self, name: str) -> None:
        self._name = name

    def write(self, text: str) -> int:
        return getattr(sys, self._name).write(display(text))

    def __getattr__(self, attr: str) -> Any:
        return getattr(getattr(sys, self._name), attr)


console = Console(file=_Shown("stdout"))  # type: ignore[arg-type]
err_console = Console(file=_Shown("stderr"))  # type: ignore[arg-type]

JSON_OPTION = typer.Option(False, "--json", help="Print the full result as JSON.")


@app.callback()
def _main(
    ctx: typer.Context,
    database: str | None = typer.Option(
        None,
        "--database",
        "-d",
        envvar="CURATA_DATABASE",
        help="Catalog: an SQLAlchemy URL or an SQLite file path (default $CURATA_HOME/catalog.db).",
    ),
) -> None:
    ctx.obj = {"database": database}


def open_curata(ctx: typer.Context) -> Curata:
    """The catalog named by the global ``--database`` option, closed when the command ends."""
    root = ctx.find_root()
    cur = Curata(database=(root.obj or {}).get("database"))
    root.call_on_close(cur.close)
    return cur


def handle_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn curata errors into a one-line message on stderr and the error's exit code."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except CurataError as exc:
            err_console.print(
                f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True
            )
            raise typer.Exit(exc.exit_code) from None

    return wrapper


def to_jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [to_jsonable(v) for v in value]
    return json_safe(value)


def print_json(value: Any) -> None:
    """JSON on stdout, unwrapped by rich so that it pipes cleanly."""
    typer.echo(json.dumps(to_jsonable(value), indent=2, ensure_ascii=False))


def emit(value: Any, as_json: bool, render: Callable[[Any], None]) -> None:
    """Print ``value`` as JSON or with the command's own human renderer."""
    if as_json:
        print_json(value)
    else:
        render(value)

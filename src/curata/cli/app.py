"""The typer application, its global options, and the one place errors become messages.

Command modules (``scan``, ``assets``, ...) register themselves on :data:`app` when
they are imported, which happens only when one of their commands runs
(:class:`LazyGroup`): ``curata --help`` imports neither pydantic nor the catalog. Each
command opens :class:`curata.Curata` through :func:`open_curata`, calls one method, and
prints the result with :func:`emit`; :func:`handle_errors` turns a curata error into a
message (or, under ``--json``, a JSON object on stdout) and the error's exit code.
"""

from __future__ import annotations

import functools
import importlib
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from typer.core import TyperCommand, TyperGroup

from curata.cli.render import error_json, error_text

if TYPE_CHECKING:
    from curata.interface import Curata

P = ParamSpec("P")
R = TypeVar("R")

#: Top-level command -> (the module that registers it, the first line of its help).
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("curata.cli.scan", "Create an empty catalog (scan creates one too)."),
    "scan": (
        "curata.cli.scan",
        "Catalog files: new and changed ones are read, unchanged skipped, gone ones marked "
        "missing.",
    ),
    "info": ("curata.cli.assets", "Show everything the catalog knows about one asset."),
    "tag": ("curata.cli.assets", "Add or remove tags (`portrait`, or `style:cyberpunk` pairs)."),
    "rate": (
        "curata.cli.assets",
        "Set the quality rating (0-5) of assets: `curata rate 3fa2b1 9c01d2 4`.",
    ),
    "stats": (
        "curata.cli.assets",
        "Counts by media type, format, AI source, model, project; top tags; errors.",
    ),
    "errors": ("curata.cli.assets", "List the files the scanner could not catalog, and why."),
    "search": (
        "curata.cli.search",
        "Structured search (every filter of the search API) and saved searches.",
    ),
    "similar": (
        "curata.cli.similar",
        "Find assets that look like TARGET (pHash within the threshold), nearest first.",
    ),
    "similar-videos": (
        "curata.cli.similar",
        "Videos that are copies (re-encodes, resizes, trims) of TARGET, or contain an image.",
    ),
    "dupes": (
        "curata.cli.similar",
        "Groups of duplicates, largest first, each with its keeper and why. Deletes nothing.",
    ),
    "resolve-dupes": (
        "curata.cli.similar",
        "Settle a duplicate group in the catalog: merge into KEEPER, tag the others.",
    ),
    "undo-resolve": (
        "curata.cli.similar",
        "Take back one resolve-dupes: its tags and selection items, and the rating.",
    ),
    "project": (
        "curata.cli.project",
        "Projects: named scopes for selections, with an optional budget.",
    ),
    "selection": (
        "curata.cli.selection_items",
        "Selections: curated collections of assets with reasons, roles, groups and history.",
    ),
    "artwork": (
        "curata.cli.artwork",
        "Artwork auto-selection: pick the best poster, fanart, logo... from providers.",
    ),
    "watch": (
        "curata.cli.watch",
        "Scan PATHS, then catalog new and changed files as they are written, mark deleted",
    ),
    "serve": ("curata.cli.serve", "Serve the HTTP API (docs at /docs) and the web page (at /)."),
    "mcp": (
        "curata.cli.mcp",
        "Run the MCP server: tools to search, tag, curate selections and pick artwork.",
    ),
    "demo": (
        "curata.cli.demo",
        "Show what curata does, on the sample library (what `make demo` runs).",
    ),
}


class LazyGroup(TyperGroup):
    """The top-level group: lists :data:`COMMANDS` without importing them, and imports a
    command's module when it is invoked (or asked for its own help)."""

    _listing = False

    # typer 0.29 carries its own copy of click, whose Context, Command and HelpFormatter
    # are not public: they are Any here.
    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in COMMANDS:
            return None
        if self._listing:
            return TyperCommand(cmd_name, help=COMMANDS[cmd_name][1])
        if cmd_name not in self.commands:
            importlib.import_module(COMMANDS[cmd_name][0])
            self.commands.update(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
        return self.commands.get(cmd_name)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


app = typer.Typer(
    name="curata",
    help="Catalog, search, curate and pick the best of your media library.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    cls=LazyGroup,
)


class _Shown:
    """``sys.stdout`` or ``sys.stderr`` (looked up on each use) showing each lone
    surrogate as U+FFFD: file names that are not UTF-8 print on any terminal, and
    ``--json`` carries their exact bytes instead (:mod:`curata.models.paths`)."""

    def __init__(self, name: str) -> None:
        self._name = name

    def write(self, text: str) -> int:
        from curata.models.paths import display

        return getattr(sys, self._name).write(display(text))

    def __getattr__(self, attr: str) -> Any:
        return getattr(getattr(sys, self._name), attr)


# Markup is off: a path, a tag or a message prints as written (styled text: render.styled).
console = Console(file=_Shown("stdout"), markup=False)  # type: ignore[arg-type]
err_console = Console(file=_Shown("stderr"), markup=False)  # type: ignore[arg-type]

JSON_OPTION = typer.Option(False, "--json", help="Print the full result as JSON.")


def _version(value: bool) -> None:
    if value:
        from curata import __version__

        typer.echo(f"curata {__version__}")
        raise typer.Exit()


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
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    ctx.obj = {"database": database}


def open_curata(ctx: typer.Context, *, create: bool = False) -> Curata:
    """The catalog named by the global ``--database`` option, closed when the command
    ends. Only ``create=True`` (``scan``, ``init``, ``watch``, ``serve``, the
    ``artwork`` commands, which keep their settings in it) makes a catalog that does not exist;
    otherwise a missing SQLite file is a ``NotFound`` saying how to create it."""
    from curata.interface import Curata

    root = ctx.find_root()
    cur = Curata(database=(root.obj or {}).get("database"), create=create)
    root.call_on_close(cur.close)
    return cur


def handle_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn curata errors into a one-line message on stderr, or under ``--json`` into
    ``{"error": {"code", "field", "message"}}`` on stdout, with the error's exit code."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from curata.errors import CurataError

        try:
            return fn(*args, **kwargs)
        except CurataError as exc:
            if kwargs.get("as_json"):
                typer.echo(error_json(exc.code, exc.message, exc.field))
            else:
                err_console.print(error_text(str(exc)), highlight=False, soft_wrap=True)
            raise typer.Exit(exc.exit_code) from None

    return wrapper


def to_jsonable(value: Any) -> Any:
    from pydantic import BaseModel

    from curata.models.paths import json_safe

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

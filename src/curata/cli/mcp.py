"""``curata mcp``: the MCP server for AI assistants (stdio, or streamable HTTP on loopback)."""

from __future__ import annotations

from pathlib import Path

import typer

from curata.cli.app import app, err_console, handle_errors, open_curata
from curata.cli.confine import EXPORT_ROOTS_OPTION, ROOTS_OPTION, confinement
from curata.cli.serve import DATABASE_OPTION, is_loopback, use_database
from curata.errors import InvalidRequest


@app.command("mcp")
@handle_errors
def mcp_command(
    ctx: typer.Context,
    http: bool = typer.Option(
        False, "--http", help="Serve streamable HTTP at http://HOST:PORT/mcp instead of stdio."
    ),
    host: str = typer.Option("127.0.0.1", "--host", help="With --http: a loopback address."),
    port: int = typer.Option(8766, "--port", min=0, max=65535, help="With --http: TCP port."),
    database: str | None = DATABASE_OPTION,
    roots: list[Path] | None = ROOTS_OPTION,
    export_roots: list[Path] | None = EXPORT_ROOTS_OPTION,
) -> None:
    """Run the MCP server: tools to search, tag, curate selections and pick artwork.

    Its clients may scan only below --root and export only below --export-root."""
    from curata.mcp import run_http, run_stdio

    if http and not is_loopback(host):
        raise InvalidRequest(
            f"the MCP HTTP transport has no authentication and binds loopback only, not {host}",
            field="host",
        )
    use_database(ctx, database)
    curata = open_curata(ctx).confined(confinement(roots, export_roots))
    if http:
        err_console.print(f"curata MCP server at http://{host}:{port}/mcp", highlight=False)
        run_http(curata, host, port)
    else:
        run_stdio(curata)

"""``curata mcp``: the MCP server for AI assistants (stdio, or streamable HTTP on loopback)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import typer

from curata.cli.app import app, err_console, handle_errors, open_curata
from curata.cli.confine import EXPORT_ROOTS_OPTION, ROOTS_OPTION, confinement
from curata.cli.serve import DATABASE_OPTION, is_loopback, use_database
from curata.errors import InvalidRequest
from curata.interface import Curata


def client_config(curata: Curata) -> dict[str, Any]:
    """The ``mcpServers`` block that starts this very server: this Python, this catalog,
    these roots (works as written, whether or not ``curata`` is on the client's PATH)."""
    scope = curata.confinement
    assert scope is not None
    args = ["-m", "curata", "--database", curata.catalog.url.render_as_string(), "mcp"]
    for root in scope.scan_roots:
        args += ["--root", str(root)]
    for root in scope.export_roots:
        args += ["--export-root", str(root)]
    return {"mcpServers": {"curata": {"command": sys.executable, "args": args}}}


def greet(curata: Curata) -> None:
    """On a terminal: say what the server waits for, and how to connect a client."""
    typer.echo(
        "curata mcp is waiting for an MCP client on stdin (JSON-RPC, not typed commands).\n"
        "An assistant starts it itself; paste this into its configuration (Claude "
        "Desktop: claude_desktop_config.json; see docs/mcp.md):\n"
        + json.dumps(client_config(curata), indent=2)
        + "\nPress Ctrl-C to stop.",
        err=True,
    )


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
    trusted = open_curata(ctx)
    curata = trusted.confined(confinement(roots, export_roots, trusted.settings))
    if http:
        err_console.print(f"curata MCP server at http://{host}:{port}/mcp", highlight=False)
        run_http(curata, host, port)
        return
    try:
        if os.isatty(0):
            greet(curata)
        run_stdio(curata)
    except KeyboardInterrupt:
        err_console.print("curata mcp stopped", highlight=False)
        raise typer.Exit(130) from None

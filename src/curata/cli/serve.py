"""``curata serve``: the HTTP API and web page on loopback (or elsewhere with a token)."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import typer

from curata.cli.app import app, console, handle_errors, open_curata
from curata.errors import InvalidRequest

DATABASE_OPTION = typer.Option(
    None,
    "--database",
    "-d",
    help="Catalog URL or SQLite path (overrides the global --database / $CURATA_DATABASE).",
)


def is_loopback(host: str) -> bool:
    """``localhost`` and loopback addresses (``127.0.0.0/8``, ``::1``)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_exposure(host: str, token: str | None) -> None:
    """Refuse to listen beyond this machine without an API token."""
    if not is_loopback(host) and not token:
        raise InvalidRequest(
            f"refusing to listen on {host} without an API token: every request would be "
            "unauthenticated. Give --token (or set CURATA_TOKEN), or bind 127.0.0.1",
            field="host",
        )


def use_database(ctx: typer.Context, database: str | None) -> None:
    """A command-level ``--database`` takes the place of the global one."""
    if database:
        root = ctx.find_root()
        root.obj = {**(root.obj or {}), "database": database}


@app.command()
@handle_errors
def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (loopback by default)."),
    port: int = typer.Option(8765, "--port", min=0, max=65535, help="TCP port."),
    database: str | None = DATABASE_OPTION,
    token: str | None = typer.Option(
        None,
        "--token",
        envvar="CURATA_TOKEN",
        help="API token: every request must send 'Authorization: Bearer <token>'.",
    ),
    cache_dir: Path | None = typer.Option(
        None, "--cache-dir", help="Thumbnail cache (default $CURATA_HOME/cache)."
    ),
    log_level: str = typer.Option("info", "--log-level", help="uvicorn log level."),
) -> None:
    """Serve the HTTP API (docs at /docs) and the web page (at /)."""
    import uvicorn

    from curata.server import create_app

    check_exposure(host, token)
    use_database(ctx, database)
    curata = open_curata(ctx)
    application = create_app(curata, token=token, cache_dir=cache_dir)
    shown = f"[{host}]" if ":" in host else host
    console.print(
        f"curata serving {curata.catalog.url.render_as_string(hide_password=True)} "
        f"at http://{shown}:{port}/ (API docs at /docs)"
        + ("; API token required" if token else ""),
        highlight=False,
    )
    uvicorn.run(application, host=host, port=port, log_level=log_level)

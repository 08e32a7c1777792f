"""``curata serve``: the HTTP API and web page on loopback (or elsewhere with a token).

The server's clients may scan only below its ``--root`` and ``--watch`` folders (the
``--watch`` ones are also watched: new files appear live) and export only below its
``--export-root`` folders; it answers only to loopback host names and those given
with ``--allow-host`` (and ``--host``), and refuses bodies over ``--max-body`` bytes.
See ``docs/security.md``.
"""

from __future__ import annotations

from pathlib import Path

import typer

from curata.cli.app import app, console, handle_errors, open_curata
from curata.cli.confine import EXPORT_ROOTS_OPTION, ROOTS_OPTION, confinement
from curata.errors import InvalidRequest
from curata.hosts import is_loopback

__all__ = ["DATABASE_OPTION", "check_exposure", "is_loopback", "serve", "use_database"]

DATABASE_OPTION = typer.Option(
    None,
    "--database",
    "-d",
    help="Catalog URL or SQLite path (overrides the global --database / $CURATA_DATABASE).",
)


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
    roots: list[Path] | None = ROOTS_OPTION,
    watch: list[Path] | None = typer.Option(
        None,
        "--watch",
        help="A folder to catalog and keep in step while serving (new files appear live "
        "on the page); also a --root (repeat for several).",
    ),
    export_roots: list[Path] | None = EXPORT_ROOTS_OPTION,
    allow_hosts: list[str] | None = typer.Option(
        None,
        "--allow-host",
        help="A host name the server answers to besides localhost, 127.0.0.1 and [::1] "
        "(repeat for several; --host is added unless it is 0.0.0.0 or ::).",
    ),
    max_body: int | None = typer.Option(
        None, "--max-body", min=1, help="Largest request body in bytes (default 1 MiB)."
    ),
    log_level: str = typer.Option("info", "--log-level", help="uvicorn log level."),
) -> None:
    """Serve the HTTP API (docs at /docs) and the web page (at /)."""
    import uvicorn

    from curata.server import create_app
    from curata.server.guard import MAX_BODY

    check_exposure(host, token)
    use_database(ctx, database)
    if watch:
        missing = [p for p in watch if not p.exists()]
        if missing:
            raise InvalidRequest(f"no such folder to watch: {missing[0]}", field="watch")
    watched = [str(p) for p in watch or ()]
    trusted = open_curata(ctx, create=True)
    curata = trusted.confined(
        confinement([*(roots or ()), *(watch or ())], export_roots, trusted.settings)
    )
    application = create_app(
        curata,
        token=token,
        cache_dir=cache_dir,
        hosts=[*(allow_hosts or ()), host],
        max_body=max_body or MAX_BODY,
        watch=watched,
    )
    shown = f"[{host}]" if ":" in host else host
    console.print(
        f"curata serving {curata.catalog.url.render_as_string(hide_password=True)} "
        f"at http://{shown}:{port}/ (API docs at /docs)"
        + ("; API token required" if token else ""),
        highlight=False,
    )
    scope = curata.confinement
    assert scope is not None
    console.print(
        "clients may scan "
        + (", ".join(map(str, scope.scan_roots)) or "nothing (give --root to allow a folder)")
        + "; exports go under "
        + ", ".join(map(str, scope.export_roots))
        + ("; watching " + ", ".join(watched) if watched else ""),
        highlight=False,
    )
    uvicorn.run(application, host=host, port=port, log_level=log_level)

"""The FastAPI application: every endpoint is one ``Curata`` call.

The operations' endpoints are generated from :data:`curata.operations.OPERATIONS`
(:mod:`curata.server.routes.operations`); the others are written by hand (files,
thumbnails, scan jobs, event streams, bulk actions).

``create_app(curata)`` builds the app around an open :class:`curata.Curata` (the caller
keeps ownership and closes it). With ``token`` set, every API request needs
``Authorization: Bearer <token>``; the web page's static files and the API description
(``/openapi.json``, ``/docs``) hold no catalog data and stay reachable without it.
Every request first passes :class:`curata.server.guard.RequestGuard` (Host, Origin,
body size, methods).
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from importlib.resources import files
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response as StarletteResponse

from curata import __version__
from curata.interface import Curata
from curata.roots import Confinement
from curata.server import errors
from curata.server.auth import require_token
from curata.server.bulk import BulkActions
from curata.server.events import EventHub
from curata.server.files import Thumbnails
from curata.server.guard import MAX_BODY, RequestGuard
from curata.server.jobs import ScanJobs, ThumbnailWarmer, Watcher, warm_search
from curata.server.routes import assets, bulk, events, exports, folders, operations, scans

STATIC = Path(__file__).with_name("static")
#: Swagger UI and ReDoc, shipped by the fastapi-offline package: /docs needs no network.
DOCS_ASSETS = Path(str(files("fastapi_offline") / "static"))
#: ReDoc's bundle draws its "powered by" logo from this CDN address; the server hands the
#: bundle out with the address of a local image instead.
REDOC_CDN_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


@functools.cache
def _redoc_script() -> str:
    script = (DOCS_ASSETS / "redoc.standalone.js").read_text(encoding="utf-8")
    return script.replace(REDOC_CDN_LOGO, "/static-docs/favicon.png")


DESCRIPTION = """\
The HTTP API of a curata catalog. Every operation is one call of the structured
interface `curata.Curata`, with the same request and response models.

Successful responses are the envelope `{success, message, data, error}` with the result in
`data`. Errors use the same envelope with `success: false` and `error: {code, message,
field, details}`: 422 for an invalid request (the field path and the reason), 404 when
something named does not exist, 409 for a conflict with the catalog's state, 401 for a
missing or wrong API token, 403 for a path outside the server's roots or a request from
a Host or Origin it does not answer to, 413 for a body over the server's limit.

Every request's `Host` must be a loopback name or address (or a name the server was
started with, `--allow-host`); a POST, PUT, PATCH or DELETE that carries an `Origin` must
come from this server itself. Scans run only below the server's `--root` folders, and
files are served only from cataloged locations that still resolve inside a scan root.
"""

ROUTERS = (
    operations.router,
    folders.router,
    assets.router,
    scans.router,
    events.router,
    bulk.router,
    exports.router,
)


def create_app(
    curata: Curata,
    token: str | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    *,
    hosts: Iterable[str] = (),
    max_body: int = MAX_BODY,
    watch: Sequence[str | os.PathLike[str]] = (),
    event_clients: int | None = None,
) -> FastAPI:
    """The HTTP API over ``curata``; thumbnails are cached below ``cache_dir`` (default:
    the settings' ``cache_dir``).

    The app always runs confined: a ``curata`` without a confinement (a trusted Python
    or CLI facade) is served as ``curata.confined(Confinement.of())``, that is with no
    scan roots (every ``POST /scans`` is refused; files are served from the catalog's
    recorded scan roots) and exports only below the settings' ``export_root``
    (``$CURATA_HOME/exports``). Pass ``curata.confined(Confinement.of(roots, exports))``
    to allow more. ``hosts`` are the ``Host`` names answered besides loopback (``curata
    serve --allow-host`` and its ``--host``); bodies over ``max_body`` bytes are 413.
    ``watch`` folders (which must lie in the scan roots) are watched while the app runs
    (:meth:`Curata.watch`); ``GET /events`` streams to at most ``event_clients`` clients.
    """
    if curata.confinement is None:
        curata = curata.confined(Confinement.of((), [curata.settings.export_root]))
    hub = EventHub() if event_clients is None else EventHub(max_clients=event_clients)
    thumbnails = Thumbnails(Path(cache_dir) if cache_dir else curata.settings.cache_dir)
    warmer = ThumbnailWarmer(curata, thumbnails.cache, hub)
    jobs = ScanJobs(curata, hub, warmer)
    watcher = Watcher(curata, [os.fspath(p) for p in watch], hub, warmer) if watch else None
    for folder in watch:
        curata.confinement.check_scan(folder, "watch")  # type: ignore[union-attr]

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        threading.Thread(target=warm_search, args=(curata,), daemon=True).start()
        if watcher is not None:
            watcher.start()
        yield
        if watcher is not None:
            watcher.shutdown(60.0)
        jobs.shutdown()
        warmer.shutdown(60.0)

    app = FastAPI(
        title="curata",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.curata = curata
    app.state.token = token or None
    app.state.scan_jobs = jobs
    app.state.thumbnails = thumbnails
    app.state.events = hub
    app.state.thumbnail_warmer = warmer
    app.state.bulk = BulkActions(curata)
    errors.install(app)
    app.add_middleware(RequestGuard, hosts=tuple(hosts), max_body=max_body)
    # Only a server with a token declares (and enforces) bearer security in its OpenAPI.
    guard = [Depends(require_token)] if app.state.token else []
    for router in ROUTERS:
        app.include_router(router, dependencies=guard)

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="curata API",
            swagger_js_url="/static-docs/swagger-ui-bundle.js",
            swagger_css_url="/static-docs/swagger-ui.css",
            swagger_favicon_url="/static-docs/favicon.png",
            # no badge from validator.swagger.io (asked for when the host is not local)
            swagger_ui_parameters={"validatorUrl": None},
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url="/openapi.json",
            title="curata API",
            redoc_js_url="/redoc.standalone.js",
            redoc_favicon_url="/static-docs/favicon.png",
            with_google_fonts=False,
        )

    @app.get("/redoc.standalone.js", include_in_schema=False)
    def redoc_script() -> StarletteResponse:
        return StarletteResponse(_redoc_script(), media_type="text/javascript")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount("/static-docs", StaticFiles(directory=DOCS_ASSETS), name="static-docs")
    return app

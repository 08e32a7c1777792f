"""A real HTTP server on loopback (uvicorn in a thread) over a catalog of real images."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
import uvicorn
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from curata import Curata
from curata.roots import Confinement
from curata.server import create_app

LIBRARY_PARTS = ("formats", "near-duplicates", "generators", "bad")


class LiveServer:
    """``app`` served by uvicorn on 127.0.0.1 (a free port) in a background thread."""

    def __init__(self, app: FastAPI) -> None:
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        return self

    @property
    def url(self) -> str:
        sock = self.server.servers[0].sockets[0]
        host, port = sock.getsockname()[:2]
        return f"http://{host}:{port}"

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(30)


@pytest.fixture(scope="module")
def library_copy(tmp_path_factory: pytest.TempPathFactory, fixtures: Path) -> Path:
    """A writable copy of the shared test files (the tests may change or remove some)."""
    root = tmp_path_factory.mktemp("library")
    for part in LIBRARY_PARTS:
        shutil.copytree(fixtures / part, root / part)
    for path in root.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return root


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory, library_copy: Path) -> Iterator[Curata]:
    """A real SQLite catalog built by scanning the copy, shared by a test module."""
    db = tmp_path_factory.mktemp("catalog") / "catalog.db"
    with Curata(database=db) as cur:
        cur.scan([library_copy], project="fixtures", workers=1)
        yield cur


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def confined(
    scanned: Curata, library_copy: Path, tmp_path_factory: pytest.TempPathFactory
) -> Curata:
    """The catalog as the server's clients see it: they may scan the library and export
    anywhere below the test session's temporary folder."""
    return scanned.confined(Confinement.of([library_copy], [tmp_path_factory.getbasetemp()]))


@pytest.fixture(scope="module")
def server(confined: Curata, cache_dir: Path) -> Iterator[LiveServer]:
    with LiveServer(create_app(confined, cache_dir=cache_dir)) as live:
        yield live


@pytest.fixture
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=60) as client:
        yield client


def hash_of(cur: Curata, path: Path) -> str:
    """The content hash the catalog gave the file at ``path``."""
    detail = cur.get_asset(str(path)).data
    assert detail is not None
    return detail.content_hash


#: Checks left out of every fuzz run: curata's validators refuse some schema-valid
#: requests (422) and pydantic reads JSON leniently where the schema is strict.
LENIENT_CHECKS = [positive_data_acceptance, negative_data_rejection]


def fuzz(operation: schemathesis.APIOperation, url: str, examples: int, timeout: float) -> None:
    """Drive ``operation`` with valid and invalid generated requests (a bounded,
    derandomized number of each) and validate every answer against the schema."""
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=examples,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(base_url=url, timeout=timeout, excluded_checks=LENIENT_CHECKS)

        try:
            check()
        except Unsatisfiable:
            # Nothing can be invalid (no body, and parameters any string may fill).
            assert mode == GenerationMode.NEGATIVE

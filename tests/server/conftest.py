"""A real HTTP server on loopback (uvicorn in a thread) over a catalog of real images."""

from __future__ import annotations

import json
import re
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
import uvicorn
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from curata import Curata
from curata.models.selections import SelectionAction
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


#: The rules a request must follow that its JSON Schema cannot state (one field against
#: another, or the bytes inside a path object): a schema-valid request that breaks one
#: gets a 422 naming it. Every other rule is in the schema, and schemathesis checks both
#: ways: a schema-valid request is accepted, a schema-invalid one refused. (docs/api.md,
#: "Rules the schema cannot state", lists the same.)
CROSS_FIELD_RULES = (
    r"min \(.*\) is greater than max \(",
    r"start .* is after end ",
    r"a path cannot (contain NUL|be empty)",  # the decoded bytes of a path object
    r"is not an absolute folder path|a folder path is at most",  # likewise
    r"a perceptual hash integer must be in 0 \.\. 2\*\*64-1",  # JSON numbers lose digits
    r"a raw hash has no pixels to turn",
    r"give a budget or clear_budget, not both",
    r"does not apply to action ",
    # each selection action (and group action) needs its own fields
    rf"^({'|'.join(SelectionAction)})( \w+)? needs ",
    r"is a fixed policy; extras are set with 'custom'",
    r"\.provider is .* but it is listed under ",
    r"an? \w+ step needs ",
    r"metadata \S+ writes new copies: it needs mode copy",
    r"providers both ordered and disabled",
)
_RULE = re.compile("|".join(CROSS_FIELD_RULES))


@schemathesis.check
def accepts_valid_data(ctx: Any, response: Any, case: schemathesis.Case) -> bool | None:
    """schemathesis's positive-data acceptance, but a 422 that names only cross-field
    rules is a right answer to a schema-valid request."""
    if response.status_code == 422:
        body = json.loads(response.content)
        reasons = [d["reason"] for d in body["error"].get("details") or []] or [
            body["error"]["message"]
        ]
        if all(_RULE.search(reason) for reason in reasons):
            return None
    return positive_data_acceptance(ctx, response, case)


def call_and_validate(case: schemathesis.Case, url: str, timeout: float) -> None:
    """Send ``case`` and run every check on the answer (:func:`accepts_valid_data` for
    schemathesis's own positive-data acceptance)."""
    case.call_and_validate(
        base_url=url,
        timeout=timeout,
        additional_checks=[accepts_valid_data],
        excluded_checks=[positive_data_acceptance],
    )


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
            call_and_validate(case, url, timeout)

        try:
            check()
        except Unsatisfiable:
            # Nothing can be invalid (no body, and parameters any string may fill).
            assert mode == GenerationMode.NEGATIVE

"""Catalogs with known contents, written through the catalog's bulk path."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from curata import Curata
from curata.catalog.bulk import NewAsset, insert_assets
from curata.catalog.projects import ensure_project
from curata.models.assets import normalize_tag
from tests.conftest import fresh_pg_database

DAY = "2024-06-01"


def epoch(text: str) -> float:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def sha(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def new_asset(name: str, spec: dict[str, Any]) -> NewAsset:
    """A NewAsset from a readable spec: ``name`` plus any NewAsset field; ``created``
    is an ISO date, ``tags`` are normalized, ``params`` become generation params."""
    fields = dict(spec)
    created = epoch(fields.pop("created", DAY))
    params = fields.pop("params", None)
    meta = dict(fields.pop("meta", {}))
    if params is not None:
        meta["generation_params"] = params
    fields.setdefault("path", f"/library/{name}.png")
    fields.setdefault("file_size", 1000)
    fields.setdefault("file_format", "png")
    fields.setdefault("width", 1024)
    fields.setdefault("height", 1024)
    fields["tags"] = [normalize_tag(t) for t in fields.get("tags", ())]
    return NewAsset(
        content_hash=sha(name),
        meta=meta,
        created_at=created,
        modified_at=created,
        discovered_at=created,
        **fields,
    )


def add_assets(cur: Curata, specs: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Write assets ``{name: spec}``; returns ``{content_hash: name}``."""
    items = [new_asset(name, spec) for name, spec in specs.items()]
    with cur.catalog.write() as conn:
        for project in {i.project_id for i in items if i.project_id}:
            ensure_project(conn, project)
        insert_assets(conn, items, datetime.now(UTC).timestamp())
    return {sha(name): name for name in specs}


Builder = Callable[[dict[str, dict[str, Any]]], tuple[Curata, dict[str, str]]]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    """Each search test that builds a catalog runs on SQLite and on PostgreSQL."""
    return str(request.param)


@pytest.fixture
def build(tmp_path: Path, backend: str) -> Iterator[Builder]:
    """``build(specs)``: a fresh catalog on ``backend`` holding those assets."""
    opened: list[Curata] = []
    with ExitStack() as stack:

        def make(specs: dict[str, dict[str, Any]]) -> tuple[Curata, dict[str, str]]:
            if backend == "sqlite":
                database: str | Path = tmp_path / f"catalog{len(opened)}.db"
            else:
                database = stack.enter_context(fresh_pg_database())
            cur = stack.enter_context(Curata(database=database))
            opened.append(cur)
            return cur, add_assets(cur, specs)

        yield make


def names(response: Any, by_hash: dict[str, str]) -> list[str]:
    return [by_hash[a.content_hash] for a in response.results]


def search_names(cur: Curata, by_hash: dict[str, str], request: dict[str, Any]) -> list[str]:
    return names(cur.search_assets(request).data, by_hash)

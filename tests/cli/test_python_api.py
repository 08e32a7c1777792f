"""The Python API as the spec's examples use it: results read as attributes and as dicts,
every public method documented, enum-like arguments validated."""

from __future__ import annotations

import inspect
import json
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from tests.conftest import FIXTURES, REPO

import curata.models as models_package
from curata import Curata, InvalidRequest
from curata.models.base import Record
from curata.models.common import StrictModel

SAMPLE = REPO / "examples" / "sample-library"
SPEC = FIXTURES.parent / "spec"  # beside the shared test files (CURATA_FIXTURES)


@pytest.fixture(scope="module")
def cur(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Curata]:
    with Curata(database=tmp_path_factory.mktemp("api") / "catalog.db") as c:
        c.scan([str(SAMPLE)])
        c.create_project({"name": "Shots", "project_id": "shots"})
        sel = c.create_selection({"project_id": "shots", "name": "Refs"}).data
        assert sel is not None
        photo = c.get_asset(str(SAMPLE / "photos" / "ukbench00120.jpg")).data
        assert photo is not None
        item = {"asset_hash": photo.content_hash, "role": "hero"}
        c.update_selection(
            {"project_id": "shots", "selection_id": sel.id, "action": "add_items", "items": [item]}
        )
        yield c


def _records(value: Any) -> Iterator[Record]:
    if isinstance(value, Record):
        yield value
        for name in type(value).record_keys():
            yield from _records(getattr(value, name))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _records(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _records(item)


def _responses(cur: Curata) -> list[Any]:
    photo = str(SAMPLE / "photos" / "ukbench00120.jpg")
    providers = json.loads((REPO / "examples" / "artwork-candidates.json").read_text())
    return [
        cur.search_assets({"filters": {"media_type": "image"}}),
        cur.get_asset(photo),
        cur.stats(),
        cur.find_similar({"target": photo}),
        cur.find_duplicates(),
        cur.get_selection("shots", "refs"),
        cur.find_similar_to_selection("shots", "refs", threshold=12),
        cur.selection_history("shots", "refs"),
        cur.list_projects(),
        cur.ingest_errors("all"),
        cur.select_best_assets({"provider_results": providers, "media_type": "movie"}),
    ]


def test_every_result_reads_like_a_dict_with_one_rule(cur: Curata) -> None:
    seen: set[str] = set()
    for response in _responses(cur):
        for record in _records(response):
            seen.add(type(record).__name__)
            dumped = record.model_dump()
            assert list(record.keys()) == list(dumped)
            for key in dumped:
                assert key in record
                assert record[key] is getattr(record, key)
                assert record.get(key) is getattr(record, key)
            assert "no_such_key" not in record and 0 not in record
            assert record.get("no_such_key", "fallback") == "fallback"
            with pytest.raises(KeyError):
                record["no_such_key"]
    assert {"Response", "SearchResponse", "Asset", "SimilarToSelectionResult", "DuplicateGroup",
            "AssetTypeResult", "IngestErrorRecord", "HistoryEntry"} <= seen  # fmt: skip


def test_nested_dict_style_access(cur: Curata) -> None:
    similar = cur.find_similar_to_selection("shots", "refs", threshold=12)
    r = similar.data["results"][0]
    assert "similarity" in r and "asset" in r
    assert r["asset"]["file_path"] == r.asset.file_path
    assert r["similarity"]["similar_to_items"][0]["role"] == "hero"
    assert similar["data"]["results"][0]["similarity"] is r.similarity
    found = cur.search_assets({"filters": {"tags": ["generator:comfyui"]}})
    assert found.data["total_count"] == 2
    assert all("generator:comfyui" in a["tags"] for a in found.data["results"])
    assert found.data["facets"]["ai_sources"][0]["source"] == "comfyui"


def test_the_specs_selection_workflow_loop_runs_verbatim(cur: Curata) -> None:
    """selections.md, "Workflow Example", steps 3-4 as written (``alice`` is curata)."""
    spec = (SPEC / "selections.md").read_text()
    start = spec.index("# 3. Find similar images")
    snippet = spec[start : spec.index("# 5. Export", start)]
    added: list[float] = []

    class Alice:
        def find_similar_to_selection(self, **kwargs: Any) -> Any:
            return cur.find_similar_to_selection(**kwargs)

        def update_selection(self, *_args: Any) -> None:  # the spec's "(...)"
            added.append(namespace["result"]["similarity"]["recommendation_score"])

    namespace: dict[str, Any] = {"alice": Alice(), "project_id": "shots", "selection_id": "refs"}
    exec(compile(textwrap.dedent(snippet), "selections.md", "exec"), namespace)
    expected = [
        r.similarity.recommendation_score
        for r in cur.find_similar_to_selection("shots", "refs", threshold=12).data.results
        if r.similarity.recommendation_score > 0.75
    ]
    assert added == expected and expected


def test_the_specs_search_snippet_runs_verbatim(cur: Curata) -> None:
    """search-api.md, "Do this instead": the structured search as written."""
    spec = (SPEC / "search-api.md").read_text()
    start = spec.index("# Structured search")
    snippet = spec[start:].partition("```")[0]
    namespace: dict[str, Any] = {"alice": cur}
    exec(compile(snippet.replace("alice.search_assets", "response = alice.search_assets"),
                 "search-api.md", "exec"), namespace)  # fmt: skip
    assert namespace["response"]["success"] is True
    assert "results" in namespace["response"]["data"]


def test_every_response_model_is_a_record() -> None:
    """Request models (StrictModel) are input; every other model is output and a Record."""
    modules = [getattr(models_package, n) for n in dir(models_package)]
    classes = {
        obj
        for module in (m for m in vars(models_package).values() if inspect.ismodule(m))
        for obj in vars(module).values()
        if inspect.isclass(obj)
        and issubclass(obj, BaseModel)
        and obj.__module__.startswith("curata")
    }
    classes |= {m for m in modules if inspect.isclass(m) and issubclass(m, BaseModel)}
    outputs = {c for c in classes if not issubclass(c, StrictModel) and c is not Record}
    assert len(outputs) > 40
    assert [c.__name__ for c in outputs if not issubclass(c, Record)] == []


def test_ingest_errors_levels(cur: Curata) -> None:
    errors = cur.ingest_errors().data
    warnings = cur.ingest_errors("warning").data
    everything = cur.ingest_errors("all").data
    assert errors and len(errors) == 2
    assert everything is not None and len(everything) == len(errors) + len(warnings or [])
    assert cur.ingest_errors(None).data == everything
    with pytest.raises(InvalidRequest) as caught:
        cur.ingest_errors("everything")
    assert caught.value.field == "level" and "'all'" in caught.value.message


def test_every_public_method_documents_its_arguments() -> None:
    undocumented = {}
    for name, method in inspect.getmembers(Curata, inspect.isfunction):
        if name.startswith("_"):
            continue
        doc = inspect.getdoc(method) or ""
        params = [p for p in inspect.signature(method).parameters if p != "self"]
        missing = [p for p in params if f"{p}:" not in doc and f"``{p}``" not in doc]
        if not doc or missing:
            undocumented[name] = missing or "no docstring"
    assert undocumented == {}


def test_curata_refuses_a_missing_catalog_only_when_asked(tmp_path: Path) -> None:
    from curata import NotFound

    with pytest.raises(NotFound) as caught:
        Curata(database=tmp_path / "nope.db", create=False)
    assert caught.value.field == "database" and not (tmp_path / "nope.db").exists()
    with Curata(database=tmp_path / "yes.db") as created:
        assert created.stats().data.assets == 0

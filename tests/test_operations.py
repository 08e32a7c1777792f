"""The registry of operations: each method and its request model agree, every public
``Curata`` method is an operation (or listed as not one), and docs/api.md is current."""

from __future__ import annotations

import inspect

from curata import Curata
from curata.models.tool_pages import ToolPage
from curata.operations import BY_NAME, NOT_OPERATIONS, OPERATIONS, rewrite_doc
from tests.conftest import REPO


def test_every_public_method_is_an_operation_or_listed() -> None:
    public = {n for n, _ in inspect.getmembers(Curata, inspect.isfunction) if not n.startswith("_")}
    assert sorted(public - set(BY_NAME) - set(NOT_OPERATIONS)) == []
    assert sorted((set(BY_NAME) | set(NOT_OPERATIONS)) - public) == []
    assert len(BY_NAME) == len(OPERATIONS)


def test_each_method_takes_its_request_model() -> None:
    """``request`` (the model) or keywords that are the model's fields, nothing else."""
    for op in OPERATIONS:
        params = list(inspect.signature(op.method).parameters.values())[1:]
        required = [p.name for p in params if p.default is p.empty and p.kind is not p.VAR_KEYWORD]
        if op.takes_request:  # and, optionally, callbacks (export_selection's progress)
            assert params[0].name == "request" and required in ([], ["request"]), op.name
            continue
        named = {p.name for p in params if p.kind is not p.VAR_KEYWORD}
        fields = set(op.request.model_fields)
        takes_more = any(p.kind is p.VAR_KEYWORD for p in params)
        assert named <= fields and (takes_more or named == fields), (op.name, named, fields)
        for narrowed in (op.http_request, op.tool_request):
            if narrowed is not None and issubclass(narrowed, ToolPage):
                assert narrowed.OPERATION is op.request, op.name
                paging = {"limit", "cursor", "compact"}
                assert set(narrowed.model_fields) == (fields - {"offset"}) | paging, op.name
            elif narrowed is not None:
                assert set(narrowed.model_fields) == fields, op.name


def test_paths_and_tools_are_unique() -> None:
    assert len({op.http for op in OPERATIONS}) == len(OPERATIONS)
    tools = [op.tool for op in OPERATIONS if op.tool]
    assert len(set(tools)) == len(tools)


def test_the_api_reference_tables_are_current() -> None:
    doc = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    assert rewrite_doc(doc) == doc, "run: python -m curata.operations"

"""Every public ``Curata`` method is reachable over HTTP.

The check reads the transports' sources: a new facade method without an endpoint fails
here, naming the method.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from curata import Curata

SERVER = Path(inspect.getfile(Curata)).with_name("server")
NOT_AN_OPERATION = {"close", "confined"}  # lifecycle, not operations


@pytest.mark.xfail(reason="post-merge gap of 2026-12-04 (see the issue notes)", strict=False)
def test_every_public_method_has_an_endpoint() -> None:
    methods = {
        name
        for name, member in inspect.getmembers(Curata, inspect.isfunction)
        if not name.startswith("_")
    } - NOT_AN_OPERATION
    assert len(methods) > 30
    source = "\n".join(p.read_text() for p in SERVER.rglob("*.py"))
    assert sorted(m for m in methods if f"curata.{m}(" not in source) == []

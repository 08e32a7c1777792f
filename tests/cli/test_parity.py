"""The CLI is written by hand for people; every registry operation is one of its
commands, or listed here with the reason it is not."""

from __future__ import annotations

import inspect
from pathlib import Path

import curata.cli
from curata.operations import OPERATIONS

CLI = Path(inspect.getfile(curata.cli)).parent

#: Operations without a command, and why.
NOT_IN_THE_CLI = {
    "update_saved_search": "`search save NAME --replace` replaces; renames are for the API",
    "score_asset": "a building block of select_best_assets, for API clients",
    "is_balanced": "`curata artwork strategy` shows the strategy",
    "scan_roots": "for the servers' clients; `curata stats` shows the catalog",
}


def test_every_operation_is_a_command_or_listed() -> None:
    source = "\n".join(p.read_text() for p in CLI.rglob("*.py"))
    names = {op.name for op in OPERATIONS}
    assert set(NOT_IN_THE_CLI) <= names, "a listed operation that no longer exists"
    called = {n for n in names if f".{n}(" in source}
    assert sorted(names - called - set(NOT_IN_THE_CLI)) == []
    assert sorted(called & set(NOT_IN_THE_CLI)) == [], "listed, but the CLI calls it now"

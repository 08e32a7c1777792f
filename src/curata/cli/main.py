"""Entry point: importing the command modules registers their commands on the app."""

from __future__ import annotations

from curata.cli import (  # noqa: F401  (command registration)
    artwork,
    assets,
    mcp,
    project,
    scan,
    search,
    selection,
    selection_items,
    serve,
    similar,
    watch,
)
from curata.cli.app import app


def main() -> None:
    app()

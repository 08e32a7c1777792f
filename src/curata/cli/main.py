"""Entry point: ``curata`` runs :data:`curata.cli.app.app`, whose commands are imported
when they run (see :data:`curata.cli.app.COMMANDS`)."""

from __future__ import annotations

import importlib

import typer

from curata.cli.app import COMMANDS, app

__all__ = ["app", "load_all", "main"]


def load_all() -> typer.Typer:
    """The application with every command registered (for tests and documentation)."""
    for module, _help in COMMANDS.values():
        importlib.import_module(module)
    return app


def main() -> None:
    app()

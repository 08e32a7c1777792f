"""Every command the CLI offers is documented in the README (sqlite-utils' rule)."""

from __future__ import annotations

import click
import typer
from tests.conftest import REPO

from curata.cli.main import app


def _commands(group: click.Group, prefix: str = "") -> list[str]:
    """Every command below ``group``, asked as click asks (the top-level group imports
    its commands lazily, so ``group.commands`` alone may be empty)."""
    ctx = click.Context(group)
    names = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        if isinstance(command, click.Group):
            names.extend(_commands(command, f"{prefix}{name} "))
        else:
            names.append(f"{prefix}{name}")
    return names


def test_every_command_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text()
    commands = _commands(typer.main.get_command(app))  # type: ignore[arg-type]
    assert "scan" in commands
    missing = [c for c in commands if f"curata {c}" not in readme]
    assert missing == [], f"commands missing from README.md: {missing}"

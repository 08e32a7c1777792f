"""The ``--root`` and ``--export-root`` options of the servers (``serve``, ``mcp``).

A server's clients may scan only below its ``--root`` folders and export only below its
``--export-root`` folders (default ``$CURATA_HOME/exports``); see ``docs/security.md``.
"""

from __future__ import annotations

from pathlib import Path

import typer

from curata.config import Settings
from curata.roots import Confinement

ROOTS_OPTION = typer.Option(
    None,
    "--root",
    envvar="CURATA_ROOTS",
    help="A folder clients may scan and read files from (repeat for several). "
    "Without one, clients cannot start scans.",
)
EXPORT_ROOTS_OPTION = typer.Option(
    None,
    "--export-root",
    envvar="CURATA_EXPORT_ROOTS",
    help="A folder clients may export into (repeat for several; default $CURATA_HOME/exports).",
)


def confinement(
    roots: list[Path] | None, export_roots: list[Path] | None, settings: Settings
) -> Confinement:
    """The server's confinement from its options (exports by default under the
    settings' ``export_root``)."""
    return Confinement.of(roots or (), export_roots or [settings.export_root])

"""Where an export may be written, checked on resolved real paths before anything is.

For every caller an export folder (and its zip) is refused (``Forbidden``) when it is
inside, equal to or holds a scanned folder (the catalog's ``scan_roots`` and, for a
server's clients, the confinement's scan roots) or a cataloged file still present, and
when it is or holds the catalog itself (the SQLite file and its journals). A confined
caller (the HTTP and MCP servers) may write only under its export roots. An existing
non-empty folder (or zip) is replaced only with ``overwrite`` and only when its marker
proves curata wrote it (:mod:`~curata.selections.export.marker`); otherwise ``Conflict``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from curata.catalog import Catalog
from curata.catalog import exports as export_store
from curata.errors import Conflict, Forbidden, InvalidRequest
from curata.models.selection_export import SelectionExportRequest
from curata.roots import Confinement, is_within, real
from curata.selections.export import marker

JOURNALS = ("", "-wal", "-shm", "-journal")


@dataclass(frozen=True)
class Target:
    """The resolved export folder, and its zip when one is asked for."""

    folder: Path
    zip: Path | None


def resolve(
    catalog: Catalog, req: SelectionExportRequest, confinement: Confinement | None
) -> Target:
    """The target of ``req``, or the error that refuses it (nothing is written)."""
    folder = real(req.export_path)
    if folder.parent == folder:
        raise InvalidRequest(f"{folder} cannot be an export folder", field="export_path")
    zip_path = folder.with_name(folder.name + ".zip") if req.zip else None
    if confinement is not None:
        confinement.check_export(folder, "export_path")
        if zip_path is not None:
            confinement.check_export(zip_path, "zip")
    _refuse_catalog(catalog, folder, zip_path)
    literal = Path(os.path.abspath(os.path.expanduser(req.export_path)))
    with catalog.read() as conn:
        roots = export_store.scan_root_paths(conn)
        if confinement is not None:
            roots += [str(r) for r in confinement.scan_roots]
        _refuse_roots(roots, folder, zip_path)
        for spelling in {folder, literal}:
            if spelling.is_dir() and export_store.has_present_location(
                conn, str(spelling), below=True
            ):
                raise Forbidden(
                    f"{folder} holds cataloged files; curata never writes over a user's files",
                    field="export_path",
                )
        if zip_path is not None and zip_path.exists():
            for spelling in {zip_path, literal.with_name(literal.name + ".zip")}:
                if export_store.has_present_location(conn, str(spelling), below=False):
                    raise Forbidden(
                        f"{zip_path} is a cataloged file; curata never writes over a user's files",
                        field="zip",
                    )
    target = Target(folder, zip_path)
    check_replaceable(target, req.overwrite)
    return target


def _refuse_catalog(catalog: Catalog, folder: Path, zip_path: Path | None) -> None:
    if catalog.path is None:
        return
    database = real(catalog.path)
    files = [database.with_name(database.name + suffix) for suffix in JOURNALS]
    if any(is_within(f, folder) for f in files):
        raise Forbidden(
            f"{folder} is or holds the catalog {database}; choose another folder",
            field="export_path",
        )
    if zip_path is not None and zip_path in files:
        raise Forbidden(f"{zip_path} is the catalog's own file", field="zip")


def _refuse_roots(roots: list[str], folder: Path, zip_path: Path | None) -> None:
    for root in roots:
        if is_within(folder, root) or is_within(root, folder):
            where = "inside" if is_within(folder, root) else "holds"
            raise Forbidden(
                f"{folder} is {where} the scanned folder {root}; curata never writes into "
                "the folders it catalogs",
                field="export_path",
            )
        if zip_path is not None and is_within(zip_path, root):
            raise Forbidden(
                f"{zip_path} is inside the scanned folder {root}; curata never writes into "
                "the folders it catalogs",
                field="zip",
            )


def _first_existing(path: Path) -> Path:
    while not (path.exists() or path.is_symlink()) and path.parent != path:
        path = path.parent
    return path


def check_replaceable(target: Target, overwrite: bool) -> None:
    """Refuse a target in the way unless ``overwrite`` and curata wrote it (again just
    before the rename: the folder may have changed while the export was written)."""
    folder = target.folder
    ancestor = _first_existing(folder)
    if ancestor != folder and not ancestor.is_dir():
        raise InvalidRequest(f"{ancestor} is a file, not a folder", field="export_path")
    if ancestor == folder and not folder.is_dir():
        raise InvalidRequest(f"{folder} exists and is not a folder", field="export_path")
    if folder.is_dir() and any(folder.iterdir()):
        if not overwrite:
            raise Conflict(
                f"{folder} is not empty (use overwrite to replace an earlier export)",
                field="export_path",
            )
        marker.proven(folder, "export_path")
    zip_path = target.zip
    if zip_path is not None and (zip_path.exists() or zip_path.is_symlink()):
        if not overwrite:
            raise Conflict(f"{zip_path} exists (use overwrite to replace it)", field="zip")
        if zip_path.is_symlink() or not zip_path.is_file():
            raise Conflict(
                f"{zip_path} was not written by curata; refusing to replace it", field="zip"
            )
        marker.proven(zip_path, "zip", folder_name=folder.name)

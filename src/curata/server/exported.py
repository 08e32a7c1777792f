"""The documents of a finished export (manifest, README, contact sheet and its thumbnails),
read back for the web page from the folder the catalog recorded for that export."""

from __future__ import annotations

from pathlib import Path

from curata.errors import NotFound
from curata.interface import Curata
from curata.selections.export.plan import (
    CONTACT_SHEET,
    MANIFEST_CSV,
    MANIFEST_JSON,
    README,
    THUMBNAILS,
)

#: What may be read back: the documents an export writes, and its contact sheet's thumbnails.
DOCUMENTS = frozenset({MANIFEST_JSON, MANIFEST_CSV, README, CONTACT_SHEET})


def export_document(
    curata: Curata, project_id: str, selection_id: str, export_id: int, name: str
) -> Path:
    """The file ``name`` of export ``export_id``, resolved inside that export's folder."""
    selection = curata.get_selection(project_id, selection_id).data
    assert selection is not None
    record = next((e for e in selection.exports if e.id == export_id), None)
    if record is None:
        raise NotFound(f"selection {selection_id!r} has no export {export_id}")
    parts = name.split("/")
    allowed = name in DOCUMENTS or (
        len(parts) == 2 and parts[0] == THUMBNAILS and parts[1] not in ("", ".", "..")
    )
    if not allowed:
        raise NotFound(f"an export has no document {name!r}")
    folder = Path(record.path).resolve()
    path = (folder / name).resolve()
    if not path.is_relative_to(folder) or not path.is_file():
        raise NotFound(f"{name!r} is not in the export at {folder}")
    return path

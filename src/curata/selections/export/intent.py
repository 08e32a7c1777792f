"""The record of an export: its intent before the rename, its completion after.

1. :func:`begin` writes a ``pending`` export row naming the target, the staging folder
   and where a replaced export goes, before anything is renamed into place.
2. :func:`complete` (after the rename and a check of the marker in place) makes the row
   an ordinary export record, marks the selection exported and appends the history
   entry, in one transaction.

If the process dies in between, :func:`recover` (run when a catalog is opened and
before each export) finds the pending row of a writer that is gone: when the target
in place carries the marker of that export (its manifest's digest), the export is
completed; otherwise it is rolled back (staging removed, a replaced export put back)
and the pending row deleted.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from curata.catalog import Catalog
from curata.catalog import exports as export_store
from curata.catalog import selection_history as history_store
from curata.catalog import selections as store
from curata.errors import CurataError
from curata.models.selections import SelectionStatus
from curata.selections.actors import utcnow
from curata.selections.export.plan import MANIFEST_JSON
from curata.selections.export.staging import ExportPaths
from curata.selections.rules import EXPORTABLE, check_exportable

log = logging.getLogger(__name__)
_HOST = socket.gethostname()
_IN_FLIGHT: set[str] = set()  # staging folders of this process's running exports
_LOCK = threading.Lock()


def begin(
    catalog: Catalog,
    paths: ExportPaths,
    *,
    project_id: str,
    key: str,
    at: datetime,
    item_count: int,
    settings: dict[str, Any],
    actor: str | None,
    manifest_sha256: str,
) -> int:
    """Write the pending row (before the rename); returns its id."""
    intent = {
        "host": _HOST,
        "pid": os.getpid(),
        "project_id": project_id,
        "manifest_sha256": manifest_sha256,
        "zip": paths.zip,
    }
    with _LOCK:  # before the row exists: a recovery in another thread must skip it
        _IN_FLIGHT.add(str(paths.staging))
    try:
        with catalog.write() as conn:
            return export_store.insert_pending(
                conn,
                key,
                at=at,
                path=str(paths.target),
                staging=str(paths.staging),
                previous=str(paths.previous),
                item_count=item_count,
                settings={**settings, "intent": intent},
                actor=actor,
            )
    except BaseException:
        end(paths)
        raise


def end(paths: ExportPaths) -> None:
    """This process no longer runs the export (done, failed or rolled back)."""
    with _LOCK:
        _IN_FLIGHT.discard(str(paths.staging))


def complete(
    conn: Connection,
    export_id: int,
    *,
    key: str,
    target: Path,
    asset_hashes: list[str],
    settings: dict[str, Any],
    actor: str | None,
    recovered: bool = False,
) -> None:
    """In the caller's transaction: the row becomes complete, the selection exported
    (on recovery only if it may still be), and the history entry is appended."""
    now = utcnow()
    selection = store.get_selection_by_key(conn, key, lock=True)
    if not recovered:
        check_exportable(selection.status)
    if selection.status in EXPORTABLE:
        store.update_selection_row(conn, key, {"status": SelectionStatus.EXPORTED}, now)
    export_store.complete(conn, export_id, settings)
    notes = f"exported {len(asset_hashes)} item(s) to {target}"
    after = {"status": SelectionStatus.EXPORTED.value, "path": str(target), **settings}
    history_store.append(
        conn,
        key,
        at=now,
        actor=actor,
        action="export",
        asset_hashes=asset_hashes,
        notes=notes + (" (recorded after the export was interrupted)" if recovered else ""),
        before={"status": selection.status.value},
        after=after,
    )


def abandon(catalog: Catalog, paths: ExportPaths, export_id: int, manifest_sha256: str) -> None:
    """Undo a failed export whose pending row was written, and forget the row."""
    paths.roll_back(manifest_sha256)
    with catalog.write() as conn:
        export_store.discard_pending(conn, export_id)


def _writer_alive(intent: dict[str, Any], staging: str | None) -> bool:
    """Whether the process that wrote a pending row may still be running it (a row of
    another machine sharing a server database is left to that machine)."""
    pid = intent.get("pid")
    if intent.get("host") != _HOST:
        return True
    if not isinstance(pid, int) or pid <= 0:
        return False
    if pid == os.getpid():
        with _LOCK:
            return staging in _IN_FLIGHT
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        return True
    return True


def _exported_hashes(target: Path) -> list[str]:
    """The hashes of the items the export in ``target`` wrote, from its manifest (proven
    by its marker before this is called)."""
    with open(target / MANIFEST_JSON, "rb") as fh:
        manifest = json.load(fh)
    return [i["asset_hash"] for i in manifest.get("items", []) if not i.get("missing")]


def _recover_one(conn: Connection, row: export_store.PendingExport) -> str:
    intent = row.settings.get("intent", {})
    digest = str(intent.get("manifest_sha256", ""))
    if row.staging is None or row.previous is None:
        export_store.discard_pending(conn, row.id)
        return "forgotten"
    paths = ExportPaths(
        Path(row.path), Path(row.staging), Path(row.previous), bool(intent.get("zip"))
    )
    if paths.placed(digest):
        settings = {k: v for k, v in row.settings.items() if k != "intent"}
        complete(
            conn,
            row.id,
            key=row.selection_id,
            target=paths.target,
            asset_hashes=_exported_hashes(paths.target),
            settings=settings,
            actor=row.actor,
            recovered=True,
        )
        paths.finish()
        return "completed"
    paths.roll_back(digest)
    export_store.discard_pending(conn, row.id)
    return "rolled back"


def recover(catalog: Catalog) -> None:
    """Complete or roll back the exports whose process died between the intent record
    and its completion. Cheap when there are none (one query); never raises for one
    export it cannot settle (it is tried again next time, and logged)."""
    with catalog.read() as conn:
        rows = export_store.pending_exports(conn)
    for row in rows:
        if _writer_alive(row.settings.get("intent", {}), row.staging):
            continue
        try:
            with catalog.write() as conn:
                locked = export_store.get_pending(conn, row.id, lock=True)
                if locked is None:
                    continue
                outcome = _recover_one(conn, locked)
            log.warning("interrupted export to %s: %s", row.path, outcome)
        except (OSError, ValueError, CurataError) as exc:
            log.warning("cannot settle the interrupted export to %s: %s", row.path, exc)

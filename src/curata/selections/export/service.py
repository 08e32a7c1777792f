"""``export_selection``: files and documents into a verified folder, published atomically.

1. Read a snapshot of the selection (items, assets, every cataloged location).
2. Find each item's source by its hash: the item's own path or any location of the
   asset (a file renamed since the scan is found after a rescan); missing sources fail
   the export before anything is written, unless ``allow_missing``.
3. Write everything into a staging folder beside the target; each file is re-read and
   checked against its SHA-256 (sources are checked on the way too).
4. Rename the staging folder into place, then record the export (status ``exported``,
   an export record, a history entry) in one transaction; if that fails the target is
   removed again (and a replaced one restored).
"""

from __future__ import annotations

import os
import threading
import zipfile
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from curata.catalog import Catalog
from curata.catalog import assets as asset_store
from curata.catalog import projects as project_store
from curata.catalog import selection_history as history_store
from curata.catalog import selections as store
from curata.errors import Conflict, Interrupted, InvalidRequest, NotFound, VerificationError
from curata.models.assets import Asset
from curata.models.selection_export import (
    ExportedItem,
    ExportMode,
    SelectionExportRequest,
    SelectionExportResult,
)
from curata.models.selections import SelectionItem, SelectionStatus, SelectionSummary
from curata.selections.actors import actor_or_default, utcnow
from curata.selections.export import documents, plan
from curata.selections.export.staging import (
    STAGING_TAG,
    Staging,
    beside,
    finish,
    remove_stale,
    restore,
)
from curata.selections.export.thumbnails import thumbnail_jpeg
from curata.selections.rules import check_exportable

ExportProgress = Callable[[int, int], None]
WORKERS = max(1, min(4, os.cpu_count() or 1))
TEXT_SUFFIXES = (".json", ".csv", ".md", ".html", ".sha256")


@dataclass
class Entry:
    """One item of the snapshot and what the export made of it."""

    item: SelectionItem
    asset: Asset
    candidates: list[str]
    position: int
    source: str | None = None
    relative: str | None = None

    def record(self) -> ExportedItem:
        return ExportedItem(
            position=self.position,
            asset_hash=self.item.asset_hash,
            role=self.item.role,
            group=self.item.group,
            selection_reason=self.item.selection_reason,
            quality_notes=self.item.quality_notes,
            usage_notes=self.item.usage_notes,
            tags=self.item.tags,
            source_path=self.source or (self.candidates[0] if self.candidates else None),
            exported_path=self.relative,
            bytes=self.asset.file_size if self.relative else None,
            sha256=self.item.asset_hash if self.relative else None,
            missing=self.relative is None,
        )


@dataclass
class Snapshot:
    selection: SelectionSummary
    project_name: str
    entries: list[Entry] = field(default_factory=list)


def _target(req: SelectionExportRequest) -> Path:
    target = Path(os.path.abspath(os.path.expanduser(req.export_path)))
    if target.exists() and not target.is_dir():
        raise InvalidRequest(f"{target} exists and is not a folder", field="export_path")
    if target.is_dir() and any(target.iterdir()) and not req.overwrite:
        raise Conflict(f"{target} is not empty (use overwrite to replace it)", field="export_path")
    zip_path = _zip_path(target)
    if req.zip and zip_path.exists() and not req.overwrite:
        raise Conflict(f"{zip_path} exists (use overwrite to replace it)", field="zip")
    return target


def _zip_path(target: Path) -> Path:
    return target.with_name(target.name + ".zip")


def _snapshot(catalog: Catalog, req: SelectionExportRequest, target: Path) -> Snapshot:
    with catalog.read() as conn:
        selection = store.get_selection(conn, req.project_id, req.selection_id)
        check_exportable(selection.status)
        if req.overwrite and target.is_dir() and store.has_locations_under(conn, str(target)):
            raise InvalidRequest(
                f"{target} holds cataloged files; curata never replaces a user's files",
                field="export_path",
            )
        project = project_store.get_project(conn, req.project_id)
        pairs = store.load_items(conn, selection.id)
        ids = [asset_id for asset_id, _ in pairs]
        assets = {a.content_hash: a for a in asset_store.load_assets(conn, ids)}
        locations = store.locations_of(conn, ids)
    snap = Snapshot(selection, project["name"])
    for position, (asset_id, item) in enumerate(pairs, start=1):
        paths = [item.file_path] if item.file_path else []
        paths += [p for p in locations.get(asset_id, []) if p not in paths]
        snap.entries.append(Entry(item, assets[item.asset_hash], paths, position))
    return snap


def _fail_missing(missing: list[Entry], what: str) -> None:
    raise NotFound(
        f"{len(missing)} item(s) {what}: "
        + ", ".join(e.item.asset_hash[:12] for e in missing[:10])
        + (" ..." if len(missing) > 10 else "")
        + " (use allow_missing to export the rest)",
        field="items",
        details=[{"asset_hash": e.item.asset_hash, "paths": e.candidates} for e in missing],
    )


class Exporter:
    def __init__(
        self,
        req: SelectionExportRequest,
        snap: Snapshot,
        staging: Staging,
        progress: ExportProgress | None,
        stop: threading.Event | None,
    ) -> None:
        self.req = req
        self.snap = snap
        self.staging = staging
        self.progress = progress
        self.stop = stop

    def _check_stop(self) -> None:
        if self.stop is not None and self.stop.is_set():
            raise Interrupted("export stopped; nothing was published", field="export_path")

    def run(self) -> list[Entry]:
        first = {
            e.position: next(filter(os.path.isfile, e.candidates), None) for e in self.snap.entries
        }
        present = [e for e in self.snap.entries if first[e.position] is not None]
        absent = [e for e in self.snap.entries if first[e.position] is None]
        if absent and not self.req.allow_missing:
            _fail_missing(absent, "have no source file on disk")
        inputs = [
            plan.PlanInput(
                e.position,
                e.item.asset_hash,
                os.path.basename(first[e.position] or ""),
                e.asset.file_format,
                e.item.role,
                e.item.group,
            )
            for e in present
        ]
        placements = plan.plan(inputs, self.req.layout)
        changed = self._place_all(present, [p.relative_path for p in placements])
        if changed and not self.req.allow_missing:
            _fail_missing(changed, "changed on disk since they were cataloged")
        return self.snap.entries

    def _place_all(self, entries: list[Entry], paths: list[str]) -> list[Entry]:
        """Place every entry (a few threads: copying, hashing and thumbnails release the
        GIL); progress is reported in sequence order. Returns the entries whose every
        source had changed since the scan."""
        changed: list[Entry] = []
        done = 0

        def collect(entry: Entry, placed: Future[bool]) -> None:
            nonlocal done
            if not placed.result():
                changed.append(entry)
            done += 1
            if self.progress is not None:
                self.progress(done, len(entries))

        with ThreadPoolExecutor(WORKERS) as pool:
            pending: deque[tuple[Entry, Future[bool]]] = deque()
            for entry, relative in zip(entries, paths, strict=True):
                self._check_stop()
                pending.append((entry, pool.submit(self._one, entry, relative)))
                if len(pending) >= 2 * WORKERS:
                    collect(*pending.popleft())
            while pending:
                self._check_stop()
                collect(*pending.popleft())
        return changed

    def _one(self, entry: Entry, relative: str) -> bool:
        if not self._place(entry, relative):
            return False
        self._extras(entry)
        return True

    def _place(self, entry: Entry, relative: str) -> bool:
        digest = entry.item.asset_hash
        for source in entry.candidates:
            if not os.path.isfile(source):
                continue
            if self.req.mode is ExportMode.COPY:
                ok = self.staging.copy(source, relative, digest)
            else:
                symbolic = self.req.mode is ExportMode.SYMLINK
                ok = self.staging.link(source, relative, digest, symbolic=symbolic)
            if ok:
                entry.source, entry.relative = source, relative
                return True
        return False

    def _extras(self, entry: Entry) -> None:
        assert entry.relative is not None and entry.source is not None
        if self.req.sidecars:
            data = documents.sidecar(entry.asset, entry.item, entry.record())
            self.staging.write_bytes(entry.relative + ".json", data)
        if self.req.contact_sheet and entry.asset.media_type.value == "image":
            thumb = thumbnail_jpeg(entry.source, self.req.thumbnail_size)
            if thumb is not None:
                self.staging.write_bytes(self._thumb_path(entry.relative), thumb)

    @staticmethod
    def _thumb_path(relative: str) -> str:
        return f"{plan.THUMBNAILS}/{relative}.jpg"

    def documents(self, facts: documents.ExportFacts) -> None:
        write = self.staging.write_bytes
        write(plan.MANIFEST_JSON, documents.manifest_json(facts))
        write(plan.MANIFEST_CSV, documents.manifest_csv(facts))
        write(plan.README, documents.readme(facts))
        if self.req.contact_sheet:
            thumbs = {
                i.asset_hash: self._thumb_path(i.exported_path)
                for i in facts.exported
                if i.exported_path and self._thumb_path(i.exported_path) in self.staging.written
            }
            write(plan.CONTACT_SHEET, documents.contact_sheet(facts, thumbs))
        write(plan.CHECKSUMS, documents.checksums(self.staging.written))


def _write_zip(staging: Staging, zip_target: Path) -> Path:
    """A zip of the staged folder beside ``zip_target``, its CRCs checked on reading back."""
    temp = beside(zip_target, STAGING_TAG)
    names = sorted(p.relative_to(staging.root).as_posix() for p in staging.root.rglob("*"))
    files = [n for n in names if (staging.root / n).is_file()]
    try:
        with zipfile.ZipFile(temp, "w") as zf:
            for name in files:
                method = zipfile.ZIP_DEFLATED if name.endswith(TEXT_SUFFIXES) else None
                zf.write(staging.root / name, f"{zip_target.stem}/{name}", compress_type=method)
        with zipfile.ZipFile(temp) as zf:
            bad = zf.testzip()
            if bad is not None or len(zf.namelist()) != len(files):
                raise VerificationError(f"{zip_target}: {bad or 'entries'} failed", field="zip")
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def _record(
    catalog: Catalog,
    req: SelectionExportRequest,
    target: Path,
    entries: list[Entry],
    settings: dict[str, object],
) -> None:
    actor = actor_or_default(req.actor)
    now = utcnow()
    exported = [e for e in entries if e.relative is not None]
    with catalog.write() as conn:
        selection = store.get_selection(conn, req.project_id, req.selection_id, lock=True)
        check_exportable(selection.status)
        store.update_selection_row(conn, selection.id, {"status": SelectionStatus.EXPORTED}, now)
        history_store.record_export(
            conn,
            selection.id,
            at=now,
            path=str(target),
            item_count=len(exported),
            settings=settings,
            actor=actor,
        )
        history_store.append(
            conn,
            selection.id,
            at=now,
            actor=actor,
            action="export",
            asset_hashes=[e.item.asset_hash for e in exported],
            notes=f"exported {len(exported)} item(s) to {target}",
            before={"status": selection.status.value},
            after={"status": SelectionStatus.EXPORTED.value, "path": str(target), **settings},
        )


def export_selection(
    catalog: Catalog,
    req: SelectionExportRequest,
    progress: ExportProgress | None = None,
    stop: threading.Event | None = None,
) -> SelectionExportResult:
    target = _target(req)
    snap = _snapshot(catalog, req, target)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(target)
    remove_stale(_zip_path(target))
    exported_at = utcnow()
    settings: dict[str, object] = {
        "mode": req.mode.value,
        "layout": req.layout.value,
        "zip": req.zip,
        "overwrite": req.overwrite,
        "allow_missing": req.allow_missing,
        "sidecars": req.sidecars,
        "contact_sheet": req.contact_sheet,
    }
    staging = Staging(target)
    zip_temp: Path | None = None
    try:
        exporter = Exporter(req, snap, staging, progress, stop)
        entries = exporter.run()
        records = [e.record() for e in entries]
        facts = documents.ExportFacts(
            snap.selection, snap.project_name, exported_at, settings, records
        )
        exporter.documents(facts)
        if req.zip:
            zip_temp = _write_zip(staging, _zip_path(target))
        old = staging.publish(replace=req.overwrite)
    except BaseException:
        staging.discard()
        if zip_temp is not None:
            zip_temp.unlink(missing_ok=True)
        raise
    try:
        if zip_temp is not None:
            os.replace(zip_temp, _zip_path(target))
        settings["missing"] = len(facts.missing)
        _record(catalog, req, target, entries, settings)
    except BaseException:
        restore(target, old)
        if zip_temp is not None:
            _zip_path(target).unlink(missing_ok=True)
            zip_temp.unlink(missing_ok=True)
        raise
    finish(old)
    return SelectionExportResult(
        project_id=req.project_id,
        selection_id=snap.selection.id,
        export_path=str(target),
        zip_path=str(_zip_path(target)) if req.zip else None,
        mode=req.mode,
        layout=req.layout,
        exported_at=exported_at,
        item_count=len(records),
        exported_count=len(facts.exported),
        missing=facts.missing,
        files_written=len(staging.written),
        bytes_written=staging.bytes_written,
        items=records,
    )

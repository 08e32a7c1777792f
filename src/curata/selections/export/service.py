"""``export_selection``: files and documents into a verified folder, published atomically.

1. Refuse a target that is not safe (:mod:`~curata.selections.export.targets`): in or
   over a scanned folder or the catalog, outside a server's export roots, or in the way
   without ``overwrite`` and a marker proving curata wrote it.
2. Read a snapshot of the selection (items, assets, every cataloged location).
3. Find each item's source by its hash: the item's own path or any location of the
   asset (a file renamed since the scan is found after a rescan); missing sources fail
   the export before anything is written, unless ``allow_missing``.
4. Write everything into a staging folder beside the target, the marker last; each
   file is re-read and checked against its SHA-256 (sources are checked on the way too).
5. Record the intent (a pending export row), rename the staging folder (and zip) into
   place, check the marker in place, then complete the record (status ``exported``, the
   export record, a history entry) in one transaction. A failure rolls everything back;
   a process that dies in between is settled at the next start
   (:mod:`~curata.selections.export.intent`).

A full disk is ``InsufficientStorage``; any other refusal of the operating system is
``Forbidden`` or ``InvalidRequest`` naming ``export_path`` (never a traceback).
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import zipfile
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from curata import imaging
from curata.catalog import Catalog
from curata.catalog import assets as asset_store
from curata.catalog import projects as project_store
from curata.catalog import selections as store
from curata.errors import Interrupted, InvalidRequest, NotFound, VerificationError
from curata.models.assets import Asset
from curata.models.selection_export import (
    ExportedItem,
    ExportMetadata,
    ExportMode,
    SelectionExportRequest,
    SelectionExportResult,
)
from curata.models.selections import SelectionItem, SelectionStatus, SelectionSummary
from curata.roots import Confinement
from curata.selections.actors import actor_or_default, utcnow
from curata.selections.export import documents, intent, marker, plan, strip, targets
from curata.selections.export.oserrors import NO_SPACE, export_error
from curata.selections.export.staging import ExportPaths, Staging, crash_point, remove_stale
from curata.selections.rules import check_exportable

log = logging.getLogger(__name__)
ExportProgress = Callable[[int, int], None]
WORKERS = max(1, min(4, os.cpu_count() or 1))
TEXT_SUFFIXES = (".json", ".csv", ".md", ".html", ".sha256")
#: The largest file whose metadata is stripped (it is read whole).
MAX_STRIP_BYTES = 512 << 20


@dataclass
class Entry:
    """One item of the snapshot and what the export made of it."""

    item: SelectionItem
    asset: Asset
    candidates: list[str]
    position: int
    source: str | None = None
    relative: str | None = None
    sha256: str | None = None  # of what was written
    size: int | None = None
    metadata: str | None = None

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
            bytes=self.size,
            sha256=self.sha256,
            metadata=self.metadata,
            missing=self.relative is None,
        )


@dataclass
class Snapshot:
    selection: SelectionSummary
    project_name: str
    entries: list[Entry] = field(default_factory=list)


def _snapshot(catalog: Catalog, req: SelectionExportRequest) -> Snapshot:
    with catalog.read() as conn:
        selection = store.get_selection(conn, req.project_id, req.selection_id)
        check_exportable(selection.status)
        project = project_store.get_project(conn, req.project_id)
        pairs = store.load_items(conn, selection.key)
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
        stripping = self.req.metadata is not ExportMetadata.KEEP
        stripped = stripping and strip.strippable(entry.asset.file_format)
        for source in entry.candidates:
            if not os.path.isfile(source):
                continue
            try:
                if stripped:
                    ok = self._copy_stripped(entry, source, relative)
                elif self.req.mode is ExportMode.COPY:
                    ok = self.staging.copy(source, relative, digest)
                else:
                    symbolic = self.req.mode is ExportMode.SYMLINK
                    ok = self.staging.link(source, relative, digest, symbolic=symbolic)
            except OSError as exc:
                if exc.errno in NO_SPACE or exc.filename != source or exc.filename2:
                    raise
                raise InvalidRequest(
                    f"cannot read {source}: {exc.strerror or exc}", field="items"
                ) from None
            if ok:
                entry.source, entry.relative = source, relative
                if not stripped:
                    entry.sha256, entry.size, entry.metadata = digest, entry.asset.file_size, "kept"
                return True
        return False

    def _copy_stripped(self, entry: Entry, source: str, relative: str) -> bool:
        """Write ``source`` without its embedded metadata: False when the source no longer
        has the asset's hash; a file that cannot be stripped fails the export (it must
        not be delivered as stripped)."""
        fmt = entry.asset.file_format or ""
        if os.path.getsize(source) > MAX_STRIP_BYTES:
            raise InvalidRequest(
                f"{source}: larger than {MAX_STRIP_BYTES >> 20} MiB, its metadata is not "
                "stripped (use metadata: keep)",
                field="metadata",
            )
        with open(source, "rb") as fh:
            data = fh.read()
        if hashlib.sha256(data).hexdigest() != entry.item.asset_hash:
            return False
        try:
            out = strip.strip(data, fmt)
        except strip.StripError as exc:
            raise InvalidRequest(
                f"{source}: cannot strip its metadata ({exc}); use metadata: keep",
                field="metadata",
            ) from None
        entry.sha256 = self.staging.write_bytes(relative, out)
        entry.size, entry.metadata = len(out), "stripped"
        return True

    def _extras(self, entry: Entry) -> None:
        assert entry.relative is not None and entry.source is not None
        if self.req.sidecars:
            generation = self.req.metadata is not ExportMetadata.STRIP
            data = documents.sidecar(entry.asset, entry.item, entry.record(), generation)
            self.staging.write_bytes(entry.relative + ".json", data)
        if self.req.contact_sheet and entry.asset.media_type.value == "image":
            try:
                thumb = imaging.thumbnail_jpeg(entry.source, self.req.thumbnail_size)
            except imaging.UnreadableImage:
                return  # the contact sheet shows the item without a picture
            self.staging.write_bytes(self._thumb_path(entry.relative), thumb)

    @staticmethod
    def _thumb_path(relative: str) -> str:
        return f"{plan.THUMBNAILS}/{relative}.jpg"

    def documents(self, facts: documents.ExportFacts) -> str:
        """Write the documents, the marker last; returns the manifest's SHA-256."""
        write = self.staging.write_bytes
        manifest = documents.manifest_json(facts)
        write(plan.MANIFEST_JSON, manifest)
        write(plan.MANIFEST_CSV, documents.manifest_csv(facts))
        write(plan.README, documents.readme(facts))
        if self.req.contact_sheet:
            thumbs = {
                i.asset_hash: self._thumb_path(i.exported_path)
                for i in facts.exported
                if i.exported_path and self._thumb_path(i.exported_path) in self.staging.written
            }
            write(plan.CONTACT_SHEET, documents.contact_sheet(facts, thumbs))
        checksums = documents.checksums(self.staging.written)
        write(plan.CHECKSUMS, checksums)
        sel = facts.selection
        stamp = marker.new_marker(sel.project_id, sel.id, facts.exported_at, manifest, checksums)
        write(marker.MARKER, stamp.to_bytes())
        return stamp.manifest_sha256


def _write_zip(staging: Staging, paths: ExportPaths) -> None:
    """A zip of the staged folder beside the target, its CRCs checked on reading back."""
    temp = paths.staging_zip
    names = sorted(p.relative_to(staging.root).as_posix() for p in staging.root.rglob("*"))
    files = [n for n in names if (staging.root / n).is_file()]
    with zipfile.ZipFile(temp, "w") as zf:
        for name in files:
            method = zipfile.ZIP_DEFLATED if name.endswith(TEXT_SUFFIXES) else None
            zf.write(staging.root / name, f"{paths.target.name}/{name}", compress_type=method)
    with zipfile.ZipFile(temp) as zf:
        bad = zf.testzip()
        if bad is not None or len(zf.namelist()) != len(files):
            raise VerificationError(f"{paths.zip_target}: {bad or 'entries'} failed", field="zip")


def export_selection(
    catalog: Catalog,
    req: SelectionExportRequest,
    progress: ExportProgress | None = None,
    stop: threading.Event | None = None,
    confinement: Confinement | None = None,
) -> SelectionExportResult:
    """Export the selection (``confinement``: a server's client, only under its export
    roots). Nothing is left half-written, whatever fails."""
    try:
        return _export(catalog, req, progress, stop, confinement)
    except OSError as exc:
        raise export_error(exc) from None


def _check_metadata(req: SelectionExportRequest) -> None:
    if req.metadata is ExportMetadata.KEEP:
        return
    if req.mode is not ExportMode.COPY:
        raise InvalidRequest(
            f"metadata {req.metadata.value} writes new copies: it needs mode copy, not "
            f"{req.mode.value}",
            field="metadata",
        )
    if req.metadata is ExportMetadata.SIDECAR_ONLY and not req.sidecars:
        raise InvalidRequest(
            "metadata sidecar-only keeps the metadata in the sidecars: it needs sidecars",
            field="metadata",
        )


def _export(
    catalog: Catalog,
    req: SelectionExportRequest,
    progress: ExportProgress | None,
    stop: threading.Event | None,
    confinement: Confinement | None,
) -> SelectionExportResult:
    _check_metadata(req)
    intent.recover(catalog)
    target = targets.resolve(catalog, req, confinement)
    snap = _snapshot(catalog, req)
    target.folder.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(target.folder)
    exported_at = utcnow()
    settings: dict[str, object] = {
        "mode": req.mode.value,
        "layout": req.layout.value,
        "zip": req.zip,
        "overwrite": req.overwrite,
        "allow_missing": req.allow_missing,
        "sidecars": req.sidecars,
        "contact_sheet": req.contact_sheet,
        "metadata": req.metadata.value,
    }
    paths = ExportPaths.new(target.folder, zip=req.zip)
    staging = Staging(paths)
    try:
        exporter = Exporter(req, snap, staging, progress, stop)
        entries = exporter.run()
        records = [e.record() for e in entries]
        actor = actor_or_default(req.actor)
        after = snap.selection.model_copy(
            update={"status": SelectionStatus.EXPORTED, "updated_at": exported_at}
        )
        facts = documents.ExportFacts(
            after, snap.project_name, exported_at, settings, records, actor
        )
        digest = exporter.documents(facts)
        if req.zip:
            _write_zip(staging, paths)
        targets.check_replaceable(target, req.overwrite)
        hashes = [e.item.asset_hash for e in entries if e.relative is not None]
        recorded = {**settings, "missing": len(facts.missing)}
        export_id = intent.begin(
            catalog,
            paths,
            project_id=req.project_id,
            key=snap.selection.key,
            at=exported_at,
            item_count=len(hashes),
            settings=recorded,
            actor=actor,
            manifest_sha256=digest,
        )
    except BaseException:
        staging.discard()
        raise
    try:
        crash_point("pending")
        paths.publish(replace=req.overwrite)
        if not paths.placed(digest):
            raise VerificationError(
                f"{paths.target} did not read back as written", field="export_path"
            )
        with catalog.write() as conn:
            intent.complete(
                conn,
                export_id,
                key=snap.selection.key,
                target=paths.target,
                asset_hashes=hashes,
                settings=recorded,
                actor=actor,
            )
    except BaseException:
        try:
            intent.abandon(catalog, paths, export_id, digest)
        except Exception as exc:  # the row stays pending: settled when next opened
            log.warning("cannot roll back the export to %s yet: %s", paths.target, exc)
        finally:
            intent.end(paths)
        raise
    intent.end(paths)
    paths.finish()
    return SelectionExportResult(
        project_id=req.project_id,
        selection_id=snap.selection.id,
        export_path=str(paths.target),
        zip_path=str(paths.zip_target) if req.zip else None,
        mode=req.mode,
        layout=req.layout,
        metadata=req.metadata,
        exported_at=exported_at,
        item_count=len(records),
        exported_count=len(facts.exported),
        missing=facts.missing,
        files_written=len(staging.written),
        bytes_written=staging.bytes_written,
        items=records,
    )

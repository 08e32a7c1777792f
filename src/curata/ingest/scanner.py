"""The scan pipeline: discover -> compare with the catalog -> probe in parallel -> record.

Plain stages, each a function, so each can be tested and reused:

1. :func:`discover` walks the roots (stat only);
2. :func:`plan` compares what it found with the catalog: files whose size, mtime and
   sidecars (``.json``/``.txt``/``.xmp`` beside them) are unchanged are not read again;
3. :func:`probe_stream` probes the rest in reader processes (pure, no catalog access);
4. results are recorded in batches, one transaction per batch. A scan killed at any
   moment leaves whole batches only; running it again redoes just the rest.
5. Only after a complete pass, cataloged files that are gone are marked missing.

A scan can also look at just some paths below its roots (``changed``: what a watcher saw
added, modified, moved or deleted, see :mod:`curata.ingest.watch`): the same stages, the
walk limited to those paths (and the files a changed sidecar may belong to), the
comparison to the catalog's locations at or below them.
"""

from __future__ import annotations

import glob
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from curata.catalog import Catalog, ingest_errors
from curata.catalog import roots as scan_roots
from curata.catalog.assets import (
    KnownLocation,
    known_locations,
    mark_missing,
    marked_missing,
    record_probe,
)
from curata.catalog.codec import path_to_db
from curata.catalog.projects import ensure_project
from curata.errors import InvalidRequest
from curata.ingest.probe import probe_file
from curata.ingest.sidecars import (
    SIDECAR_EXTENSIONS,
    sidecar_owners,
    sidecar_signature,
    stat_lookup,
)
from curata.ingest.walker import OUTSIDE_ROOTS, FoundFile, WalkProblem, walk_below
from curata.ingest.workers import probe_parallel
from curata.models.probe import ProbeResult
from curata.models.scan import CatalogChange, ScanProgress, ScanSummary

ProgressCallback = Callable[[ScanProgress], None]
#: Called with what each committed batch changed in the catalog.
ChangeCallback = Callable[[list[CatalogChange]], None]
_REPORTED = frozenset({"new", "changed", "moved", "failed"})

# Below this many files to read, reader processes cost more than it saves.
POOL_THRESHOLD = 24
BATCH_SIZE = 200
BATCH_SECONDS = 1.0


@dataclass
class Discovery:
    files: dict[str, FoundFile] = field(default_factory=dict)
    problems: list[WalkProblem] = field(default_factory=list)
    # Sidecars of other found files: read with their owner, never cataloged alone.
    sidecars: dict[str, FoundFile] = field(default_factory=dict)
    # The walked folders (with a trailing separator) and the names of every found
    # .json/.txt/.xmp file minus that extension: no other file can have a sidecar.
    walked: tuple[str, ...] = ()
    sidecar_stems: set[str] = field(default_factory=set)
    # Symbolic links not followed because they lead out of the roots: a file cataloged
    # through one of them (before links were checked) is no longer there for curata.
    outside: set[str] = field(default_factory=set)
    # The paths walked: the roots, or the changed paths of a partial scan.
    starts: list[str] = field(default_factory=list)

    def stat(self, path: str) -> tuple[int, float] | None:
        """(size, mtime) of a path as discovered; stat only outside the walked folders and
        for links (a sidecar only when it stays in its folder, see :func:`stat_lookup`)."""
        found = self.files.get(path) or self.sidecars.get(path)
        if found is not None:
            return stat_lookup(path) if found.link else (found.size, found.mtime)
        return None if path.startswith(self.walked) else stat_lookup(path)

    def sidecar_signature(self, path: str) -> str | None:
        """:func:`sidecar_signature` from the discovered files; a file whose name (or name
        up to its last dot) no sidecar starts with is answered without a lookup."""
        if (
            path.startswith(self.walked)
            and path not in self.sidecar_stems
            and path.rpartition(".")[0] not in self.sidecar_stems
        ):
            return None
        return sidecar_signature(path, self.stat)


@dataclass
class Plan:
    to_read: list[FoundFile]
    unchanged: int
    known: dict[str, KnownLocation]
    still_failing: int = 0  # unchanged files whose earlier failure stands


def changed_starts(roots: Sequence[str], changed: Iterable[str]) -> list[tuple[str, str]]:
    """``(path, its root)`` for the outermost of ``changed`` that lie at or below a root
    (as written), with the files a changed ``.json``/``.txt``/``.xmp`` may belong to."""
    paths = {os.path.abspath(p) for p in changed}
    for path in list(paths):
        stem, ext = os.path.splitext(path)
        if ext.lower() in SIDECAR_EXTENSIONS:
            paths.add(stem)  # a.png.json -> a.png
            paths.update(glob.glob(glob.escape(stem) + ".*"))  # a.json -> a.png
    starts = []
    for path in sorted(paths):
        root = next((r for r in roots if path == r or path.startswith(_below(r))), None)
        if root is not None and not any(p in paths for p in _folders_above(path, root)):
            starts.append((path, root))
    return starts


def _below(folder: str) -> str:
    return folder.rstrip(os.sep) + os.sep


def _folders_above(path: str, root: str) -> Iterator[str]:
    """The folders from ``path``'s parent up to ``root`` (``path`` lies below ``root``)."""
    while path != root:
        path = os.path.dirname(path)
        yield path


def discover(
    roots: Sequence[str],
    include_hidden: bool = False,
    exclude: frozenset[str] = frozenset(),
    follow_links: bool = False,
    changed: Iterable[str] | None = None,
) -> Discovery:
    """Every file below the roots (or only at or below the ``changed`` paths, see
    :func:`changed_starts`), but those in ``exclude`` (the catalog's own files).
    Symbolic links are followed only into the roots, unless ``follow_links``."""
    found = Discovery()
    starts = [(r, r) for r in roots] if changed is None else changed_starts(roots, changed)
    for start, root in starts:
        for item in walk_below(root, start, include_hidden, roots=roots, follow_links=follow_links):
            if isinstance(item, WalkProblem):
                found.problems.append(item)
                if item.reason == OUTSIDE_ROOTS:
                    found.outside.add(item.path)
            elif item.path not in exclude:
                found.files.setdefault(item.path, item)
    found.sidecar_stems = {
        stem
        for stem, ext in map(os.path.splitext, found.files)
        if ext.lower() in SIDECAR_EXTENSIONS
    }
    for sidecar in sidecar_owners(found.files):
        found.sidecars[sidecar] = found.files.pop(sidecar)
    found.walked = tuple(_below(p) for p, _root in starts if os.path.isdir(p))
    found.starts = [p for p, _root in starts]
    return found


def catalog_files(catalog: Catalog) -> frozenset[str]:
    """The SQLite catalog and its journal files: never cataloged, even inside a root."""
    if catalog.path is None:
        return frozenset()
    base = os.path.abspath(catalog.path)
    return frozenset(base + suffix for suffix in ("", "-wal", "-shm", "-journal"))


def is_unchanged(
    found: FoundFile,
    known: KnownLocation | None,
    failed: tuple[int | None, float | None] | None,
    sidecar_sig: str | None = None,
) -> bool:
    """Not worth reading again: cataloged with the same size, mtime and sidecars, or
    failed before with the same size and mtime."""
    if known is not None and not known.missing:
        return (
            known.file_size == found.size
            and known.mtime == found.mtime
            and known.sidecar_sig == sidecar_sig
        )
    return failed == (found.size, found.mtime)


def plan(catalog: Catalog, roots: Sequence[str], discovery: Discovery) -> Plan:
    known: dict[str, KnownLocation] = {}
    failed: dict[str, tuple[int | None, float | None]] = {}
    with catalog.read() as conn:
        for root in roots:
            known.update(known_locations(conn, root))
            failed.update(ingest_errors.failed_files(conn, root))
    to_read = [
        f
        for f in discovery.files.values()
        if not is_unchanged(
            f, known.get(f.path), failed.get(f.path), discovery.sidecar_signature(f.path)
        )
    ]
    reading = {f.path for f in to_read}
    still_failing = sum(1 for path in failed if path in discovery.files and path not in reading)
    return Plan(to_read, len(discovery.files) - len(to_read), known, still_failing)


def probe_stream(
    paths: Sequence[str], workers: int, stop: threading.Event, metadata: bool = True
) -> Iterator[ProbeResult]:
    """Probe results as they complete, from ``workers`` reader processes (see
    :mod:`curata.ingest.workers`), or in this process for a few files.
    ``metadata=False`` skips the generation-metadata step (see :func:`probe_file`)."""
    if workers > 1 and len(paths) >= POOL_THRESHOLD:
        yield from probe_parallel(paths, workers, stop, metadata)
        return
    for p in paths:
        if stop.is_set():
            return
        yield probe_file(p, metadata)


class Scanner:
    """Runs scans against one catalog. ``stop`` (a :class:`threading.Event`) or Ctrl-C
    ends a scan after the current batch; what was recorded stays, and the next scan
    picks up the rest."""

    def __init__(
        self,
        catalog: Catalog,
        *,
        workers: int | None = None,
        progress: ProgressCallback | None = None,
        stop: threading.Event | None = None,
        batch_size: int = BATCH_SIZE,
        metadata: bool = True,
        on_change: ChangeCallback | None = None,
    ) -> None:
        self.catalog = catalog
        self.on_change = on_change
        self.metadata = metadata
        self.batch_size = batch_size
        self.workers = workers or os.cpu_count() or 1
        self.progress = progress or (lambda _p: None)
        self.stop = stop or threading.Event()

    def scan(
        self,
        paths: Iterable[str],
        *,
        project: str | None = None,
        include_hidden: bool = False,
        follow_links: bool = False,
        changed: Iterable[str] | None = None,
    ) -> ScanSummary:
        """Scan ``paths``; their resolved roots are recorded (see :mod:`curata.catalog.roots`)
        first, and symbolic links lead out of them only with ``follow_links``.

        With ``changed``, only those paths below ``paths`` are looked at (files or
        folders, present or gone): the rest of the roots is taken as unchanged."""
        started = time.monotonic()
        roots = normalize_roots(paths)
        summary = ScanSummary(roots=roots)
        project_id = None
        with self.catalog.write() as conn:
            scan_roots.record(conn, roots, follow_links, time.time())
            if project:
                project_id = ensure_project(conn, project)
        summary.project = project_id
        self.progress(ScanProgress(phase="discovering"))
        discovery = discover(
            roots, include_hidden, catalog_files(self.catalog), follow_links, changed
        )
        work = plan(self.catalog, discovery.starts, discovery)
        summary.files_seen = len(discovery.files)
        summary.unchanged = work.unchanged
        summary.still_failing = work.still_failing
        self._record_problems(discovery.problems, summary)
        with _ctrl_c_sets(self.stop):
            state = self._read(work.to_read, project_id, summary)
        summary.interrupted = self.stop.is_set()
        if not summary.interrupted:
            summary.missing = self._mark_missing(work.known, discovery)
        summary.seconds = round(time.monotonic() - started, 3)
        state.phase, state.current = "done", None
        self.progress(state)
        return summary

    def _record_problems(self, problems: list[WalkProblem], summary: ScanSummary) -> None:
        if not problems:
            return
        now = time.time()
        with self.catalog.write() as conn:
            for problem in problems:
                path = path_to_db(problem.path)
                ingest_errors.record(conn, path, problem.reason, now, problem.level)
        summary.failed += sum(p.level == "error" for p in problems)

    def _read(
        self, files: list[FoundFile], project_id: str | None, summary: ScanSummary
    ) -> ScanProgress:
        """Probe and record ``files``; the progress at the end counts the files read
        (fewer than ``files_total`` after a stop)."""
        total_bytes = sum(f.size for f in files)
        state = ScanProgress(phase="reading", files_total=len(files), bytes_total=total_bytes)
        self.progress(state)
        batch: list[ProbeResult] = []
        last_flush = time.monotonic()
        paths = [f.path for f in files]
        for result in probe_stream(paths, self.workers, self.stop, self.metadata):
            batch.append(result)
            state.files_done += 1
            state.bytes_done += result.file_size
            state.current = result.path
            if len(batch) >= self.batch_size or time.monotonic() - last_flush >= BATCH_SECONDS:
                self._flush(batch, project_id, summary)
                batch = []
                last_flush = time.monotonic()
                self.progress(state.model_copy())
        self._flush(batch, project_id, summary)
        self.progress(state.model_copy())
        return state

    def _flush(
        self, batch: list[ProbeResult], project_id: str | None, summary: ScanSummary
    ) -> None:
        if not batch:
            return
        now = time.time()
        outcomes: list[str] = []
        with self.catalog.write() as conn:
            for result in batch:
                outcomes.append(
                    record_probe(
                        conn, result, now, project_id=project_id, file_exists=os.path.exists
                    )
                )
        for outcome in outcomes:
            setattr(summary, outcome, getattr(summary, outcome) + 1)
        self._report(
            CatalogChange(kind=outcome, path=r.path, content_hash=r.content_hash or None)
            for outcome, r in zip(outcomes, batch, strict=True)
            if outcome in _REPORTED
        )
        summary.bytes_read += sum(r.file_size for r in batch if not r.error)

    def _mark_missing(self, known: dict[str, KnownLocation], discovery: Discovery) -> int:
        """Cataloged files that are gone, or reached only through a link out of the roots."""
        through = tuple(link + os.sep for link in discovery.outside)
        gone = [
            path
            for path, loc in known.items()
            if not loc.missing
            and path not in discovery.files
            and (not os.path.lexists(path) or path in discovery.outside or path.startswith(through))
        ]
        if not gone:
            return 0
        now = time.time()
        with self.catalog.write() as conn:
            count = mark_missing(conn, gone, now)
            marked = marked_missing(conn, gone, now) if self.on_change else []
        self._report(
            CatalogChange(kind="missing", path=path, content_hash=digest) for path, digest in marked
        )
        return count

    def _report(self, changes: Iterable[CatalogChange]) -> None:
        if self.on_change is not None:
            listed = list(changes)
            if listed:
                self.on_change(listed)


@contextmanager
def _ctrl_c_sets(stop: threading.Event) -> Iterator[None]:
    """While reading, the first Ctrl-C asks the scan to stop after the current batch
    (no exception can land in the middle of a write); a second one aborts at once."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_sigint(_signum: int, _frame: object) -> None:
        stop.set()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def normalize_roots(paths: Iterable[str]) -> list[str]:
    roots = []
    for raw in paths:
        root = os.path.abspath(os.path.expanduser(os.fspath(raw)))
        if not os.path.exists(root):
            raise InvalidRequest(f"no such file or folder: {raw}", field="paths")
        roots.append(root)
    if not roots:
        raise InvalidRequest("give at least one file or folder to scan", field="paths")
    return roots

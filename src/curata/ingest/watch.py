"""Watch mode: keep the catalog in step with folders while files appear, change, move and go.

:func:`watch` first scans the roots (catching up with whatever changed while nothing
watched them), then listens to the operating system's file events (``watchfiles``:
inotify, FSEvents, ReadDirectoryChangesW, or polling) and passes the paths they name to
the normal scanner (:meth:`Scanner.scan` with ``changed``) in batches: a new or changed
file is read, a deleted one marked missing, a renamed one recorded as the same asset
found at its new path (same content hash: the location moves, nothing else changes).

A path is scanned once it has *settled* (:class:`Settling`): no event named it for
:data:`QUIET` seconds and its size and modification time stayed the same, so a file
still being written (a render, a copy) is waited for. Paths the walker would pass over
(hidden files, clutter folders, the catalog's own files, links out of the roots) are
passed over here too: the scanner applies the walker's rules to each of them.

``stop`` (or Ctrl-C) ends the watch after the batch being recorded; the next start
catches up with what changed meanwhile.
"""

from __future__ import annotations

import functools
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import watchfiles

from curata.catalog import Catalog
from curata.ingest.scanner import (
    BATCH_SIZE,
    ChangeCallback,
    ProgressCallback,
    Scanner,
    catalog_files,
    normalize_roots,
)
from curata.models.scan import ScanSummary

#: Seconds without an event, and with the same size and mtime, before a path is read.
QUIET = 0.5
#: How often (seconds) the settling paths are looked at.
TICK = 0.1
#: The file-event listener's poll of its stop flag, in milliseconds.
_LISTEN_TIMEOUT_MS = 200

Stat = tuple[int, int] | None
StatLookup = Callable[[str], Stat]
BatchCallback = Callable[[ScanSummary], None]


def stat_of(path: str) -> Stat:
    """``(size, mtime in ns)`` of what ``path`` names (following links), None when gone."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


@dataclass
class Settling:
    """The paths events named that are not scanned yet, and when each has settled.

    Pure: the caller passes the time and the stat lookup. A path settles once no event
    named it for ``quiet`` seconds and its stat did not change since the last look; a
    gone path settles the same way (a rename or a save through a temporary file ends
    with the file back in place)."""

    quiet: float = QUIET
    pending: dict[str, tuple[float, Stat]] = field(default_factory=dict)

    def touch(self, paths: Iterable[str], now: float, lookup: StatLookup = stat_of) -> None:
        for path in paths:
            self.pending[path] = (now, lookup(path))

    def settled(self, now: float, lookup: StatLookup = stat_of) -> list[str]:
        """The settled paths (sorted), no longer pending; the others keep waiting."""
        ready = []
        for path, (since, seen) in list(self.pending.items()):
            if now - since < self.quiet:
                continue
            current = lookup(path)
            if current != seen:
                self.pending[path] = (now, current)
            else:
                ready.append(path)
                del self.pending[path]
        return sorted(ready)


def add(total: ScanSummary, batch: ScanSummary) -> None:
    """Count ``batch`` into ``total`` (the summary of a whole watch)."""
    for name in ("new", "changed", "moved", "missing", "failed", "bytes_read"):
        setattr(total, name, getattr(total, name) + getattr(batch, name))
    total.seconds = round(total.seconds + batch.seconds, 3)


class _Listener:
    """The file events of ``roots``, from a thread, as sets of paths on a queue."""

    def __init__(self, roots: Sequence[str], stop: threading.Event) -> None:
        self.roots = roots
        self.stop = stop
        self.paths: queue.Queue[set[str]] = queue.Queue()
        self.ready = threading.Event()
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="curata-watch", daemon=True)

    def start(self) -> None:
        """Start listening; returns once the operating system watches every root."""
        self.thread.start()
        self.ready.wait()
        if self.failure is not None:
            raise self.failure

    def _run(self) -> None:
        try:
            for changes in watchfiles.watch(
                *self.roots,
                watch_filter=None,
                debounce=int(QUIET * 1000),
                step=50,
                stop_event=self.stop,
                rust_timeout=_LISTEN_TIMEOUT_MS,
                yield_on_timeout=True,
                raise_interrupt=False,
                ignore_permission_denied=True,
            ):
                self.ready.set()
                if changes:
                    self.paths.put({path for _change, path in changes})
        except BaseException as exc:  # reported to the watching thread
            self.failure = exc
        finally:
            self.ready.set()
            self.paths.put(set())  # wakes the watching thread

    def close(self) -> None:
        self.stop.set()
        self.thread.join()


def watch(
    catalog: Catalog,
    roots: Sequence[str],
    *,
    project: str | None = None,
    include_hidden: bool = False,
    follow_links: bool = False,
    workers: int | None = None,
    stop: threading.Event | None = None,
    progress: ProgressCallback | None = None,
    on_change: ChangeCallback | None = None,
    on_batch: BatchCallback | None = None,
    batch_size: int = BATCH_SIZE,
    quiet: float = QUIET,
) -> ScanSummary:
    """Scan ``roots``, then catalog what changes below them until ``stop`` is set.

    ``on_batch`` gets the summary of the first scan and of every batch after it;
    ``on_change`` and ``progress`` are the scanner's (see :class:`Scanner`). Returns the
    summary of the whole watch (``files_seen`` is the first scan's)."""
    stop = stop or threading.Event()
    scanner = Scanner(
        catalog,
        workers=workers,
        progress=progress,
        stop=stop,
        batch_size=batch_size,
        on_change=on_change,
    )
    absolute = normalize_roots(roots)
    scan = functools.partial(
        scanner.scan,
        absolute,
        project=project,
        include_hidden=include_hidden,
        follow_links=follow_links,
    )
    total = ScanSummary(roots=absolute)
    listener = _Listener(absolute, threading.Event())
    own_files = catalog_files(catalog)
    settling = Settling(quiet)
    try:
        listener.start()  # before the first scan: nothing that changes during it is lost
        total = scan()
        _report(on_batch, total)
        while not stop.is_set() and not total.interrupted:
            try:
                paths = listener.paths.get(timeout=TICK)
            except queue.Empty:
                paths = set()
            if listener.failure is not None:
                raise listener.failure
            settling.touch(paths - own_files, time.monotonic())
            ready = settling.settled(time.monotonic())
            if ready:
                batch = scan(changed=ready)
                add(total, batch)
                total.interrupted = batch.interrupted
                _report(on_batch, batch)
    except KeyboardInterrupt:  # between batches: nothing is half-written
        total.interrupted = True
    finally:
        listener.close()
    if stop.is_set():
        total.interrupted = True
    return total


def _report(on_batch: BatchCallback | None, summary: ScanSummary) -> None:
    if on_batch is not None:
        on_batch(summary)

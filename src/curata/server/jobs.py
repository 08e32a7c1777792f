"""Background work of the server: scan jobs, the watcher, thumbnails.

A scan job is ``Curata.scan`` in a thread, its progress kept for polling. One scan runs
at a time (a second one is a ``Conflict``); finished jobs stay listed until the server
stops. A job is stopped through the ``stop`` event ``Curata.scan`` honours, so what was
cataloged before the stop is kept and the next scan resumes the rest.

:class:`Watcher` runs ``Curata.watch`` of the ``curata serve --watch`` folders.
Both publish what they change and their progress on the server's
:class:`~curata.server.events.EventHub`, and hand the images they cataloged to
:class:`ThumbnailWarmer`, which makes their thumbnails in worker processes.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Collection, Sequence
from dataclasses import asdict
from datetime import UTC, datetime

from curata.errors import Conflict, CurataError, NotFound
from curata.ingest.thumbnails import ThumbnailCache, WarmSummary, warm
from curata.interface import Curata
from curata.models import CatalogChange, ScanProgress, ScanRequest, ScanSummary
from curata.server.events import EventHub
from curata.server.files import serving_roots
from curata.server.models import ErrorInfo, ScanJob, ScanState

log = logging.getLogger(__name__)

#: How long ``POST /scans`` waits for a scan to get past checking its request.
START_TIMEOUT = 30.0
_FINISHED = frozenset({ScanState.COMPLETED, ScanState.INTERRUPTED, ScanState.FAILED})


def warm_search(curata: Curata) -> None:
    """Bring the search index up to date now (its first use in a process also loads its
    compiled kernels, about a second), so that the page's next search does not wait."""
    try:
        curata.search_assets({"limit": 1})
    except Exception:
        log.exception("warming the search index failed")


class ThumbnailWarmer:
    """Makes missing thumbnails in the background: one run at a time, later requests
    merged into the next run (all images, or the named ones)."""

    def __init__(
        self, curata: Curata, cache: ThumbnailCache, events: EventHub, workers: int | None = None
    ) -> None:
        self.curata = curata
        self.cache = cache
        self.events = events
        self.workers = workers  # None: one per core
        self.stop = threading.Event()
        self.idle = threading.Event()
        self.idle.set()
        self._lock = threading.Lock()
        self._everything = False
        self._hashes: set[str] = set()
        self._thread: threading.Thread | None = None

    def request(self, hashes: Collection[str] | None = None) -> None:
        """Make the thumbnails of ``hashes`` (None: every image asset) soon."""
        if hashes is not None and not hashes:
            return
        with self._lock:
            if hashes is None:
                self._everything = True
            else:
                self._hashes.update(hashes)
            if self._thread is None and not self.stop.is_set():
                self.idle.clear()
                self._thread = threading.Thread(target=self._run, name="thumbnails", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            with self._lock:
                wanted: set[str] | None = None if self._everything else self._hashes
                self._everything, self._hashes = False, set()
                if (wanted is not None and not wanted) or self.stop.is_set():
                    self._thread = None
                    self.idle.set()
                    return
            try:
                summary = warm(
                    self.curata.catalog,
                    self.cache,
                    serving_roots(self.curata),
                    wanted,
                    workers=self.workers,
                    stop=self.stop,
                    progress=self._progress,
                )
                self.events.publish("thumbnails", {"done": True, **asdict(summary)})
            except Exception:
                log.exception("making thumbnails failed")

    def _progress(self, summary: WarmSummary) -> None:
        self.events.publish("thumbnails", {"done": False, **asdict(summary)})

    def shutdown(self, timeout: float) -> None:
        self.stop.set()
        self.idle.wait(timeout)


class Publisher:
    """What one scan changes, published as it is recorded and collected for thumbnails."""

    def __init__(self, source: str, events: EventHub) -> None:
        self.source = source
        self.events = events
        self.images: set[str] = set()

    def progress(self, progress: ScanProgress) -> None:
        self.events.publish(
            "progress", {"scan": self.source, "progress": progress.model_dump(mode="json")}
        )

    def changes(self, changes: list[CatalogChange]) -> None:
        self.images.update(
            c.content_hash for c in changes if c.content_hash and c.kind != "missing"
        )
        self.events.publish(
            "changes",
            {"scan": self.source, "changes": [c.model_dump(mode="json") for c in changes]},
        )

    def taken(self) -> set[str]:
        """The assets cataloged since the last call (watch batches warm only those)."""
        images, self.images = self.images, set()
        return images


class Job:
    """One scan and what is known about it so far; every field is read under the lock."""

    def __init__(self, request: ScanRequest) -> None:
        self.id = uuid.uuid4().hex
        self.request = request
        self.stop = threading.Event()
        self.started = threading.Event()
        self._lock = threading.Lock()
        self._job = ScanJob(
            id=self.id,
            state=ScanState.RUNNING,
            paths=request.paths,
            project=request.project,
            started_at=datetime.now(UTC),
            progress=ScanProgress(phase="starting"),
            events=0,
        )
        self.failure: CurataError | None = None

    def snapshot(self) -> ScanJob:
        with self._lock:
            return self._job.model_copy(deep=True)

    @property
    def finished(self) -> bool:
        with self._lock:
            return self._job.state in _FINISHED

    def on_progress(self, progress: ScanProgress) -> None:
        with self._lock:
            self._job.progress = progress
            self._job.events += 1
        self.started.set()

    def request_stop(self) -> None:
        with self._lock:
            if self._job.state == ScanState.RUNNING:
                self._job.state = ScanState.STOPPING
        self.stop.set()

    def run(self, curata: Curata, events: EventHub, thumbnails: ThumbnailWarmer) -> None:
        req = self.request
        publisher = Publisher(self.id, events)

        def progress(event: ScanProgress) -> None:
            self.on_progress(event)
            publisher.progress(event)

        try:
            result = curata.scan(
                req.paths,
                req.project,
                progress,
                include_hidden=req.include_hidden,
                stop=self.stop,
                on_change=publisher.changes,
            )
            thumbnails.request()  # every image without thumbnails, not only this scan's
            warm_search(curata)
        except CurataError as exc:
            self._finish(ScanState.FAILED, error=ErrorInfo(**exc.to_dict()))
            self.failure = exc
        except Exception as exc:
            log.exception("scan job %s failed", self.id)
            self._finish(ScanState.FAILED, error=ErrorInfo(code="internal_error", message=str(exc)))
        else:
            summary = result.data
            interrupted = summary is not None and summary.interrupted
            state = ScanState.INTERRUPTED if interrupted else ScanState.COMPLETED
            self._finish(state, summary=summary)
        finally:
            self.started.set()
            events.publish("scan", self.snapshot().model_dump(mode="json"))

    def _finish(self, state: ScanState, **fields: object) -> None:
        with self._lock:
            self._job.state = state
            self._job.finished_at = datetime.now(UTC)
            for name, value in fields.items():
                setattr(self._job, name, value)


class ScanJobs:
    """The scan jobs of one server."""

    def __init__(self, curata: Curata, events: EventHub, thumbnails: ThumbnailWarmer) -> None:
        self.curata = curata
        self.events = events
        self.thumbnails = thumbnails
        self._jobs: dict[str, Job] = {}
        self._threads: dict[str, threading.Thread] = {}
        self._lock = threading.Lock()

    def start(self, request: ScanRequest) -> ScanJob:
        """Start a scan; a request the scan rejects up front raises its error here."""
        job = Job(request)
        with self._lock:
            running = [j for j in self._jobs.values() if not j.finished]
            if running:
                raise Conflict(
                    f"scan {running[0].id} is still running; stop it or wait for it",
                    field="paths",
                )
            thread = threading.Thread(
                target=job.run,
                args=(self.curata, self.events, self.thumbnails),
                name=f"scan-{job.id[:8]}",
                daemon=True,
            )
            self._jobs[job.id] = job
            self._threads[job.id] = thread
        thread.start()
        job.started.wait(START_TIMEOUT)
        if job.failure is not None:
            with self._lock:
                del self._jobs[job.id]
            raise job.failure
        return job.snapshot()

    def get(self, job_id: str) -> Job:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise NotFound(f"no scan job {job_id!r}", field="job_id")
        return job

    def listing(self) -> list[ScanJob]:
        with self._lock:
            jobs = list(self._jobs.values())
        return [j.snapshot() for j in jobs]

    def stop(self, job_id: str) -> ScanJob:
        job = self.get(job_id)
        job.request_stop()
        return job.snapshot()

    def shutdown(self, timeout: float = 60.0) -> None:
        """Stop every running scan and wait for them to record what they finished."""
        with self._lock:
            jobs = list(self._jobs.values())
            threads = list(self._threads.values())
        for job in jobs:
            job.request_stop()
        for thread in threads:
            thread.join(timeout)


class Watcher:
    """``Curata.watch`` of ``paths`` in a thread while the server runs (``--watch``)."""

    def __init__(
        self,
        curata: Curata,
        paths: Sequence[str],
        events: EventHub,
        thumbnails: ThumbnailWarmer,
    ) -> None:
        self.curata = curata
        self.paths = list(paths)
        self.thumbnails = thumbnails
        self.publisher = Publisher("watch", events)
        self.stop = threading.Event()
        self.first = True
        self.thread = threading.Thread(target=self._run, name="watch", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        try:
            self.curata.watch(
                self.paths,
                progress=self.publisher.progress,
                stop=self.stop,
                on_change=self.publisher.changes,
                on_batch=self._batch,
            )
        except Exception:
            log.exception("watching %s failed", ", ".join(self.paths))

    def _batch(self, _summary: ScanSummary) -> None:
        """After the first scan every image without thumbnails, then what each batch read."""
        taken = self.publisher.taken()
        self.thumbnails.request(None if self.first else taken)
        self.first = False
        warm_search(self.curata)

    def shutdown(self, timeout: float) -> None:
        self.stop.set()
        self.thread.join(timeout)

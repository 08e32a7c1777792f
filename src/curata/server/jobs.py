"""Background scan jobs: ``Curata.scan`` in a thread, its progress kept for polling and SSE.

One scan runs at a time (a second one is a ``Conflict``); finished jobs stay listed until
the server stops. A job is stopped through the ``stop`` event ``Curata.scan`` honours,
so what was cataloged before the stop is kept and the next scan resumes the rest.
"""

from __future__ import annotations

import logging
import threading
import uuid
from datetime import UTC, datetime

from curata.errors import Conflict, CurataError, NotFound
from curata.interface import Curata
from curata.models import ScanProgress, ScanRequest
from curata.server.models import ErrorInfo, ScanJob, ScanState

log = logging.getLogger(__name__)

#: How long ``POST /scans`` waits for a scan to get past checking its request.
START_TIMEOUT = 30.0
_FINISHED = frozenset({ScanState.COMPLETED, ScanState.INTERRUPTED, ScanState.FAILED})


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

    def run(self, curata: Curata) -> None:
        req = self.request
        try:
            result = curata.scan(
                req.paths,
                req.project,
                self.on_progress,
                include_hidden=req.include_hidden,
                stop=self.stop,
            )
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

    def _finish(self, state: ScanState, **fields: object) -> None:
        with self._lock:
            self._job.state = state
            self._job.finished_at = datetime.now(UTC)
            for name, value in fields.items():
                setattr(self._job, name, value)


class ScanJobs:
    """The scan jobs of one server."""

    def __init__(self, curata: Curata) -> None:
        self.curata = curata
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
                target=job.run, args=(self.curata,), name=f"scan-{job.id[:8]}", daemon=True
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

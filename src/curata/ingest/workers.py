"""Worker processes for scans and thumbnails: ``python -m curata.ingest.workers``, fed
over pipes.

Not :mod:`multiprocessing`: its spawn and forkserver methods re-import the caller's
``__main__`` (which breaks scans started from an unguarded script, ``python -c``, the
REPL or a notebook), and its forkserver and resource tracker outlive a parent killed
with SIGKILL. A reader here is a plain child process running this module:

- it runs one of :data:`TASKS` (named on its command line): it gets the arguments of
  one call at a time on stdin and answers each with the call's result on stdout
  (length-prefixed pickles; both ends are curata's own code), after a first ``None``
  that says it is ready; scans probe files (:func:`probe_parallel`), thumbnails are
  rendered by the same machinery (:func:`run_parallel`);
- it dies with its parent: on Linux the kernel sends it SIGKILL when the parent goes
  (``PR_SET_PDEATHSIG``), elsewhere it exits when its stdin reaches end of file;
- it ignores SIGINT: Ctrl-C reaches the whole terminal group, and the parent turns it
  into a stop after the files in flight.

A reader that dies on a file (a decoder crash, the out-of-memory killer) fails that
file with the reason; the files queued behind it go to a fresh reader.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import os
import pickle
import selectors
import signal
import struct
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any, TypeVar

import curata
from curata.errors import CurataError
from curata.models.probe import ProbeResult

# Paths queued at each reader, so that it never waits for its next file.
IN_FLIGHT = 2
# Seconds a reader gets to exit after its stdin closes before it is killed.
EXIT_GRACE = 5.0
_HEADER = struct.Struct(">Q")
_PR_SET_PDEATHSIG = 1
#: What a worker process can be asked to run: name -> ``module:function``.
TASKS = {
    "probe": "curata.ingest.probe:probe_file",
    "thumbnails": "curata.ingest.thumbnails:make_thumbnails",
}
Call = tuple[Any, ...]
R = TypeVar("R")


def send(stream: IO[bytes], value: Any) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _read_exact(fd: int, size: int) -> bytes | None:
    chunks = []
    while size:
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def receive(fd: int) -> tuple[bool, Any]:
    """``(True, value)`` for the next message on ``fd``, ``(False, None)`` at end of file."""
    header = _read_exact(fd, _HEADER.size)
    if header is None:
        return False, None
    body = _read_exact(fd, _HEADER.unpack(header)[0])
    return (False, None) if body is None else (True, pickle.loads(body))


class _Reader:
    """One worker process and the calls sent to it that it has not answered yet."""

    def __init__(self, task: str) -> None:
        args = [sys.executable, "-P", "-m", "curata.ingest.workers", str(os.getpid()), task]
        try:  # its own process group: a Ctrl-C at the terminal is the parent's to handle,
            # it must not kill a reader still importing (before main() ignores SIGINT)
            self.proc = subprocess.Popen(
                args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0, env=_child_env(),
                process_group=0,
            )  # fmt: skip
        except OSError as exc:
            raise CurataError(f"cannot start a reader process ({sys.executable}): {exc}") from exc
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.stdin = self.proc.stdin
        self.fd = self.proc.stdout.fileno()
        self.ready = False
        self.pending: deque[Call] = deque()

    def submit(self, call: Call) -> None:
        self.pending.append(call)
        with contextlib.suppress(OSError):  # it died; its end of file on stdout says so
            send(self.stdin, call)

    def close(self) -> None:
        """Ask it to exit (end of file on stdin); kill it if it is busy or does not."""
        with contextlib.suppress(OSError):
            self.stdin.close()
        if self.pending:
            self.proc.kill()
        try:
            self.proc.wait(EXIT_GRACE)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()

    def death(self) -> str:
        code = self.proc.wait()
        if code < 0:
            return f"signal {-code} ({signal.Signals(-code).name})"
        return f"exit code {code}"


def _child_env() -> dict[str, str]:
    """The parent's environment, with the folder curata was imported from first on
    ``PYTHONPATH``: the child imports the same curata, however the parent found it."""
    env = dict(os.environ)
    package_parent = os.path.dirname(os.path.dirname(os.path.abspath(curata.__file__)))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_parent, env.get("PYTHONPATH")) if p)
    return env


def probe_parallel(
    paths: Sequence[str], workers: int, stop: threading.Event, metadata: bool = True
) -> Iterator[ProbeResult]:
    """Probe results in the order the readers finish them, from ``workers`` processes.
    Once ``stop`` is set no new file is sent; the files in flight are still answered."""
    calls = [(path, metadata) for path in paths]
    return run_parallel("probe", calls, workers, stop, _probe_failed)


def _probe_failed(call: Call, death: str) -> ProbeResult:
    path = call[0]
    try:
        st = os.stat(path)
        size, mtime = st.st_size, st.st_mtime
    except OSError:
        size, mtime = 0, 0.0
    return ProbeResult(path, size, mtime, error=f"the reader process died on this file ({death})")


def run_parallel(
    task: str,
    calls: Sequence[Call],
    workers: int,
    stop: threading.Event,
    failed: Callable[[Call, str], R],
) -> Iterator[R]:
    """The results of ``TASKS[task](*call)`` for each call, in the order ``workers``
    processes finish them; a call whose process died gives ``failed(call, reason)``.
    Once ``stop`` is set no new call is sent; the calls in flight are still answered."""
    todo = deque(calls)
    selector = selectors.DefaultSelector()
    readers: dict[int, _Reader] = {}

    def start() -> None:
        reader = _Reader(task)
        readers[reader.fd] = reader
        selector.register(reader.fd, selectors.EVENT_READ)
        feed(reader)

    def feed(reader: _Reader) -> None:
        while todo and not stop.is_set() and len(reader.pending) < IN_FLIGHT:
            reader.submit(todo.popleft())

    try:
        for _ in range(min(workers, len(todo))):
            start()
        while any(r.pending for r in readers.values()):
            for key, _events in selector.select():
                reader = readers[key.fd]
                alive, value = receive(reader.fd)
                if not alive:
                    yield failed(*_buried(reader, todo))
                    selector.unregister(reader.fd)
                    del readers[reader.fd]
                    reader.close()
                    if todo and not stop.is_set():
                        start()
                elif not reader.ready:
                    reader.ready = True
                else:
                    reader.pending.popleft()
                    yield value
                    feed(reader)
    finally:
        for reader in readers.values():
            reader.close()
        selector.close()


def _buried(reader: _Reader, todo: deque[Call]) -> tuple[Call, str]:
    """A reader died: the call it was on and why; the calls behind it are queued again."""
    if not reader.ready:
        raise CurataError(
            f"a reader process ({sys.executable} -m curata.ingest.workers) stopped at start-up"
            f" with {reader.death()}; its error is above"
        )
    call = reader.pending.popleft()
    todo.extendleft(reversed(reader.pending))
    reader.pending.clear()
    return call, reader.death()


def _die_with_parent(parent: int) -> None:
    """SIGKILL when the parent process goes (Linux), and exit now if it already went."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        sys.exit(0)


def main(argv: list[str]) -> None:
    """The worker's loop: a call in, its result out, until end of file on stdin."""
    _die_with_parent(int(argv[0]))
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    module, _, name = TASKS[argv[1]].partition(":")
    function = getattr(importlib.import_module(module), name)
    outbox = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # stray prints of libraries must not corrupt the answers
    send(outbox, None)
    while True:
        alive, call = receive(0)
        if not alive:
            return
        send(outbox, function(*call))


if __name__ == "__main__":
    main(sys.argv[1:])

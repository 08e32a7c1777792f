"""Scans leave no process behind, whatever kills them, and run from any kind of caller.

Real subprocesses: the CLI, a script calling ``Curata.scan`` and ``curata serve`` with a
scan job are killed with SIGKILL mid-scan (the process alone, not its group, as the
out-of-memory killer or ``kill -9 PID`` would); every process below them must be gone
soon after. Then ``Curata.scan`` runs from an unguarded script, ``python -c``, the REPL
(python reading its program on stdin) and a notebook-like ``exec`` of a cell, on a
folder large enough for the reader processes.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

from curata.models import ScanProgress

KILL_FILES = 400
CALLER_FILES = 1000
WAIT = 10.0  # seconds a killed scan's processes get to disappear


def _env() -> dict[str, str]:
    src = str(Path(__file__).resolve().parents[2] / "src")
    return {**os.environ, "PYTHONPATH": src}


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Images that take a few seconds to scan with two readers."""
    root = tmp_path_factory.mktemp("procs") / "media"
    for i in range(KILL_FILES):
        folder = root / f"d{i % 5}"
        folder.mkdir(parents=True, exist_ok=True)
        Image.effect_noise((192, 192), 10 + i % 90).convert("RGB").save(folder / f"{i:04d}.png")
    return root


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,000 small distinct files: enough for the scanner to start its readers."""
    root = tmp_path_factory.mktemp("procs") / "many"
    for i in range(CALLER_FILES):
        folder = root / f"{i // 100:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (12, 12), (i % 256, i // 256, 7)).save(folder / f"{i:04d}.png")
    return root


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                stat = Path(f"/proc/{name}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            kids.setdefault(ppid, []).append(int(name))
    return kids


def _descendants(pid: int) -> set[int]:
    kids, found, stack = _children(), set(), [pid]
    while stack:
        for child in kids.get(stack.pop(), []):
            found.add(child)
            stack.append(child)
    return found


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for a parent that does not reap it is dead)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM locations").fetchone()[0]
    except sqlite3.Error:
        return 0


@pytest.fixture
def reaper() -> Iterator[set[int]]:
    """Pids a test saw; whatever of them survives the test is killed afterwards."""
    seen: set[int] = set()
    yield seen
    for pid in seen:
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)


def _kill_mid_scan(proc: subprocess.Popen[bytes], db: Path, reaper: set[int]) -> None:
    """Once the scan committed its first files, SIGKILL ``proc`` alone; then every
    process that was below it must be gone within :data:`WAIT` seconds."""
    reaper.add(proc.pid)
    deadline = time.monotonic() + 60
    while _count(db) < 20:
        assert proc.poll() is None, "the scan ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    below = _descendants(proc.pid)
    reaper.update(below)
    assert any("curata.ingest" in _cmdline(p) or "multiprocessing" in _cmdline(p) for p in below)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert _count(db) < KILL_FILES, "the scan finished before it was killed"
    deadline = time.monotonic() + WAIT
    while (left := {p for p in below if _alive(p)}) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not left, [_cmdline(p) for p in left]


def test_sigkill_of_the_cli_leaves_no_process(
    tmp_path: Path, media: Path, reaper: set[int]
) -> None:
    db = tmp_path / "cli.db"
    cmd = [sys.executable, "-m", "curata", "--database", str(db), "scan", str(media),
           "--batch-size", "10", "--workers", "2"]  # fmt: skip
    proc = subprocess.Popen(cmd, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _kill_mid_scan(proc, db, reaper)


def test_sigkill_of_a_script_leaves_no_process(
    tmp_path: Path, media: Path, reaper: set[int]
) -> None:
    db = tmp_path / "script.db"
    script = tmp_path / "scan_it.py"
    script.write_text(
        "import sys\nfrom curata import Curata\n"
        "Curata(sys.argv[1]).scan([sys.argv[2]], workers=2, batch_size=10)\n"
    )
    proc = subprocess.Popen([sys.executable, str(script), str(db), str(media)], env=_env())
    _kill_mid_scan(proc, db, reaper)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve_cmd(db: Path, port: int, root: Path) -> list[str]:
    """``curata serve``, confined to ``root`` when this curata has the ``--root`` option."""
    cmd = [sys.executable, "-m", "curata", "serve", "--database", str(db), "--port", str(port),
           "--log-level", "warning"]  # fmt: skip
    helptext = subprocess.run([*cmd[:4], "--help"], env=_env(), capture_output=True, text=True)
    return cmd + (["--root", str(root)] if "--root" in helptext.stdout else [])


def test_sigkill_of_the_server_during_a_scan_job_leaves_no_process(
    tmp_path: Path, media: Path, reaper: set[int]
) -> None:
    db, port = tmp_path / "server.db", _free_port()
    proc = subprocess.Popen(_serve_cmd(db, port, media), env=_env())
    reaper.add(proc.pid)
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/scans",
        data=json.dumps({"paths": [str(media)]}).encode(),
        headers={"Content-Type": "application/json"},
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                assert reply.status in (200, 201, 202)
            break
        except OSError:
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
    _kill_mid_scan(proc, db, reaper)


CALLER_SCAN = """\
import os
from curata import Curata
summary = Curata({db!r}).scan([{folder!r}], workers=2).data
print("RESULT", summary.new, summary.failed, summary.interrupted)
"""


def _check_scan_output(out: subprocess.CompletedProcess[str]) -> None:
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr, out.stderr
    assert f"RESULT {CALLER_FILES} 0 False" in out.stdout, out.stdout + out.stderr


def test_an_unguarded_script_scans_on_all_cores(tmp_path: Path, many: Path) -> None:
    script = tmp_path / "unguarded.py"
    script.write_text(CALLER_SCAN.format(db=str(tmp_path / "s.db"), folder=str(many)))
    out = subprocess.run([sys.executable, str(script)], env=_env(), capture_output=True,
                         text=True, timeout=300, cwd=tmp_path)  # fmt: skip
    _check_scan_output(out)


def test_python_dash_c_scans_on_all_cores(tmp_path: Path, many: Path) -> None:
    code = CALLER_SCAN.format(db=str(tmp_path / "c.db"), folder=str(many))
    out = subprocess.run([sys.executable, "-c", code], env=_env(), capture_output=True,
                         text=True, timeout=300, cwd=tmp_path)  # fmt: skip
    _check_scan_output(out)


def test_the_repl_scans_on_all_cores(tmp_path: Path, many: Path) -> None:
    code = CALLER_SCAN.format(db=str(tmp_path / "r.db"), folder=str(many))
    out = subprocess.run([sys.executable, "-i", "-q"], input=code, env=_env(),
                         capture_output=True, text=True, timeout=300, cwd=tmp_path)  # fmt: skip
    _check_scan_output(out)


def test_a_notebook_cell_scans_on_all_cores(tmp_path: Path, many: Path) -> None:
    """As a notebook kernel runs a cell: compiled from text, executed in ``__main__``'s
    namespace of a process whose main module is the kernel, not the user's code."""
    cell = tmp_path / "cell.txt"
    cell.write_text(CALLER_SCAN.format(db=str(tmp_path / "n.db"), folder=str(many)))
    kernel = tmp_path / "kernel.py"
    kernel.write_text(
        textwrap.dedent(
            """\
            import sys
            import __main__
            source = open(sys.argv[1]).read()
            exec(compile(source, "<ipython-input-1-0123456789ab>", "exec"), __main__.__dict__)
            """
        )
    )
    out = subprocess.run([sys.executable, str(kernel), str(cell)], env=_env(),
                         capture_output=True, text=True, timeout=300, cwd=tmp_path)  # fmt: skip
    _check_scan_output(out)


def _scan_cli(db: Path, folder: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "curata", "--database", str(db), "scan", str(folder), *extra]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs (needs root); the test is skipped where it cannot be mounted."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
                          capture_output=True)  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def test_a_full_disk_during_a_scan_is_one_line_and_keeps_what_was_committed(
    tmp_path: Path, small_disk: Path
) -> None:
    folder = tmp_path / "texts"
    folder.mkdir()
    for i in range(60):  # 60 x 24 kB of text blocks: more than the 1 MiB disk holds
        info = PngImagePlugin.PngInfo()
        info.add_text("notes", os.urandom(12_000).hex())
        Image.new("RGB", (8, 8), (i, 0, 0)).save(folder / f"{i:02d}.png", pnginfo=info)
    db = small_disk / "catalog.db"
    out = subprocess.run(_scan_cli(db, folder, "--batch-size", "3"), env=_env(),
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    assert out.returncode == 10, out.stderr  # InsufficientStorage.exit_code
    assert "Traceback" not in out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "disk full" in lines[0] and str(db) in lines[0], out.stderr
    copy = tmp_path / "copy"
    copy.mkdir()
    for part in small_disk.iterdir():
        shutil.copy(part, copy / part.name)
    with sqlite3.connect(copy / "catalog.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = conn.execute("SELECT count(*) FROM locations").fetchone()[0]
        assert 0 < rows < 60


def test_an_early_ctrl_c_is_one_line_without_a_traceback(tmp_path: Path, many: Path) -> None:
    db = tmp_path / "early.db"
    proc = subprocess.Popen(_scan_cli(db, many), env=_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + 60
    while not db.exists() and proc.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.001)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal sends the whole group on Ctrl-C
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, out + err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert "interrupted" in out + err


def test_an_interrupted_cli_scan_says_how_many_files_were_cataloged(
    tmp_path: Path, media: Path
) -> None:
    db = tmp_path / "interrupted.db"
    proc = subprocess.Popen(_scan_cli(db, media, "--batch-size", "10", "--workers", "2"),
                            env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + 60
    while _count(db) < 20 and proc.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    cataloged = _count(db)
    assert cataloged < KILL_FILES
    assert f"{cataloged} of {KILL_FILES} files are cataloged" in out, out


def test_the_last_progress_event_of_a_stopped_scan_counts_the_files_read(
    tmp_path: Path, media: Path
) -> None:
    from curata import Curata

    stop = threading.Event()
    events: list[ScanProgress] = []

    def progress(event: ScanProgress) -> None:
        events.append(event)
        if event.files_done >= 30:
            stop.set()

    with Curata(tmp_path / "stopped.db") as cur:
        summary = cur.scan([media], progress=progress, workers=2, batch_size=10, stop=stop).data
    assert summary is not None and summary.interrupted
    last = events[-1]
    assert last.phase == "done" and last.files_total == KILL_FILES
    assert 30 <= last.files_done == summary.new + summary.failed < KILL_FILES


def test_a_reader_killed_mid_scan_fails_only_its_file(tmp_path: Path, media: Path) -> None:
    """As the out-of-memory killer would: the scan goes on with a fresh reader."""
    from curata import Curata

    killed: list[int] = []

    def progress(event: ScanProgress) -> None:
        if event.files_done >= 10 and not killed:
            readers = [
                p for p in _descendants(os.getpid()) if "curata.ingest.workers" in _cmdline(p)
            ]
            os.kill(readers[0], signal.SIGKILL)
            killed.append(readers[0])

    with Curata(tmp_path / "reader.db") as cur:
        summary = cur.scan([media], progress=progress, workers=2, batch_size=5).data
        errors = cur.ingest_errors().data
    assert killed and summary is not None and not summary.interrupted
    assert summary.failed == 1 and summary.new == KILL_FILES - 1
    assert errors is not None and len(errors) == 1
    assert "reader process died on this file (signal 9 (SIGKILL))" in errors[0].reason


def test_a_ctrl_c_at_the_terminal_does_not_reach_a_starting_reader() -> None:
    """A terminal's Ctrl-C signals its whole foreground process group; a reader still
    importing curata died of it with a traceback (`curata serve --watch` stopped in its
    first seconds said "making thumbnails failed"). Readers run in their own group."""
    from curata.ingest.workers import _Reader

    reader = _Reader("probe")
    try:
        assert os.getpgid(reader.proc.pid) != os.getpgid(0)
    finally:
        reader.close()
    assert reader.proc.returncode == 0

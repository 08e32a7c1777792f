"""A staging folder beside the export target: every file written there is re-read and
checked against its SHA-256, and the folder is renamed into place only when complete.
A copied file that does not read back with its asset's hash (the source changed since
it was cataloged, or the write failed) is removed and reported, never kept.

If the process dies, the staging folder is all that is left (its name carries the pid);
the next export to the same target removes such folders whose process is gone.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import secrets
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path

from curata.errors import InvalidRequest, VerificationError

CHUNK = 1 << 20
STAGING_TAG = ".curata-export-"
OLD_TAG = ".curata-replaced-"


def sha256_file(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(target: Path) -> list[Path]:
    """Clean up after exports of ``target`` whose process died: staging folders are
    removed; a replaced target is removed, or put back if no new target took its place."""
    removed = []
    if not target.parent.is_dir():
        return removed
    for tag in (STAGING_TAG, OLD_TAG):
        prefix = f".{target.name}{tag}"
        for entry in target.parent.iterdir():
            if not entry.name.startswith(prefix):
                continue
            pid_text = entry.name[len(prefix) :].split("-", 1)[0]
            if not pid_text.isdigit() or _pid_alive(int(pid_text)):
                continue
            if tag == OLD_TAG and not (target.exists() or target.is_symlink()):
                os.rename(entry, target)  # died between the two renames: put it back
                continue
            _remove(entry)
            removed.append(entry)
    return removed


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def beside(target: Path, tag: str, suffix: str = "") -> Path:
    return target.parent / f".{target.name}{tag}{os.getpid()}-{secrets.token_hex(4)}{suffix}"


@dataclass
class Staging:
    """The staging folder of one export; ``written`` maps relative paths to SHA-256.

    Safe to use from several threads (the export places files in parallel)."""

    target: Path
    root: Path = field(init=False)
    written: dict[str, str] = field(default_factory=dict)
    bytes_written: int = 0
    _folders: set[Path] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.root = beside(self.target, STAGING_TAG)
        self.root.mkdir()

    def path(self, relative: str) -> Path:
        out = self.root / relative
        if out.parent not in self._folders:
            out.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(out.parent)
        return out

    def _verified(self, relative: str, expected: str) -> bool:
        """Whether the written file reads back with ``expected``; recorded if so."""
        path = self.root / relative
        if sha256_file(path) != expected:
            return False
        size = path.stat().st_size
        with self._lock:
            self.written[relative] = expected
            self.bytes_written += size
        return True

    def write_bytes(self, relative: str, data: bytes) -> str:
        """Write a document, read it back, check it; returns its SHA-256."""
        expected = hashlib.sha256(data).hexdigest()
        with open(self.path(relative), "wb") as fh:
            fh.write(data)
        if not self._verified(relative, expected):
            raise VerificationError(f"{relative} did not read back as written", field="export_path")
        return expected

    def copy(self, source: str, relative: str, expected: str) -> bool:
        """Copy ``source`` (kernel copy), then read the copy back: True when its SHA-256 is
        ``expected``; otherwise (the source changed since it was cataloged, or the write
        went wrong) the copy is removed and False returned."""
        dest = self.path(relative)
        shutil.copyfile(source, dest)
        shutil.copystat(source, dest)
        if self._verified(relative, expected):
            return True
        dest.unlink()
        return False

    def link(self, source: str, relative: str, expected: str, *, symbolic: bool) -> bool:
        """Hard or symbolic link to ``source``, read back through: True when its SHA-256 is
        ``expected`` (otherwise the link is removed and False returned)."""
        dest = self.path(relative)
        try:
            if symbolic:
                dest.symlink_to(os.path.abspath(source))
            else:
                os.link(source, dest)
        except OSError as exc:
            if exc.errno == errno.EXDEV:
                raise InvalidRequest(
                    f"cannot hardlink {source} into {self.target.parent}: another filesystem; "
                    "use mode copy or symlink",
                    field="mode",
                ) from None
            raise
        if self._verified(relative, expected):
            return True
        dest.unlink()
        return False

    def discard(self) -> None:
        _remove(self.root)

    def publish(self, *, replace: bool) -> Path | None:
        """Rename the staging folder to the target. An existing target (empty, or any
        with ``replace``) is first moved aside; the moved-aside folder is returned for
        the caller to delete once the export is recorded (or to restore if not)."""
        old = None
        if self.target.exists() or self.target.is_symlink():
            if not replace and any(self.target.iterdir()):
                raise InvalidRequest(f"{self.target} is not empty", field="export_path")
            old = beside(self.target, OLD_TAG)
            os.rename(self.target, old)
        try:
            os.rename(self.root, self.target)
        except OSError:
            if old is not None:
                os.rename(old, self.target)
            raise
        return old


def restore(target: Path, old: Path | None) -> None:
    """Undo :meth:`Staging.publish`: remove the new target, put the old one back."""
    _remove(target)
    if old is not None:
        os.rename(old, target)


def finish(old: Path | None) -> None:
    if old is not None:
        _remove(old)

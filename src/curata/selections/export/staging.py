"""A staging folder beside the export target: every file written there is re-read and
checked against its SHA-256, and the folder is renamed into place only when complete.
A copied file that does not read back with its asset's hash (the source changed since
it was cataloged, or the write failed) is removed and reported, never kept.

:class:`ExportPaths` names everything one export touches beside its target: the staging
folder (and zip), and where a replaced export (and zip) is moved aside. The names carry
the pid; the next export to the same target removes such leftovers whose process is
gone, and :meth:`ExportPaths.roll_back` undoes a publication at any step.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import secrets
import shutil
import signal
import threading
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from curata.errors import InvalidRequest, VerificationError
from curata.selections.export.marker import Marker, folder_marker, zip_marker

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
    removed: list[Path] = []
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
            original = _zip_path(target) if entry.name.endswith(".zip") else target
            if tag == OLD_TAG and not (original.exists() or original.is_symlink()):
                os.rename(entry, original)  # died between the two renames: put it back
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


def beside(target: Path, tag: str, token: str) -> Path:
    return target.parent / f".{target.name}{tag}{os.getpid()}-{token}"


def _zip_path(target: Path) -> Path:
    return target.with_name(target.name + ".zip")


def _with_zip(path: Path) -> Path:
    return path.with_name(path.name + ".zip")


def _is_ours(check: Callable[[], Marker], manifest_sha256: str) -> bool:
    """Whether the export ``check`` proves is the one whose manifest has this digest."""
    try:
        return check().manifest_sha256 == manifest_sha256
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        return False


def _rename_back(moved: Path, original: Path) -> None:
    if (moved.exists() or moved.is_symlink()) and not (original.exists() or original.is_symlink()):
        os.rename(moved, original)


@dataclass(frozen=True)
class ExportPaths:
    """The target of one export and the paths beside it that the export uses."""

    target: Path
    staging: Path
    previous: Path
    zip: bool = False

    @classmethod
    def new(cls, target: Path, *, zip: bool) -> ExportPaths:
        token = secrets.token_hex(4)
        return cls(target, beside(target, STAGING_TAG, token), beside(target, OLD_TAG, token), zip)

    @property
    def zip_target(self) -> Path:
        return _zip_path(self.target)

    @property
    def staging_zip(self) -> Path:
        return _with_zip(self.staging)

    @property
    def previous_zip(self) -> Path:
        return _with_zip(self.previous)

    def publish(self, *, replace: bool) -> None:
        """Rename the staging folder to the target. An existing target (empty, or any
        with ``replace``: the caller proved it curata's) is first moved to ``previous``,
        for :meth:`finish` to delete once the export is recorded or :meth:`roll_back`
        to restore. Then the zip likewise."""
        if self.target.exists() or self.target.is_symlink():
            if not replace and any(self.target.iterdir()):
                raise InvalidRequest(f"{self.target} is not empty", field="export_path")
            os.rename(self.target, self.previous)
            crash_point("moved-aside")
        os.rename(self.staging, self.target)
        if self.zip:
            if self.zip_target.exists() or self.zip_target.is_symlink():
                os.rename(self.zip_target, self.previous_zip)
            os.rename(self.staging_zip, self.zip_target)
        crash_point("renamed")

    def placed(self, manifest_sha256: str) -> bool:
        """Whether the target (and zip) in place are this export's, proven by their marker."""
        if not _is_ours(lambda: folder_marker(self.target), manifest_sha256):
            return False
        return not self.zip or _is_ours(
            lambda: zip_marker(self.zip_target, self.target.name), manifest_sha256
        )

    def roll_back(self, manifest_sha256: str) -> None:
        """Undo the export whose manifest has this digest, whatever step it reached:
        its target and zip (only if proven its own) and staging are removed, and what
        it moved aside is put back. Safe to repeat."""
        if _is_ours(lambda: folder_marker(self.target), manifest_sha256):
            _remove(self.target)
        if self.zip and _is_ours(
            lambda: zip_marker(self.zip_target, self.target.name), manifest_sha256
        ):
            _remove(self.zip_target)
        _remove(self.staging)
        _remove(self.staging_zip)
        _rename_back(self.previous, self.target)
        _rename_back(self.previous_zip, self.zip_target)

    def finish(self) -> None:
        """The export is recorded: delete what it replaced (a leftover that cannot be
        deleted now is removed by the next export to the target)."""
        for path in (self.previous, self.previous_zip):
            with contextlib.suppress(OSError):
                _remove(path)


def crash_point(name: str) -> None:
    """A test hook: with ``CURATA_EXPORT_CRASH_AT=<name>`` in the environment the process
    kills itself here with SIGKILL, so that a test can stop an export at an exact step
    (``pending``, ``moved-aside``, ``renamed``) and check that the next start recovers."""
    if os.environ.get("CURATA_EXPORT_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


@dataclass
class Staging:
    """The staging folder of one export; ``written`` maps relative paths to SHA-256.

    Safe to use from several threads (the export places files in parallel)."""

    paths: ExportPaths
    root: Path = field(init=False)
    written: dict[str, str] = field(default_factory=dict)
    bytes_written: int = 0
    _folders: set[Path] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.root = self.paths.staging
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
                    f"cannot hardlink {source} into {self.paths.target.parent}: another "
                    "filesystem; use mode copy or symlink",
                    field="mode",
                ) from None
            raise
        if self._verified(relative, expected):
            return True
        dest.unlink()
        return False

    def discard(self) -> None:
        _remove(self.root)
        _remove(self.paths.staging_zip)

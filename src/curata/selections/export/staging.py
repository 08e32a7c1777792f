"""A staging folder beside the export target: every file written there is re-read and
checked against its SHA-256, and the folder is renamed into place only when complete.

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
    """The staging folder of one export; ``written`` maps relative paths to SHA-256."""

    target: Path
    root: Path = field(init=False)
    written: dict[str, str] = field(default_factory=dict)
    bytes_written: int = 0

    def __post_init__(self) -> None:
        self.root = beside(self.target, STAGING_TAG)
        self.root.mkdir()

    def path(self, relative: str) -> Path:
        out = self.root / relative
        out.parent.mkdir(parents=True, exist_ok=True)
        return out

    def _check(self, relative: str, expected: str) -> None:
        actual = sha256_file(self.root / relative)
        if actual != expected:
            raise VerificationError(
                f"{relative} reads back with SHA-256 {actual}, expected {expected}",
                field="export_path",
            )
        self.written[relative] = expected

    def write_bytes(self, relative: str, data: bytes) -> str:
        """Write a document, read it back, check it; returns its SHA-256."""
        expected = hashlib.sha256(data).hexdigest()
        with open(self.path(relative), "wb") as fh:
            fh.write(data)
        self.bytes_written += len(data)
        self._check(relative, expected)
        return expected

    def copy(self, source: str, relative: str, expected: str) -> bool:
        """Copy ``source``, hashing it on the way; False (nothing left behind) when its
        bytes are not ``expected``. The copy is then re-read and checked."""
        dest = self.path(relative)
        digest = hashlib.sha256()
        size = 0
        with open(source, "rb") as src, open(dest, "wb") as out:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
        if digest.hexdigest() != expected:
            dest.unlink()
            return False
        shutil.copystat(source, dest, follow_symlinks=True)
        self.bytes_written += size
        self._check(relative, expected)
        return True

    def link(self, source: str, relative: str, expected: str, *, symbolic: bool) -> bool:
        """Hard or symbolic link to ``source`` when its bytes are ``expected``; the link is
        then read back through and checked."""
        if sha256_file(source) != expected:
            return False
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
        self._check(relative, expected)
        return True

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

"""The marker curata leaves in every export, and the proof it asks for before replacing.

Every export folder holds ``.curata-export.json`` (a zip holds it as a member, beside
``manifest.json``)::

    {"format": "curata-export-marker/1", "project_id": "...", "selection_id": "...",
     "exported_at": "...", "manifest_sha256": "...", "checksums_sha256": "..."}

``overwrite`` replaces a folder only when the marker is there, parses, the manifest and
``checksums.sha256`` present still have the digests it names, and the folder holds no
file that ``checksums.sha256`` does not list; a zip likewise. Anything else was not
written by curata (or was changed since) and is never replaced.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from curata.errors import Conflict
from curata.selections.export.plan import CHECKSUMS, MANIFEST_JSON

MARKER = ".curata-export.json"
FORMAT = "curata-export-marker/1"
MAX_MARKER = 64 * 1024
MAX_CHECKSUMS = 256 * 1024 * 1024
CHUNK = 1 << 20


@dataclass(frozen=True)
class Marker:
    project_id: str
    selection_id: str
    exported_at: str
    manifest_sha256: str
    checksums_sha256: str

    def to_bytes(self) -> bytes:
        data = {"format": FORMAT, **self.__dict__}
        return (json.dumps(data, indent=2) + "\n").encode()

    @classmethod
    def parse(cls, data: bytes) -> Marker:
        """The marker in ``data``; ``ValueError`` if it is not one."""
        value = json.loads(data)
        if not isinstance(value, dict) or value.get("format") != FORMAT:
            raise ValueError("not a curata export marker")
        fields: dict[str, Any] = {name: value.get(name) for name in cls.__dataclass_fields__}
        if not all(isinstance(v, str) for v in fields.values()):
            raise ValueError("incomplete curata export marker")
        return cls(**fields)


def new_marker(
    project_id: str, selection_id: str, exported_at: datetime, manifest: bytes, checksums: bytes
) -> Marker:
    return Marker(
        project_id,
        selection_id,
        exported_at.isoformat(),
        hashlib.sha256(manifest).hexdigest(),
        hashlib.sha256(checksums).hexdigest(),
    )


def _digest(fh: IO[bytes], limit: int | None = None) -> tuple[str, bytes | None]:
    """SHA-256 of a stream; also its bytes when they fit in ``limit``."""
    digest = hashlib.sha256()
    kept: list[bytes] | None = [] if limit is not None else None
    size = 0
    while chunk := fh.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if kept is not None:
            if limit is not None and size > limit:
                raise ValueError("too large")
            kept.append(chunk)
    return digest.hexdigest(), (b"".join(kept) if kept is not None else None)


def _listed(checksums: bytes) -> set[str]:
    """The file names ``checksums.sha256`` lists (``<sha256>  <name>`` lines)."""
    names = set()
    for line in checksums.decode("utf-8", "surrogateescape").splitlines():
        digest, sep, name = line.partition("  ")
        if not sep or len(digest) != 64:
            raise ValueError("checksums.sha256 is not curata's")
        names.add(name)
    return names


def _check(marker: Marker, manifest_sha: str, checksums_sha: str, checksums: bytes) -> set[str]:
    """The names curata wrote, if the documents are the marker's; ``ValueError`` if not."""
    if manifest_sha != marker.manifest_sha256:
        raise ValueError("its manifest.json is not the one curata wrote")
    if checksums_sha != marker.checksums_sha256:
        raise ValueError("its checksums.sha256 is not the one curata wrote")
    return _listed(checksums) | {CHECKSUMS, MARKER}


def _extra(names: Iterable[str], written: set[str]) -> list[str]:
    return sorted(n for n in names if n not in written)


def folder_marker(folder: Path) -> Marker:
    """The marker of a curata export folder, proven as described above (``ValueError``
    with the reason otherwise)."""
    marker_path = folder / MARKER
    if not marker_path.is_file() or marker_path.is_symlink():
        raise ValueError(f"it has no {MARKER}")
    with open(marker_path, "rb") as fh:
        marker = Marker.parse(fh.read(MAX_MARKER + 1)[:MAX_MARKER])
    with open(folder / MANIFEST_JSON, "rb") as fh:
        manifest_sha, _ = _digest(fh)
    with open(folder / CHECKSUMS, "rb") as fh:
        checksums_sha, checksums = _digest(fh, MAX_CHECKSUMS)
    written = _check(marker, manifest_sha, checksums_sha, checksums or b"")
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        base = Path(dirpath).relative_to(folder)
        links = [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]
        found += [(base / n).as_posix() for n in [*filenames, *links]]
    extra = _extra(found, written)
    if extra:
        raise ValueError("it holds files curata did not write: " + ", ".join(extra[:5]))
    return marker


def zip_marker(path: Path, folder_name: str) -> Marker:
    """The marker of a curata export zip (members under ``folder_name/``), proven as for
    a folder (``ValueError`` with the reason otherwise)."""
    if not zipfile.is_zipfile(path):
        raise ValueError("it is not a zip file")
    prefix = folder_name + "/"
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        if prefix + MARKER not in names:
            raise ValueError(f"it has no {MARKER}")
        with zf.open(prefix + MARKER) as fh:
            marker = Marker.parse(fh.read(MAX_MARKER + 1)[:MAX_MARKER])
        with zf.open(prefix + MANIFEST_JSON) as fh:
            manifest_sha, _ = _digest(fh)
        with zf.open(prefix + CHECKSUMS) as fh:
            checksums_sha, checksums = _digest(fh, MAX_CHECKSUMS)
    written = {prefix + n for n in _check(marker, manifest_sha, checksums_sha, checksums or b"")}
    extra = _extra(names, written)
    if extra:
        raise ValueError("it holds files curata did not write: " + ", ".join(extra[:5]))
    return marker


def proven(path: Path, field: str, *, folder_name: str | None = None) -> Marker:
    """The marker of the export at ``path`` (a folder, or with ``folder_name`` a zip), or
    ``Conflict`` naming ``field``: curata replaces only what it wrote."""
    try:
        if folder_name is None:
            return folder_marker(path)
        return zip_marker(path, folder_name)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise Conflict(
            f"{path} was not written by curata; refusing to replace it ({_reason(exc)})",
            field=field,
        ) from None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc)
    if isinstance(exc, KeyError):
        return f"it lacks {exc.args[0] if exc.args else 'a document'}"
    return str(exc)

"""Sidecar files: ``<file>.json``, ``<file>.txt`` and ``<file>.xmp`` next to a file.

Both spellings are recognized: the full name plus the extension (``a.png.json``, as
darktable and most scripts write) and the name with its extension replaced
(``a.txt``, as AUTOMATIC1111 and Lightroom write); the full-name form wins when both
exist. A sidecar's content becomes a ``sidecar:json``/``sidecar:txt``/``sidecar:xmp``
block for the metadata parsers, and its size and mtime go into the owner's
*sidecar signature*, which the scanner compares to re-read a file whose sidecar
appeared, changed or went away.

A sidecar is read only when it is a regular file in the folder of its file, or a
symbolic link that resolves into that folder: a link out of it (``a.png.txt ->
/etc/shadow``) is neither read nor part of the signature, and a FIFO or a device in a
sidecar's place is never opened.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Collection

from curata.roots import is_within, real

SIDECAR_EXTENSIONS = (".json", ".txt", ".xmp")
MAX_SIDECAR_BYTES = 4 * 1024 * 1024

# (size, mtime) of a path, or None when it does not exist.
StatLookup = Callable[[str], tuple[int, float] | None]


def candidates(path: str) -> list[tuple[str, str]]:
    """(kind, sidecar path) pairs for ``path``, preferred spelling first per kind."""
    stem, ext = os.path.splitext(path)
    out = []
    for kind in SIDECAR_EXTENSIONS:
        out.append((kind[1:], path + kind))
        if ext and ext.lower() != kind:
            out.append((kind[1:], stem + kind))
    return out


def stays_in_folder(path: str) -> bool:
    """Whether ``path`` resolves into its own folder (a plain file always does)."""
    return is_within(path, os.path.dirname(path))


def stat_lookup(path: str) -> tuple[int, float] | None:
    """(size, mtime) of the regular file at ``path``; None when there is none, or when
    ``path`` is a symbolic link leading out of its folder."""
    try:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            if not stays_in_folder(path):
                return None
            st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime) if stat.S_ISREG(st.st_mode) else None


def existing(path: str, lookup: StatLookup = stat_lookup) -> dict[str, tuple[str, int, float]]:
    """The sidecar used for each kind: kind -> (path, size, mtime)."""
    found: dict[str, tuple[str, int, float]] = {}
    for kind, candidate in candidates(path):
        if kind in found:
            continue
        st = lookup(candidate)
        if st is not None:
            found[kind] = (candidate, st[0], st[1])
    return found


def sidecar_signature(path: str, lookup: StatLookup = stat_lookup) -> str | None:
    """Names, sizes and mtimes of the sidecars of ``path``; ``None`` when it has none.

    Pure given ``lookup``: the scanner passes one backed by the files it discovered,
    so comparing signatures costs no extra system calls.
    """
    found = existing(path, lookup)
    if not found:
        return None
    return "|".join(
        f"{os.path.basename(p)}:{size}:{mtime!r}" for p, size, mtime in sorted(found.values())
    )


def read_sidecars(path: str) -> tuple[dict[str, str], list[str]]:
    """``sidecar:<kind>`` blocks for the sidecars of ``path``, and problems reading them."""
    blocks: dict[str, str] = {}
    problems: list[str] = []
    for kind, (sidecar, size, _mtime) in existing(path).items():
        if size > MAX_SIDECAR_BYTES:
            problems.append(f"sidecar {os.path.basename(sidecar)} is too large ({size} bytes)")
            continue
        try:
            data = _read_regular(sidecar)
        except OSError as exc:
            problems.append(f"sidecar {os.path.basename(sidecar)}: {exc.strerror or exc}")
            continue
        blocks[f"sidecar:{kind}"] = data.decode("utf-8-sig", errors="replace")
    return blocks, problems


def _read_regular(path: str) -> bytes:
    """At most :data:`MAX_SIDECAR_BYTES` of the regular file ``path`` resolves to, if it
    resolves into its own folder. Opened without following a link swapped in since, and
    without blocking, so a FIFO put in its place cannot hang the scan."""
    target = real(path)
    if not is_within(target, os.path.dirname(path)):
        raise OSError(0, "symlink leads outside its folder; not read")
    fd = os.open(target, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(0, "not a regular file; not read")
        return fh.read(MAX_SIDECAR_BYTES)


def sidecar_owners(files: Collection[str]) -> dict[str, str]:
    """Which of ``files`` are sidecars of another of ``files``: sidecar -> owner.

    A ``.json``/``.txt``/``.xmp`` file is a sidecar when its name minus that extension
    is another file (``a.png.json``) or another file's name minus its own extension
    (``a.json`` beside ``a.png``); a lone ``notes.txt`` stays a document.
    """
    by_stem: dict[str, str] = {}
    for path in sorted(files):
        stem, ext = os.path.splitext(path)
        if ext and ext.lower() not in SIDECAR_EXTENSIONS:
            by_stem.setdefault(stem, path)
    owners = {}
    for path in files:
        stem, ext = os.path.splitext(path)
        if ext.lower() not in SIDECAR_EXTENSIONS:
            continue
        if stem in files and os.path.splitext(stem)[1].lower() not in SIDECAR_EXTENSIONS:
            owners[path] = stem
        elif stem in by_stem:
            owners[path] = by_stem[stem]
    return owners

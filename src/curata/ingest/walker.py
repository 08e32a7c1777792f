"""Discovering files under the scan roots: recursive, loop-free, skipping system clutter.

The walk never leaves the scan roots through a symbolic link: a link (to a file or a
folder) is followed only when its resolved target lies inside one of the roots being
scanned; a link that leads outside is passed over with a warning, unless the caller
asks for ``follow_links``. Only regular files are reported: FIFOs, sockets and device
files are never opened (a warning says they were passed over). Link loops and folders
that cannot be listed are problems, never a hang or a crash.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from curata.roots import containing_root, real

# Folders that hold version-control data, caches, thumbnails or OS bookkeeping.
SKIP_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", ".curata", "@eaDir", "#recycle", "__MACOSX", ".Trash",
        ".Trashes", ".Spotlight-V100", ".fseventsd", ".TemporaryItems", ".thumbnails",
        "$RECYCLE.BIN", "System Volume Information", "node_modules", "__pycache__",
    }
)  # fmt: skip
SKIP_FILES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini", "Icon\r"})

#: The reason recorded for a symbolic link that was not followed.
OUTSIDE_ROOTS = "symlink leads outside the scan roots (scan with --follow-links to follow it)"
WARNING = "warning"

_SPECIAL = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


@dataclass(frozen=True)
class FoundFile:
    path: str
    size: int
    mtime: float
    link: bool = False  # reached through a symbolic link


@dataclass(frozen=True)
class WalkProblem:
    """A path the walk could not read (``level="error"``) or passed over on purpose
    (``"warning"``: a link out of the roots, a FIFO, a socket, a device)."""

    path: str
    reason: str
    level: str = "error"


def is_skipped(name: str, is_dir: bool, include_hidden: bool) -> bool:
    if include_hidden:
        return False
    if name.startswith(".") or (is_dir and name in SKIP_DIRS):
        return True
    return name in SKIP_FILES or name.startswith("._")


def not_regular(path: str, mode: int) -> WalkProblem:
    """The warning for something that is neither a folder nor a regular file."""
    kind = next((name for test, name in _SPECIAL if test(mode)), "not a regular file")
    return WalkProblem(path, f"skipped: {kind}, never opened", WARNING)


def walk(
    root: str,
    include_hidden: bool = False,
    *,
    roots: Sequence[str] | None = None,
    follow_links: bool = False,
) -> Iterator[FoundFile | WalkProblem]:
    """Every regular file at or below ``root`` (absolute), depth first, sorted by name.

    ``roots`` are the scan roots a symbolic link may lead into (default: ``root``
    alone); ``follow_links`` follows every link. Folders are entered once each (same
    device and inode), so link cycles cannot loop.
    """
    inside = tuple(real(r) for r in (roots or [root]))
    try:
        st = os.stat(root)
    except OSError as exc:
        yield WalkProblem(root, f"cannot read: {exc.strerror or exc}")
        return
    if stat.S_ISREG(st.st_mode):
        yield FoundFile(root, st.st_size, st.st_mtime)
        return
    if not stat.S_ISDIR(st.st_mode):
        yield not_regular(root, st.st_mode)
        return
    visited: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            fst = os.stat(folder)
        except OSError as exc:
            yield WalkProblem(folder, f"cannot read folder: {exc.strerror or exc}")
            continue
        key = (fst.st_dev, fst.st_ino)
        if key in visited:
            continue
        visited.add(key)
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            yield WalkProblem(folder, f"cannot list folder: {exc.strerror or exc}")
            continue
        subfolders = []
        for entry in entries:
            try:
                item = _entry(entry, include_hidden, inside, follow_links)
            except FileNotFoundError:  # a dangling link, or gone since the listing
                continue
            except OSError as exc:  # a link loop, a permission problem
                item = WalkProblem(entry.path, f"cannot read: {exc.strerror or exc}")
            if isinstance(item, str):
                subfolders.append(item)
            elif item is not None:
                yield item
        stack.extend(reversed(subfolders))


def _entry(
    entry: os.DirEntry[str], include_hidden: bool, inside: Sequence[os.PathLike[str]], follow: bool
) -> str | FoundFile | WalkProblem | None:
    """A folder to enter (its path), a file, a problem, or None to pass over silently."""
    link = entry.is_symlink()
    if link:
        st = os.stat(entry.path)
        is_dir = stat.S_ISDIR(st.st_mode)
    else:
        is_dir = entry.is_dir(follow_symlinks=False)
    if is_skipped(entry.name, is_dir, include_hidden):
        return None
    if link and not follow and containing_root(entry.path, inside) is None:
        return WalkProblem(entry.path, OUTSIDE_ROOTS, WARNING)
    if is_dir:
        return entry.path
    if not link:
        st = entry.stat(follow_symlinks=False)
    if not stat.S_ISREG(st.st_mode):
        return not_regular(entry.path, st.st_mode)
    return FoundFile(entry.path, st.st_size, st.st_mtime, link)


def walk_below(
    root: str,
    path: str,
    include_hidden: bool = False,
    *,
    roots: Sequence[str] | None = None,
    follow_links: bool = False,
) -> Iterator[FoundFile | WalkProblem]:
    """What :func:`walk` of ``root`` reports at or below ``path`` (``root`` itself or a
    path below it, both absolute as written), without walking the rest of ``root``.

    Nothing when ``path`` is gone, or when it or a folder on the way to it would be passed
    over (hidden, clutter, a link that leads out of ``roots``: that link is reported
    once, as the walk would).
    """
    inside = tuple(real(r) for r in (roots or [root]))
    rel = os.path.relpath(path, root)
    parts = [] if rel == os.curdir else rel.split(os.sep)
    if parts[:1] == [os.pardir]:
        return
    current = root
    for index, name in enumerate(parts):
        current = os.path.join(current, name)
        try:
            st = os.lstat(current)
            link = stat.S_ISLNK(st.st_mode)
            if link:
                st = os.stat(current)
        except (FileNotFoundError, NotADirectoryError):  # gone, or a dangling link
            return
        except OSError as exc:
            yield WalkProblem(current, f"cannot read: {exc.strerror or exc}")
            return
        is_dir = stat.S_ISDIR(st.st_mode)
        if is_skipped(name, is_dir, include_hidden):
            return
        if link and not follow_links and containing_root(current, inside) is None:
            yield WalkProblem(current, OUTSIDE_ROOTS, WARNING)
            return
        if index == len(parts) - 1 and not is_dir:
            if stat.S_ISREG(st.st_mode):
                yield FoundFile(current, st.st_size, st.st_mtime, link)
            else:
                yield not_regular(current, st.st_mode)
            return
    yield from walk(path, include_hidden, roots=roots or [root], follow_links=follow_links)

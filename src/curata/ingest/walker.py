"""Discovering files under the scan roots: recursive, loop-free, skipping system clutter."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

# Folders that hold version-control data, caches, thumbnails or OS bookkeeping.
SKIP_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", ".curata", "@eaDir", "#recycle", "__MACOSX", ".Trash",
        ".Trashes", ".Spotlight-V100", ".fseventsd", ".TemporaryItems", ".thumbnails",
        "$RECYCLE.BIN", "System Volume Information", "node_modules", "__pycache__",
    }
)  # fmt: skip
SKIP_FILES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini", "Icon\r"})


@dataclass(frozen=True)
class FoundFile:
    path: str
    size: int
    mtime: float


@dataclass(frozen=True)
class WalkProblem:
    path: str
    reason: str


def is_skipped(name: str, is_dir: bool, include_hidden: bool) -> bool:
    if include_hidden:
        return False
    if name.startswith(".") or (is_dir and name in SKIP_DIRS):
        return True
    return name in SKIP_FILES or name.startswith("._")


def walk(root: str, include_hidden: bool = False) -> Iterator[FoundFile | WalkProblem]:
    """Every regular file at or below ``root`` (absolute), depth first, sorted by name.

    Symbolic links to folders are followed once: a folder already visited (same device
    and inode) is never entered again, so link cycles cannot loop.
    """
    try:
        st = os.stat(root)
    except OSError as exc:
        yield WalkProblem(root, f"cannot read: {exc.strerror or exc}")
        return
    if not os.path.isdir(root):
        yield FoundFile(root, st.st_size, st.st_mtime)
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
                if entry.is_dir():
                    if not is_skipped(entry.name, True, include_hidden):
                        subfolders.append(entry.path)
                    continue
                if not entry.is_file() or is_skipped(entry.name, False, include_hidden):
                    continue
                est = entry.stat()
            except OSError as exc:
                yield WalkProblem(entry.path, f"cannot read: {exc.strerror or exc}")
                continue
            yield FoundFile(entry.path, est.st_size, est.st_mtime)
        stack.extend(reversed(subfolders))

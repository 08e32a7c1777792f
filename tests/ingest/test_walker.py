"""Discovery: recursion, skipped clutter, symlink loops."""

from __future__ import annotations

import os
from pathlib import Path

from curata.ingest.walker import FoundFile, WalkProblem, walk


def _names(root: Path, **kw: bool) -> list[str]:
    return sorted(
        os.path.relpath(f.path, root) for f in walk(str(root), **kw) if isinstance(f, FoundFile)
    )


def _touch(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")


def test_skips_clutter_unless_hidden_files_are_asked_for(tmp_path: Path) -> None:
    for rel in ("a.jpg", "sub/b.png", ".git/objects/c", "@eaDir/a.jpg/SYNOFILE_THUMB_M.jpg",
                "__MACOSX/._a.jpg", "sub/.DS_Store", "sub/._b.png", ".hidden.jpg",
                ".curata/cache.db"):  # fmt: skip
        _touch(tmp_path / rel)
    assert _names(tmp_path) == ["a.jpg", "sub/b.png"]
    everything = _names(tmp_path, include_hidden=True)
    assert ".git/objects/c" in everything and "@eaDir/a.jpg/SYNOFILE_THUMB_M.jpg" in everything
    assert len(everything) == 9


def test_symlink_cycles_are_entered_once(tmp_path: Path) -> None:
    _touch(tmp_path / "a" / "one.jpg")
    (tmp_path / "a" / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "a" / "self").symlink_to(tmp_path / "a", target_is_directory=True)
    assert _names(tmp_path) == ["a/one.jpg"]


def test_a_single_file_root_is_walked_as_itself(tmp_path: Path) -> None:
    _touch(tmp_path / "one.jpg")
    assert [f.path for f in walk(str(tmp_path / "one.jpg"))] == [str(tmp_path / "one.jpg")]


def test_a_broken_link_is_reported_not_fatal(tmp_path: Path) -> None:
    _touch(tmp_path / "ok.jpg")
    (tmp_path / "dangling.jpg").symlink_to(tmp_path / "nowhere.jpg")
    items = list(walk(str(tmp_path)))
    assert [os.path.basename(i.path) for i in items if isinstance(i, FoundFile)] == ["ok.jpg"]
    assert not any(isinstance(i, WalkProblem) for i in items)

"""Discovery: recursion, skipped clutter, symlink loops, links out of the roots, FIFOs."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from curata.ingest.walker import OUTSIDE_ROOTS, FoundFile, WalkProblem, walk


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


def _problems(root: Path, **kw: object) -> dict[str, WalkProblem]:
    return {
        os.path.relpath(p.path, root): p
        for p in walk(str(root), **kw)  # type: ignore[arg-type]
        if isinstance(p, WalkProblem)
    }


def test_links_out_of_the_root_are_skipped_with_a_warning(tmp_path: Path) -> None:
    lib, outside = tmp_path / "lib", tmp_path / "outside"
    _touch(lib / "a.jpg")
    _touch(outside / "secret.txt")
    (lib / "notes.md").symlink_to(outside / "secret.txt")
    (lib / "elsewhere").symlink_to(outside, target_is_directory=True)
    assert _names(lib) == ["a.jpg"]
    problems = _problems(lib)
    assert set(problems) == {"notes.md", "elsewhere"}
    assert {(p.reason, p.level) for p in problems.values()} == {(OUTSIDE_ROOTS, "warning")}
    followed = _names(lib, follow_links=True)
    assert followed == ["a.jpg", "elsewhere/secret.txt", "notes.md"]
    assert _problems(lib, follow_links=True) == {}


def test_links_inside_the_roots_are_followed(tmp_path: Path) -> None:
    lib, other = tmp_path / "lib", tmp_path / "other"
    _touch(lib / "real" / "a.jpg")
    _touch(other / "b.jpg")
    (lib / "alias.jpg").symlink_to(lib / "real" / "a.jpg")
    (lib / "other").symlink_to(other, target_is_directory=True)
    assert _names(lib) == ["alias.jpg", "real/a.jpg"]
    # The other folder is a root of the same scan: a link into it stays inside.
    both = [str(lib), str(other)]
    inside = sorted(os.path.relpath(f.path, lib) for f in walk(str(lib), roots=both))
    assert inside == ["alias.jpg", "other/b.jpg", "real/a.jpg"]


def test_a_root_reached_through_a_link_keeps_its_inner_links(tmp_path: Path) -> None:
    """Roots are compared resolved: a library named through a link is still itself."""
    _touch(tmp_path / "data" / "lib" / "a.jpg")
    (tmp_path / "data" / "lib" / "b.jpg").symlink_to(tmp_path / "data" / "lib" / "a.jpg")
    (tmp_path / "named").symlink_to(tmp_path / "data" / "lib", target_is_directory=True)
    assert _names(tmp_path / "named") == ["a.jpg", "b.jpg"]


def test_fifos_and_sockets_are_never_opened(tmp_path: Path) -> None:
    _touch(tmp_path / "a.jpg")
    os.mkfifo(tmp_path / "pipe.jpg")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(tmp_path / "sock.png"))
        (tmp_path / "link.jpg").symlink_to(tmp_path / "pipe.jpg")
        assert _names(tmp_path) == ["a.jpg"]
        problems = _problems(tmp_path)
    assert {k: (p.reason, p.level) for k, p in problems.items()} == {
        "pipe.jpg": ("skipped: a FIFO, never opened", "warning"),
        "link.jpg": ("skipped: a FIFO, never opened", "warning"),
        "sock.png": ("skipped: a socket, never opened", "warning"),
    }
    assert list(walk(str(tmp_path / "pipe.jpg"))) == [problems["pipe.jpg"]]


def test_device_files_are_never_opened(tmp_path: Path) -> None:
    (tmp_path / "zero.raw").symlink_to("/dev/zero")
    problems = _problems(tmp_path, follow_links=True)
    assert problems["zero.raw"].reason == "skipped: a character device, never opened"


def test_a_link_loop_is_a_problem_not_a_hang(tmp_path: Path) -> None:
    (tmp_path / "a.jpg").symlink_to(tmp_path / "b.jpg")
    (tmp_path / "b.jpg").symlink_to(tmp_path / "a.jpg")
    problems = _problems(tmp_path)
    assert set(problems) == {"a.jpg", "b.jpg"}
    assert all(p.level == "error" and "symbolic links" in p.reason for p in problems.values())

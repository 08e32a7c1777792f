"""Where curata may read and write: roots compared as resolved real paths, never strings.

Two kinds of caller use a catalog. The CLI and Python user is trusted with the machine
and may scan and export where they like (never into a scan root or the catalog's own
folder: the export service checks that for everyone). The HTTP server and the MCP
server act for clients that are not: they open the catalog through a
:class:`Confinement`, which names the folders a client may have scanned (``scan_roots``)
and the folders exports may be written under (``export_roots``). Every check resolves
symbolic links and ``..`` first, so a link or a spelling cannot lead out of a root.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from curata.errors import Forbidden

PathLike = str | os.PathLike[str]


def real(path: PathLike) -> Path:
    """``path`` with ``~`` expanded, made absolute, and every symbolic link resolved (the
    components that exist; a missing tail is kept as written, without ``..``)."""
    return Path(os.path.realpath(os.path.expanduser(os.fspath(path))))


def is_within(path: PathLike, root: PathLike) -> bool:
    """Whether ``path`` is ``root`` or below it, once both are resolved."""
    p, r = real(path), real(root)
    return p == r or r in p.parents


def containing_root(path: PathLike, roots: Iterable[PathLike]) -> Path | None:
    """The first of ``roots`` that holds ``path`` (resolved), or None."""
    p = real(path)
    for root in roots:
        r = real(root)
        if p == r or r in p.parents:
            return r
    return None


@dataclass(frozen=True)
class ServedRoot:
    """A folder files may be served from (resolved). A root scanned with
    ``follow_links`` also serves what its links lead to: the cataloged path only has to
    lie below it as written."""

    path: Path
    follow_links: bool = False

    def holds(self, written: str, resolved: Path) -> bool:
        """Whether the file cataloged as ``written``, resolved to ``resolved``, lies in it."""
        if is_within(resolved, self.path):
            return True
        lexical = Path(os.path.abspath(written))
        return self.follow_links and (lexical == self.path or self.path in lexical.parents)


@dataclass(frozen=True)
class Confinement:
    """The folders a server's clients may reach, resolved once when the server starts."""

    scan_roots: tuple[Path, ...] = ()
    export_roots: tuple[Path, ...] = ()

    @classmethod
    def of(
        cls, scan_roots: Iterable[PathLike] = (), export_roots: Iterable[PathLike] = ()
    ) -> Confinement:
        """Resolve the roots (the servers' default export root is their
        :class:`~curata.config.Settings`' ``export_root``)."""
        return cls(tuple(real(r) for r in scan_roots), tuple(real(r) for r in export_roots))

    def check_scan(self, path: PathLike, field: str = "paths") -> Path:
        """``path`` resolved, if it lies in a scan root; otherwise :class:`Forbidden`."""
        root = containing_root(path, self.scan_roots)
        if root is None:
            allowed = ", ".join(map(str, self.scan_roots)) or "none configured"
            raise Forbidden(
                f"{os.fspath(path)!r} is outside the server's scan roots ({allowed}); "
                "start the server with --root to allow a folder",
                field=field,
            )
        return real(path)

    def check_export(self, path: PathLike, field: str = "export_path") -> Path:
        """``path`` resolved, if it lies in an export root; otherwise :class:`Forbidden`."""
        root = containing_root(path, self.export_roots)
        if root is None:
            allowed = ", ".join(map(str, self.export_roots)) or "none configured"
            raise Forbidden(
                f"{os.fspath(path)!r} is outside the server's export roots ({allowed}); "
                "start the server with --export-root to allow a folder",
                field=field,
            )
        return real(path)

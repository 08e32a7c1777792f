"""The scan roots: every folder (or file) a scan was given, as its resolved real path.

The HTTP server serves a cataloged file only when it still resolves inside one of them
(or inside the server's own ``--root`` folders); see :mod:`curata.server.files`.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, insert, select, update

from curata.catalog.codec import epoch_to_datetime, path_from_db, path_to_db
from curata.catalog.schema import scan_roots
from curata.models.scan import ScanRoot
from curata.roots import real


def record(conn: Connection, roots: Iterable[str], follow_links: bool, at: float) -> None:
    """Note that ``roots`` are scanned at ``at``: new ones are added, known ones get
    this scan's time and ``follow_links``."""
    for path in sorted({path_to_db(str(real(r))) for r in roots}):
        changed = conn.execute(
            update(scan_roots)
            .where(scan_roots.c.path == path)
            .values(follow_links=follow_links, last_scan=at)
        ).rowcount
        if not changed:
            conn.execute(
                insert(scan_roots).values(
                    path=path, follow_links=follow_links, first_scan=at, last_scan=at
                )
            )


def listing(conn: Connection) -> list[ScanRoot]:
    """Every recorded root, by path."""
    rows = conn.execute(select(scan_roots).order_by(scan_roots.c.path))
    return [
        ScanRoot(
            path=path_from_db(r.path),
            follow_links=r.follow_links,
            first_scan=epoch_to_datetime(r.first_scan),
            last_scan=epoch_to_datetime(r.last_scan),
        )
        for r in rows
    ]

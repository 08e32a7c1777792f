"""Browsing by folder: a folder's subfolders with the number of assets in each, read
from the search index's ``folders`` terms (the folder of every location), so each count
is what the ``folder`` filter finds there."""

from __future__ import annotations

import os

from curata.catalog import Catalog
from curata.catalog import roots as root_store
from curata.models.fields import Under, under
from curata.models.paths import display
from curata.models.search import FolderCount, FolderListing, FolderRequest
from curata.search import snapshot
from curata.search.engine import synced
from curata.search.relation import Relation


def child_folders(folder: str, terms: list[str]) -> dict[str, list[int]]:
    """The subfolders of ``folder`` that hold some of ``terms`` (folders), each with the
    positions of the terms in it or below it. Pure."""
    prefix = folder if folder.endswith(os.sep) else folder + os.sep
    out: dict[str, list[int]] = {}
    for position, term in enumerate(terms):
        if term != folder and under(term, folder):
            child = prefix + term[len(prefix) :].split(os.sep, 1)[0]
            out.setdefault(child, []).append(position)
    return out


def _counted(relation: Relation, path: str, terms: list[int]) -> FolderCount:
    name = os.path.basename(path) or path
    return FolderCount(path=path, name=display(name), count=len(relation.any_of(terms)))


def folders(catalog: Catalog, request: FolderRequest) -> FolderListing:
    """The subfolders of ``request.path`` (by name, at most ``limit``), or the scan roots
    that hold assets (those inside another root are that root's subfolders)."""
    with catalog.read() as conn:
        index = synced(catalog, conn)
        roots = [] if request.path is not None else [r.path for r in root_store.listing(conn)]
        with index.lock:
            folder_terms = index.term_index(conn, "folders")
            names, relation = folder_terms.vocab.names, folder_terms.relation
            if request.path is None:
                outer = [r for r in roots if not any(o != r and under(r, o) for o in roots)]
                found = {r: Under(r).select(names) for r in outer}
                total = index.count
                files = 0
            else:
                found = child_folders(request.path, names)
                total = len(relation.any_of(Under(request.path).select(names)))
                here = folder_terms.vocab.ids.get(request.path)
                files = 0 if here is None else len(relation.posting(here))
            shown = sorted(p for p, t in found.items() if t)
            children = [_counted(relation, p, found[p]) for p in shown[: request.limit]]
    snapshot.persist(index, catalog, snapshot.snapshot_path(catalog))
    return FolderListing(
        path=request.path,
        count=total,
        files=files,
        children=children,
        child_count=len(shown),
        truncated=len(shown) > request.limit,
    )

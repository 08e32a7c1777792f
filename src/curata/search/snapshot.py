"""The search index saved to the cache, so that the next process starts in a second.

Loading a million assets from the catalog takes tens of seconds; reading the arrays
back takes well under one. A snapshot is written after the index was loaded in full
or gained a prompt-word, file-name or metadata-key index, for catalogs of at least
:data:`MIN_ASSETS` assets, to ``<cache>/search/<catalog>.npz`` (the catalog's
``cache_dir``, from :class:`~curata.config.Settings`) (atomically:
a temporary file renamed into place).

A snapshot is used only for the catalog that wrote it (the random identity kept in
the catalog's ``settings``) and only if the catalog has not gone back in time (its
highest id and latest change are at least the snapshot's). The index then catches up
with the changes since, exactly as it does between two searches.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Connection

from curata.catalog import Catalog
from curata.catalog import search as store
from curata.models.fields import registry_hash
from curata.search.index import CODED_COLUMNS, SearchIndex, TermIndex
from curata.search.relation import Relation, Vocabulary

# The layout of a snapshot: bumped by hand when the code that writes it changes, and
# follows the field registry's declarations by their digest.
FORMAT = f"2-{registry_hash()}"
MIN_ASSETS = 50_000
_SEP = "\0"


def snapshot_path(catalog: Catalog) -> Path | None:
    """Where the index of ``catalog`` is saved (None for an in-memory database, or a
    catalog without a cache folder)."""
    if catalog.cache_dir is None:
        return None
    if catalog.is_sqlite and catalog.url.database in (None, "", ":memory:"):
        return None
    url = catalog.url.render_as_string(hide_password=True)
    key = hashlib.sha256(url.encode()).hexdigest()[:24]
    return catalog.cache_dir / "search" / f"{key}.npz"


def _postings(relation: Relation) -> tuple[np.ndarray, np.ndarray]:
    lengths = relation.sizes().astype(np.int64)
    flat = np.concatenate(relation.postings) if relation.postings else np.zeros(0, np.int32)
    return lengths, flat.astype(np.int32, copy=False)


def _split(lengths: np.ndarray, flat: np.ndarray) -> list[np.ndarray]:
    return np.split(flat, np.cumsum(lengths)[:-1]) if len(lengths) else []


def _joined(names: list[str]) -> np.ndarray | None:
    if any(_SEP in n for n in names):
        return None
    return np.frombuffer(_SEP.join(names).encode("utf-8"), np.uint8)


def _names(data: np.ndarray, count: int) -> list[str]:
    if not count:
        return []
    return data.tobytes().decode("utf-8").split(_SEP)


def save(index: SearchIndex, path: Path, identity: str) -> bool:
    """Write the index to ``path``; False if it cannot be represented (a NUL in a term)."""
    cols = index.columns
    tag_rows = [
        [
            tag_id,
            name,
            index.tag_dict.keys.get(tag_id),
            index.tag_dict.values[tag_id],
            index.tag_dict.numbers.get(tag_id),
        ]
        for tag_id, name in index.tag_dict.names.items()
    ]
    meta: dict[str, Any] = {
        "format": FORMAT,
        "identity": identity,
        "marks": list(index.marks),
        "versions": cols.versions,
        "dicts": {name: cols.dicts[name].names for name in CODED_COLUMNS},
        "tags": tag_rows,
        "terms": {name: len(t.vocab) for name, t in index.terms.items()},
    }
    arrays: dict[str, Any] = {  # np.savez(**arrays): Any, not its allow_pickle: bool
        "meta": np.frombuffer(json.dumps(meta).encode("utf-8"), np.uint8),
        "present": cols.present,
        "hkey": cols.hkey,
    }
    arrays.update({f"f_{name}": arr for name, arr in cols.floats.items()})
    arrays.update({f"c_{name}": arr for name, arr in cols.codes.items()})
    arrays["tag_lengths"], arrays["tag_assets"] = _postings(index.tags)
    for name, term_index in index.terms.items():
        vocab = _joined(term_index.vocab.names)
        if vocab is None:
            return False
        arrays[f"{name}_vocab"] = vocab
        arrays[f"{name}_lengths"], arrays[f"{name}_assets"] = _postings(term_index.relation)
        arrays[f"{name}_first"] = term_index.first
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            np.savez(out, **arrays)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def restore(index: SearchIndex, path: Path, identity: str, marks: tuple[int, float]) -> bool:
    """Fill ``index`` from the snapshot at ``path`` if it belongs to this catalog and
    the catalog has not gone back in time; True if it did."""
    try:
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(z["meta"].tobytes().decode("utf-8"))
            if meta.get("format") != FORMAT or meta.get("identity") != identity:
                return False
            saved_marks = (int(meta["marks"][0]), float(meta["marks"][1]))
            if marks[0] < saved_marks[0] or marks[1] < saved_marks[1]:
                return False
            _fill(index, z, meta)
            index.marks = saved_marks
    except (OSError, ValueError, KeyError):
        return False
    return True


def _fill(index: SearchIndex, z: Any, meta: dict[str, Any]) -> None:
    cols = index.columns
    cols.present = z["present"]
    cols.capacity = len(cols.present)
    cols.hkey = z["hkey"]
    cols.floats = {name: z[f"f_{name}"] for name in cols.floats}
    cols.codes = {name: z[f"c_{name}"] for name in CODED_COLUMNS}
    cols.dicts = {name: Vocabulary(meta["dicts"][name]) for name in CODED_COLUMNS}
    cols.versions = dict(meta["versions"])
    index.tag_dict.add(tuple(row) for row in meta["tags"])
    index.tags = Relation(cols.capacity, _split(z["tag_lengths"], z["tag_assets"]))
    for name, size in meta["terms"].items():
        relation = Relation(cols.capacity, _split(z[f"{name}_lengths"], z[f"{name}_assets"]))
        index.terms[name] = TermIndex.restored(
            _names(z[f"{name}_vocab"], size), relation, z[f"{name}_first"]
        )
    index.count = int(cols.present.sum())


def warm_start(index: SearchIndex, conn: Connection, path: Path | None) -> None:
    """Before the first sync: fill the index from its snapshot when there is a usable one."""
    if index.loaded or path is None or not path.exists():
        return
    identity = store.catalog_identity(conn)
    if identity is None:
        return
    index.invalidate()
    if restore(index, path, identity, store.change_marks(conn)):
        index.restored()
    else:
        index.invalidate()


def persist(index: SearchIndex, catalog: Catalog, path: Path | None) -> None:
    """Save the index if it changed in ways worth saving and the catalog is big enough."""
    if path is None or not index.dirty or index.count < MIN_ASSETS:
        return
    with catalog.read() as conn:
        identity = store.catalog_identity(conn)
    if identity is None:
        with catalog.write() as conn:
            identity = store.create_identity(conn)
    with index.lock:
        if index.dirty and save(index, path, identity):
            index.dirty = False

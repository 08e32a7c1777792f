"""The in-memory search index of one catalog, kept in step with it.

Loaded once per process and catalog (:func:`index_for`), it holds the asset columns
filters compare (numpy arrays indexed by asset id), the tag dictionary and the
asset-tag :class:`Relation`, and - built on first use - the prompt words, file names
and metadata keys of every asset.

Keeping in step: every search first reads two index look-ups, the highest asset id and
the latest ``updated_at`` (every catalog write that matters to search bumps it; tag
writes included). When they moved, the assets updated since a little before the last
known mark (:data:`SLACK` covers writers whose transaction committed after a later
one) are compared with the index by ``updated_at`` and only the differing ones are
re-read. Deleting assets is not followed (curata never deletes them);
:meth:`SearchIndex.invalidate` drops everything.
"""

from __future__ import annotations

import math
import os
import threading
import weakref
from collections.abc import Callable, Iterable, Sequence
from itertools import repeat
from typing import Any

import numpy as np
from sqlalchemy import Connection

from curata.catalog import Catalog
from curata.catalog import search as store
from curata.models.fields import (
    CODE_COLUMNS,
    FACET_COLUMNS,
    NUMBER_COLUMNS,
    STORED_COLUMNS,
    as_number,
)
from curata.search.names import JoinedNames
from curata.search.relation import EMPTY, Relation, Vocabulary, distinct
from curata.search.rules import file_name, metadata_keys, tokens

SLACK = 10.0
FULL_RELOAD_SHARE = 0.2
CATCH_UP_SAVE = 10_000  # catching up with more changes than this is worth saving
_BATCH = 1_000_000  # terms encoded at a time when a term index is built

# The index's columns, from the field registry: numbers (float64, NaN for none),
# dictionary-coded text, and numbers also coded by value for their facets.
FLOAT_COLUMNS = NUMBER_COLUMNS
CODED_COLUMNS = (*CODE_COLUMNS, *FACET_COLUMNS)
_STORED_NUMBERS = tuple(c.name for c in STORED_COLUMNS if c.kind == "number")


def _hash_key(content_hash: str) -> int:
    """The first 64 bits of a hex content hash: sorts like the hash itself."""
    try:
        return int(content_hash[:16].ljust(16, "0"), 16)
    except ValueError:
        return int.from_bytes(content_hash[:8].encode("utf-8", "replace").ljust(8, b"\0"), "big")


_NIBBLE = np.full(256, 255, np.uint64)
_NIBBLE[np.frombuffer(b"0123456789", np.uint8)] = np.arange(10, dtype=np.uint64)
_NIBBLE[np.frombuffer(b"abcdef", np.uint8)] = np.arange(10, 16, dtype=np.uint64)


def hash_keys(hashes: Sequence[str]) -> np.ndarray:
    """:func:`_hash_key` of many hashes at once (vectorized for lower-case hex)."""
    prefixes = [h[:16] for h in hashes]
    raw = "".join(prefixes)
    if len(raw) != 16 * len(prefixes) or not raw.isascii():
        return np.fromiter(map(_hash_key, hashes), np.uint64, len(hashes))
    nibbles = _NIBBLE[np.frombuffer(raw.encode("ascii"), np.uint8)].reshape(-1, 16)
    if (nibbles == 255).any():
        return np.fromiter(map(_hash_key, hashes), np.uint64, len(hashes))
    keys = np.zeros(len(prefixes), np.uint64)
    for column in range(16):
        keys = (keys << np.uint64(4)) | nibbles[:, column]
    return keys


def _floats(values: Sequence[Any]) -> np.ndarray:
    """Stored values as float64 (NaN for none): numbers, or numeric text from a JSON
    path; anything else (booleans, other text, objects) is no value."""
    try:
        out = np.array(values, dtype=float)
    except (TypeError, ValueError):
        out = np.array([as_number(v) for v in values], dtype=float)
    else:
        if any(isinstance(v, bool) for v in values):
            out = np.array([as_number(v) for v in values], dtype=float)
    out[~np.isfinite(out)] = np.nan
    return out


def _number_names(values: np.ndarray) -> list[str | None]:
    """The facet name of each number (``30``, ``7.5``; None for NaN)."""
    return [None if v != v else f"{v:.15g}" for v in values.tolist()]


def _codes(vocab: Vocabulary, values: Sequence[str | None]) -> np.ndarray:
    """Dictionary codes of ``values`` (-1 for None), adding new values to ``vocab``."""
    for value in set(values):
        if value is not None:
            vocab.add(value)
    lookup: dict[str | None, int] = {None: -1}
    lookup.update(vocab.ids)
    return np.fromiter(map(lookup.__getitem__, values), np.int32, len(values))


class Columns:
    """Per-asset values, indexed by asset id; absent ids have ``present`` False."""

    def __init__(self) -> None:
        self.capacity = 0
        self.present = np.zeros(0, bool)
        self.floats: dict[str, np.ndarray] = {name: np.zeros(0) for name in FLOAT_COLUMNS}
        self.codes: dict[str, np.ndarray] = {name: np.zeros(0, np.int32) for name in CODED_COLUMNS}
        self.dicts = {name: Vocabulary() for name in CODED_COLUMNS}
        self.hkey = np.zeros(0, np.uint64)
        # changes per column (a facet column's codes count with its numbers)
        self.versions = dict.fromkeys((*FLOAT_COLUMNS, *CODE_COLUMNS), 0)

    def grow(self, capacity: int) -> None:
        if capacity <= self.capacity:
            return
        pad = capacity - self.capacity
        self.present = np.concatenate([self.present, np.zeros(pad, bool)])
        for name, arr in self.floats.items():
            self.floats[name] = np.concatenate([arr, np.full(pad, np.nan)])
        for name, arr in self.codes.items():
            self.codes[name] = np.concatenate([arr, np.full(pad, -1, np.int32)])
        self.hkey = np.concatenate([self.hkey, np.zeros(pad, np.uint64)])
        self.capacity = capacity

    def set_rows(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Store rows of :data:`curata.catalog.search.COLUMNS`."""
        if not rows:
            return
        cols = dict(zip(store.COLUMNS, zip(*rows, strict=True), strict=True))
        ids = np.fromiter(cols["id"], np.int64, len(rows))
        fresh = ~self.present[ids]
        self.present[ids] = True
        self.hkey[ids] = hash_keys(cols["content_hash"])
        values = {name: _floats(cols[name]) for name in _STORED_NUMBERS}
        width, height = values["width"], values["height"]
        with np.errstate(divide="ignore", invalid="ignore"):
            values["aspect_ratio"] = np.where(height > 0, width / height, np.nan)
        for name in FLOAT_COLUMNS:
            self._assign(name, self.floats[name], ids, values[name], fresh)
        for name in CODE_COLUMNS:
            codes = _codes(self.dicts[name], cols[name])
            self._assign(name, self.codes[name], ids, codes, fresh)
        for name in FACET_COLUMNS:
            codes = _codes(self.dicts[name], _number_names(values[name]))
            self._assign(name, self.codes[name], ids, codes, fresh)

    def _assign(
        self, name: str, arr: np.ndarray, ids: np.ndarray, values: np.ndarray, fresh: np.ndarray
    ) -> None:
        old = arr[ids]
        same = old == values
        if arr.dtype.kind == "f":
            same |= np.isnan(old) & np.isnan(values)
        if fresh.any() or not same.all():
            self.versions[name] += 1
        arr[ids] = values


class TagDictionary:
    """Every tag by id: its name, key (None for a simple tag), value and number."""

    def __init__(self) -> None:
        self.max_id = 0
        self.names: dict[int, str] = {}
        self.keys: dict[int, str] = {}
        self.by_name: dict[str, int] = {}
        self.by_value: dict[str, list[int]] = {}
        self.by_key: dict[str, list[int]] = {}
        self.values: dict[int, str] = {}
        self.numbers: dict[int, float] = {}

    def add(self, rows: Iterable[tuple[int, str, str | None, str, float | None]]) -> None:
        for tag_id, name, key, value, number in rows:
            self.max_id = max(self.max_id, tag_id)
            self.names[tag_id] = name
            self.by_name[name] = tag_id
            self.values[tag_id] = value
            self.by_value.setdefault(value, []).append(tag_id)
            if key is not None:
                self.keys[tag_id] = key
                self.by_key.setdefault(key, []).append(tag_id)
                if number is not None and math.isfinite(number):
                    self.numbers[tag_id] = float(number)

    def ids(self, key: str | None, value: str) -> list[int]:
        """Tags a term matches: ``key:value`` exactly, or (no key) the simple tag
        ``value`` and every pair whose value is ``value``."""
        if key is None:
            return self.by_value.get(value, [])
        found = self.by_name.get(f"{key}:{value}")
        return [] if found is None else [found]

    def with_key(self, key: str) -> list[int]:
        return self.by_key.get(key, [])


class TermIndex:
    """A lazily built relation between assets and derived terms (prompt words, file
    names, metadata keys); ``first`` holds each asset's first term (its primary file
    name), -1 for none."""

    def __init__(self, capacity: int, pairs: Iterable[tuple[int, Sequence[str]]]) -> None:
        """From ``(asset, terms)`` in ascending asset order (terms may repeat)."""
        self.vocab = Vocabulary()
        self.first = np.full(capacity, -1, np.int32)
        keys: list[np.ndarray] = []
        owners: list[int] = []
        flat: list[str] = []
        for asset, names in pairs:
            flat.extend(names)
            owners.extend(repeat(asset, len(names)))
            if len(flat) >= _BATCH:
                keys.append(self._encode(owners, flat))
                owners, flat = [], []
        keys.append(self._encode(owners, flat))
        joined = np.concatenate(keys)
        self.relation = Relation.from_pairs(
            capacity, joined >> 32, (joined & 0xFFFFFFFF).astype(np.int32), len(self.vocab)
        )
        self._reset_arrays()

    def _reset_arrays(self) -> None:
        self._names = np.empty(0, object)
        self._lengths = np.zeros(0, np.int64)
        self._breaks = np.zeros(0, bool)
        self._joined: JoinedNames | None = None

    def _encode(self, owners: list[int], flat: list[str]) -> np.ndarray:
        """``asset << 32 | term`` of a batch, distinct and sorted; notes each asset's first
        term."""
        ids = self.vocab.ids
        for name in {n for n in flat if n not in ids}:
            self.vocab.add(name)
        codes = np.fromiter(map(ids.__getitem__, flat), np.int64, len(flat))
        assets = np.array(owners, np.int64)
        if len(assets):
            first_at = np.flatnonzero(np.concatenate(([True], assets[1:] != assets[:-1])))
            self.first[assets[first_at]] = codes[first_at]
        return distinct((assets << 32) | codes)

    @classmethod
    def restored(cls, names: list[str], relation: Relation, first: np.ndarray) -> TermIndex:
        """A term index from saved parts (see :mod:`curata.search.snapshot`)."""
        made = cls.__new__(cls)
        made.vocab = Vocabulary(names)
        made.relation = relation
        made.first = first
        made._reset_arrays()
        return made

    def _term_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per term: the term (object array), its length, whether it holds a line break;
        extended as the vocabulary grows (terms never change)."""
        have = len(self._names)
        if have < len(self.vocab):
            new = self.vocab.names[have:]
            added = np.empty(len(new), object)
            added[:] = new
            self._names = np.concatenate([self._names, added])
            self._lengths = np.concatenate(
                [self._lengths, np.fromiter(map(len, new), np.int64, len(new))]
            )
            self._breaks = np.concatenate(
                [self._breaks, np.fromiter(("\n" in n for n in new), bool, len(new))]
            )
        return self._names, self._lengths, self._breaks

    def joined(self, terms: np.ndarray | None = None) -> JoinedNames:
        """The given terms (default: every distinct term, cached) joined one per line,
        for regexes over file names."""
        names, lengths, breaks = self._term_arrays()
        if terms is not None:
            return JoinedNames(names[terms], lengths[terms], not breaks[terms].any())
        if self._joined is None or len(self._joined.names) != len(names):
            self._joined = JoinedNames(names, lengths, not breaks.any())
        return self._joined

    def update(self, capacity: int, changes: dict[int, Iterable[str]]) -> None:
        """Give each asset in ``changes`` exactly these terms (the first is its primary)."""
        if capacity > len(self.first):
            self.first = np.concatenate(
                [self.first, np.full(capacity - len(self.first), -1, np.int32)]
            )
        encoded = {}
        for asset, names in changes.items():
            terms = [self.vocab.add(n) for n in dict.fromkeys(names)]
            self.first[asset] = terms[0] if terms else -1
            encoded[asset] = distinct(np.array(terms, np.int32))
        self.relation.grow(capacity, len(self.vocab))
        self.relation.update(encoded)

    def posting(self, name: str) -> np.ndarray:
        term = self.vocab.ids.get(name)
        return EMPTY if term is None else self.relation.posting(term)


def _prompt_pairs(chunks: Iterable[list[tuple[int, str]]]) -> Iterable[tuple[int, list[str]]]:
    for rows in chunks:
        for asset, prompt in rows:
            yield asset, tokens(prompt)


def _path_pairs(
    derive: Callable[[str], str],
) -> Callable[[Iterable[list[tuple[int, str]]]], Iterable[tuple[int, list[str]]]]:
    """``(asset, terms)`` of location rows, one term per location (``derive`` of its
    path), the primary location's first."""

    def pairs(chunks: Iterable[list[tuple[int, str]]]) -> Iterable[tuple[int, list[str]]]:
        current: int | None = None
        names: list[str] = []
        for rows in chunks:
            for asset, path in rows:
                if asset != current:
                    if current is not None:
                        yield current, names
                    current, names = asset, []
                names.append(derive(path))
        if current is not None:
            yield current, names

    return pairs


def _metadata_pairs(chunks: Iterable[list[tuple[Any, ...]]]) -> Iterable[tuple[int, set[str]]]:
    for rows in chunks:
        for asset, meta, prompt, negative, width, height, duration in rows:
            yield (
                asset,
                metadata_keys(
                    meta if isinstance(meta, dict) else {},
                    prompt=prompt,
                    negative_prompt=negative,
                    width=width,
                    height=height,
                    duration=duration,
                ),
            )


# How each lazily built term index is read from the catalog; ``folders`` is the
# registry's terms column (curata.models.fields), the folder of each location.
TERM_SOURCES: dict[str, tuple[Callable[..., Any], Callable[..., Any]]] = {
    "prompt": (store.prompts, _prompt_pairs),
    "names": (store.location_paths, _path_pairs(file_name)),
    "metadata": (store.metadata_rows, _metadata_pairs),
    "folders": (store.location_paths, _path_pairs(os.path.dirname)),
}


class SearchIndex:
    """Everything search evaluates, in memory; see the module documentation."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.loaded = False
        self.dirty = False
        self.version = 0
        # derived data: catalog facets, id lists, name ranks, and per sort field the whole
        # catalog in order (checked against the column versions it was made from)
        self.cache: dict[Any, Any] = {}
        self._reset()

    def _reset(self) -> None:
        self.columns = Columns()
        self.tag_dict = TagDictionary()
        self.tags = Relation(0, [])
        self.terms: dict[str, TermIndex] = {}
        self.marks = (0, 0.0)
        self.count = 0
        self.cache.clear()

    def invalidate(self) -> None:
        """Forget everything; the next search reloads from the catalog."""
        with self.lock:
            self.loaded = False
            self._reset()

    @property
    def capacity(self) -> int:
        return self.columns.capacity

    def present_ids(self) -> np.ndarray:
        ids = self.cache.get("present")
        if ids is None:
            ids = self.cache["present"] = np.flatnonzero(self.columns.present).astype(np.int32)
        return ids

    # --- keeping in step ------------------------------------------------------------

    def sync(self, conn: Connection) -> None:
        """Bring the index up to date with the catalog (cheap when nothing changed)."""
        marks = store.change_marks(conn)
        if not self.loaded:
            self._load(conn, marks)
            return
        if marks == self.marks:
            return
        rows = store.changed_since(conn, self.marks[1] - SLACK, self.marks[0])
        ids = np.array([r[0] for r in rows], np.int64)
        times = np.array([r[1] for r in rows], float)
        inside = ids < self.capacity
        known = np.zeros(len(ids), bool)
        known[inside] = self.columns.present[ids[inside]] & (
            self.columns.floats["updated_at"][ids[inside]] == times[inside]
        )
        changed = ids[~known]
        if len(changed) > max(1000, FULL_RELOAD_SHARE * self.count):
            self.invalidate()
            self._load(conn, marks)
            return
        if len(changed):
            self._apply(conn, changed.tolist(), marks[0])
        self.marks = marks

    def _load(self, conn: Connection, marks: tuple[int, float]) -> None:
        self._reset()
        self.columns.grow(marks[0] + 1)
        for rows in store.asset_columns(conn):
            self.columns.grow(max(r[0] for r in rows) + 1)
            self.columns.set_rows(rows)
        self.tag_dict.add(store.tag_rows(conn))
        postings = [EMPTY] * (self.tag_dict.max_id + 1)
        for tag_id, joined in store.tag_postings(conn):
            if tag_id < len(postings):
                posting = np.fromstring(joined, np.int32, sep=",")
                posting.sort()  # distinct already: (asset_id, tag_id) is the primary key
                postings[tag_id] = posting
        self.tags = Relation(self.capacity, postings)
        self.count = int(self.columns.present.sum())
        self.marks = marks
        self.loaded = True
        self.dirty = True
        self.version += 1

    def restored(self) -> None:
        """Mark the index as loaded from a snapshot (its ``marks`` are the snapshot's)."""
        self.loaded = True
        self.dirty = False
        self.version += 1
        self.cache.clear()

    def _apply(self, conn: Connection, ids: list[int], top_id: int) -> None:
        capacity = max(self.capacity, int(top_id * 1.25) + 1, max(ids) + 1)
        self.columns.grow(capacity)
        for rows in store.asset_columns(conn, ids):
            self.columns.set_rows(rows)
        self.tag_dict.add(store.tag_rows(conn, self.tag_dict.max_id))
        self.tags.grow(capacity, self.tag_dict.max_id + 1)
        links: dict[int, list[int]] = {i: [] for i in ids}
        for asset, tag in store.asset_tag_links(conn, ids):
            links[asset].append(tag)
        self.tags.update({a: distinct(np.array(t, np.int32)) for a, t in links.items()})
        for name, term_index in self.terms.items():
            fetch, derive = TERM_SOURCES[name]
            changes: dict[int, Iterable[str]] = {i: () for i in ids}
            changes.update(derive(fetch(conn, ids)))
            term_index.update(capacity, changes)
        count = int(self.columns.present.sum())
        self.dirty = self.dirty or len(ids) > CATCH_UP_SAVE
        self.version += 1
        stale = ["catalog_counts", "catalog_facets", "name_ranks"]
        if count != self.count:
            stale.append("present")
        for key in stale:
            self.cache.pop(key, None)
        self.count = count

    def term_index(self, conn: Connection, name: str) -> TermIndex:
        """The prompt-word, file-name or metadata-key index, built on first use."""
        found = self.terms.get(name)
        if found is None:
            fetch, derive = TERM_SOURCES[name]
            found = self.terms[name] = TermIndex(self.capacity, derive(fetch(conn)))
            self.dirty = True
        return found


_INDEXES: weakref.WeakKeyDictionary[Catalog, SearchIndex] = weakref.WeakKeyDictionary()
_REGISTRY_LOCK = threading.Lock()


def index_for(catalog: Catalog) -> SearchIndex:
    """The search index of ``catalog`` in this process (created empty, loaded on use)."""
    with _REGISTRY_LOCK:
        found = _INDEXES.get(catalog)
        if found is None:
            found = _INDEXES[catalog] = SearchIndex()
        return found

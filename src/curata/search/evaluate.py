"""Evaluating a compiled :class:`Query` against the in-memory :class:`SearchIndex`.

Plan: every filter that names a set of assets by itself (tags, tag values, ranges and
patterns of pairs, prompt words, metadata keys, folders, a hash prefix) becomes a sorted id
array from the posting lists; the smallest starts the candidates and the others are
intersected into it. Column filters (media type, formats, sizes, dimensions, rating,
source, project, dates) are then vectorized comparisons on the candidates - or on whole
columns when nothing narrowed the set first. Exclusions follow, and the regexes over
file names run last, on the fewest strings: the candidates' names or the distinct
names, whichever is smaller.

Regexes never run under the index's lock: the evaluator takes the lock for its
look-ups and releases it while patterns match (the strings they match are taken out
first: tag values by id, joined file names by term), so a hostile pattern that runs
to its time bound holds up no other search.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable

import numpy as np
from sqlalchemy import Connection

from curata.catalog import search as store
from curata.search import kernels
from curata.search.index import SearchIndex
from curata.search.query import Query, Range, TagTerm
from curata.search.regexes import RegexBudget
from curata.search.relation import contains, distinct


def _member(ids: np.ndarray, candidates: np.ndarray, capacity: int) -> np.ndarray:
    """Which candidates are in the sorted ``ids``: binary search for few candidates,
    a scratch bitmap when there are many."""
    if len(candidates) * 16 < capacity:
        return contains(ids, candidates)
    mask = np.zeros(capacity, bool)
    kernels.mark(mask, ids, True)
    member: np.ndarray = mask[candidates]
    return member


class Evaluator:
    """One query against one index; the connection serves the few SQL look-ups."""

    def __init__(self, index: SearchIndex, conn: Connection) -> None:
        self.index = index
        self.conn = conn
        self.budget = RegexBudget()

    def run(self, q: Query) -> np.ndarray:
        """Sorted ids (int32) of the assets matching every filter of ``q``. Takes the
        index's lock itself (the caller must not hold it) and releases it while the
        patterns match."""
        lock = self.index.lock
        with lock:
            values = {key: self._values_with_key(key) for key in q.tag_patterns}
        with self.budget.running():
            tag_hits = {
                key: [t for t, v in values[key] if self.budget.search(pattern, v)]
                for key, pattern in q.tag_patterns.items()
            }
        with lock:
            candidates = self._filtered(q, tag_hits)
            if q.filename is None or not len(candidates):
                return candidates
            names = self.index.term_index(self.conn, "names")
            positions, terms = names.relation.gather(candidates)
            own = len(terms) * 2 < len(names.vocab)
            joined = names.joined(terms) if own else names.joined()
        with self.budget.running():
            hits = joined.matching(q.filename, self.budget)
        found: np.ndarray
        if own:  # over the candidates' own names: no look-up left
            found = candidates[distinct(positions[hits])]
            return found
        with lock:
            matched = names.relation.any_of(hits.tolist())
            found = candidates[_member(matched, candidates, self.index.capacity)]
            return found

    def _values_with_key(self, key: str) -> list[tuple[int, str]]:
        """``(tag id, value)`` of every pair with this key."""
        values = self.index.tag_dict.values
        return [(t, values[t]) for t in self.index.tag_dict.with_key(key)]

    def _filtered(self, q: Query, tag_hits: dict[str, list[int]]) -> np.ndarray:
        """The assets matching every filter but the file name pattern, given the tags
        each tag pattern matched."""
        idx = self.index
        sets = self._positive_sets(q)
        sets.extend(idx.tags.any_of(hits) for hits in tag_hits.values())
        candidates: np.ndarray | None = None
        if sets:
            sets.sort(key=len)
            candidates = sets[0]
            for other in sets[1:]:
                if not len(candidates):
                    break
                candidates = candidates[_member(other, candidates, idx.capacity)]
        candidates = self._columns(q, candidates)
        if q.none_tags and len(candidates):
            excluded = self._term_union(q.none_tags)
            candidates = candidates[~_member(excluded, candidates, idx.capacity)]
        return candidates

    # --- sets named by the filters themselves ----------------------------------------

    def _term_ids(self, term: TagTerm) -> list[int]:
        return self.index.tag_dict.ids(term.key, term.value)

    def _term_union(self, terms: Iterable[TagTerm]) -> np.ndarray:
        return self.index.tags.any_of(t for term in terms for t in self._term_ids(term))

    def _tags_where(self, key: str, keep: Callable[[int], bool]) -> np.ndarray:
        return self.index.tags.any_of(t for t in self.index.tag_dict.with_key(key) if keep(t))

    def _positive_sets(self, q: Query) -> list[np.ndarray]:
        idx = self.index
        tag_dict = idx.tag_dict
        sets = [self._term_union([term]) for term in q.all_tags]
        if q.any_tags is not None:
            sets.append(self._term_union(q.any_tags))
        for key, values in q.tag_values.items():
            sets.append(self._term_union(TagTerm(key, v) for v in values))
        for key, r in q.tag_ranges.items():

            def in_range(t: int, r: Range = r) -> bool:
                return r.contains(tag_dict.numbers.get(t))

            sets.append(self._tags_where(key, in_range))
        if q.prompt_words:
            prompts = idx.term_index(self.conn, "prompt")
            sets.extend(prompts.posting(w) for w in q.prompt_words)
        for column, condition in q.terms:
            terms = idx.term_index(self.conn, column)
            sets.append(terms.relation.any_of(condition.select(terms.vocab.names)))
        if q.metadata_keys:
            keys = idx.term_index(self.conn, "metadata")
            sets.extend(keys.posting(k) for k in q.metadata_keys)
        if q.hash_prefix is not None:
            found = np.array(store.ids_with_hash_prefix(self.conn, q.hash_prefix), np.int64)
            found = np.sort(found[found < idx.capacity])
            sets.append(found[idx.columns.present[found]].astype(np.int32))
        return sets

    # --- column comparisons -------------------------------------------------------

    def _code_set(self, column: str, wanted: Iterable[str]) -> np.ndarray:
        """Codes of ``column``'s values that equal (case-insensitively) one of ``wanted``."""
        wanted_lower = {w.lower() for w in wanted}
        names = self.index.columns.dicts[column].names
        return np.array([c for c, n in enumerate(names) if n.lower() in wanted_lower], np.int32)

    def _column_tests(
        self, q: Query
    ) -> list[tuple[np.ndarray, Callable[[np.ndarray], np.ndarray]]]:
        cols = self.index.columns
        tests: list[tuple[np.ndarray, Callable[[np.ndarray], np.ndarray]]] = []
        coded = {
            "media_type": None if q.media_type is None else [q.media_type],
            "file_format": q.formats,
            "ai_source": q.sources,
        }
        if q.project is not None:
            coded["project_id"] = [q.project, *store.project_ids(self.conn, q.project)]
        for column, wanted in coded.items():
            if wanted is not None:
                allowed = np.zeros(len(cols.dicts[column]) + 1, bool)  # by code + 1 (-1: none)
                allowed[self._code_set(column, wanted) + 1] = True
                tests.append((cols.codes[column], functools.partial(_allowed_codes, allowed)))
        for column, condition in q.columns:
            tests.append((cols.floats[column], condition.mask))
        return tests

    def _columns(self, q: Query, candidates: np.ndarray | None) -> np.ndarray:
        tests = self._column_tests(q)
        if candidates is None:
            if not tests:
                return self.index.present_ids()
            keep = self.index.columns.present.copy()
            for column, test in tests:
                keep &= test(column)
            return np.flatnonzero(keep).astype(np.int32)
        for column, test in tests:
            if not len(candidates):
                break
            candidates = candidates[test(column[candidates])]
        return candidates


def evaluate(index: SearchIndex, conn: Connection, q: Query) -> np.ndarray:
    return Evaluator(index, conn).run(q)


def _allowed_codes(allowed: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Which ``codes`` (-1: none) are set in ``allowed`` (indexed by code + 1)."""
    found: np.ndarray = allowed[codes + 1]
    return found

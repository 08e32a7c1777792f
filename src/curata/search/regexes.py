"""Running user regexes (``filename_pattern``, ``tag_patterns``) without letting them
starve other requests.

- A time bound: every match of every pattern of one search shares
  :data:`REGEX_SECONDS`; a pattern that backtracks catastrophically ends the search
  with an ``InvalidRequest`` naming its field.
- The GIL is released while the ``regex`` module matches (``concurrent=True``), so
  other threads - a plain search, the server's event loop - keep running.
- A concurrency limit: at most :data:`REGEX_SLOTS` searches with patterns run at once
  in the process; another waits up to :data:`REGEX_WAIT_SECONDS` for a slot, then gets
  ``Busy`` (503). The slot is taken before the search opens a database connection, so
  pattern searches can hold at most that many connections. Searches without patterns
  never take a slot.

The patterns themselves were bounded before they were compiled
(:mod:`curata.models.patterns`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import regex

from curata.errors import Busy, InvalidRequest
from curata.search.query import Pattern, Query

REGEX_SECONDS = 2.0
REGEX_SLOTS = 2
REGEX_WAIT_SECONDS = 5.0


class RegexLimiter:
    """At most ``slots`` holders at once; ``running`` says how many there are now."""

    def __init__(self, slots: int) -> None:
        self.slots = slots
        self.running = 0
        self._changed = threading.Condition()

    @contextmanager
    def slot(self, field: str, wait: float) -> Iterator[None]:
        """Hold a slot for the block; ``Busy`` naming ``field`` when none frees up within
        ``wait`` seconds."""
        with self._changed:
            if not self._changed.wait_for(lambda: self.running < self.slots, timeout=wait):
                raise Busy(
                    f"{self.slots} searches with patterns are already running and none "
                    f"finished within {wait:g} s; retry later",
                    field=field,
                )
            self.running += 1
        try:
            yield
        finally:
            with self._changed:
                self.running -= 1
                self._changed.notify()


LIMITER = RegexLimiter(REGEX_SLOTS)


def patterns_of(q: Query) -> list[Pattern]:
    """The regexes a query runs."""
    found = list(q.tag_patterns.values())
    if q.filename is not None:
        found.append(q.filename)
    return found


@contextmanager
def regex_slot(q: Query) -> Iterator[None]:
    """A slot of :data:`LIMITER` for a query with patterns; nothing for one without."""
    patterns = patterns_of(q)
    if not patterns:
        yield
        return
    with LIMITER.slot(patterns[0].field, REGEX_WAIT_SECONDS):
        yield


class RegexBudget:
    """The time bound shared by every match of every pattern of one search: from its
    creation, or counted only inside :meth:`running` blocks once one is used (a search
    matches in phases, between which it may wait for the index)."""

    def __init__(self, seconds: float | None = None) -> None:
        self.seconds = REGEX_SECONDS if seconds is None else seconds
        self.spent = 0.0
        self.deadline = time.monotonic() + self.seconds

    @contextmanager
    def running(self) -> Iterator[None]:
        """A phase of matching: the time it takes is taken from the budget."""
        started = time.monotonic()
        self.deadline = started + self.seconds - self.spent
        try:
            yield
        finally:
            self.spent += time.monotonic() - started

    def _left(self, pattern: Pattern) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise self._timed_out(pattern)
        return left

    def _timed_out(self, pattern: Pattern) -> InvalidRequest:
        return InvalidRequest(
            f"the pattern did not finish within {self.seconds:g} s; simplify it",
            field=pattern.field,
        )

    def search(self, pattern: Pattern, text: str) -> bool:
        """Whether ``pattern`` finds a match in ``text``."""
        try:
            found = pattern.compiled.search(text, timeout=self._left(pattern), concurrent=True)
        except TimeoutError:
            raise self._timed_out(pattern) from None
        return found is not None

    def spans(
        self,
        pattern: Pattern,
        compiled: regex.Pattern[str],
        text: str,
        pos: int,
        *,
        first_only: bool = False,
    ) -> list[tuple[int, int]]:
        """``(start, end)`` of the matches of ``compiled`` (a variant of ``pattern``) in
        ``text`` from ``pos``: all of them, or only the first."""
        try:
            if first_only:
                found = compiled.search(text, pos, timeout=self._left(pattern), concurrent=True)
                return [] if found is None else [found.span()]
            matches = compiled.finditer(text, pos, timeout=self._left(pattern), concurrent=True)
            return [m.span() for m in matches]
        except TimeoutError:
            raise self._timed_out(pattern) from None

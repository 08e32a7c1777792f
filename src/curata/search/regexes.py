"""Running user regexes under a time bound (``filename_pattern``, ``tag_patterns``)."""

from __future__ import annotations

import time

import regex

from curata.errors import InvalidRequest
from curata.search.query import Pattern

REGEX_SECONDS = 2.0


class RegexBudget:
    """A time bound shared by every match of one pattern in one search: a pattern that
    backtracks catastrophically ends the search with an ``InvalidRequest`` naming its
    field instead of stalling the process."""

    def __init__(self, pattern: Pattern, seconds: float | None = None) -> None:
        self.pattern = pattern
        self.seconds = REGEX_SECONDS if seconds is None else seconds
        self.deadline = time.monotonic() + self.seconds

    def _left(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise self._timed_out()
        return left

    def _timed_out(self) -> InvalidRequest:
        return InvalidRequest(
            f"the pattern did not finish within {self.seconds:g} s; simplify it",
            field=self.pattern.field,
        )

    def search(self, text: str) -> bool:
        """Whether the pattern finds a match in ``text``."""
        try:
            return self.pattern.compiled.search(text, timeout=self._left()) is not None
        except TimeoutError:
            raise self._timed_out() from None

    def spans(
        self, compiled: regex.Pattern[str], text: str, pos: int, *, first_only: bool = False
    ) -> list[tuple[int, int]]:
        """``(start, end)`` of the matches of ``compiled`` (a variant of the pattern) in
        ``text`` from ``pos``: all of them, or only the first."""
        try:
            if first_only:
                found = compiled.search(text, pos, timeout=self._left())
                return [] if found is None else [found.span()]
            return [m.span() for m in compiled.finditer(text, pos, timeout=self._left())]
        except TimeoutError:
            raise self._timed_out() from None

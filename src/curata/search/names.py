"""Which of many short strings (file names) a regex finds, fast and exactly.

Calling ``pattern.search`` once per name costs about a microsecond of interpreter time
each. Instead the names are joined into one text, one per line, and the pattern (with
``MULTILINE``, so ``^``/``$`` mean the ends of a name) is searched over the text in C:
every name in which the pattern finds a match is the line of some match start, or is
reached again by restarting after a match that ran across a line break. The lines so
found are then checked one by one with the pattern itself, so the answer is exactly
``pattern.search(name)``.

That superset argument holds for patterns that cannot look outside their name:
anchors to the whole text (``\\A``, ``\\Z``, ``\\z``, ``\\G``), lookbehind, negative
lookahead, atomic groups, possessive quantifiers and inline flag changes are checked
name by name instead; so are names that contain a line break.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import regex

from curata.search.query import Pattern
from curata.search.regexes import RegexBudget
from curata.search.relation import distinct

_NOT_LINEWISE = (r"\A", r"\Z", r"\z", r"\G", "(?<", "(?!", "(?>", "(?-", "*+", "++", "?+", "}+")


def linewise(pattern: str) -> bool:
    """Whether searching ``pattern`` over joined lines finds every line it matches."""
    return not any(token in pattern for token in _NOT_LINEWISE)


class JoinedNames:
    """Names joined one per line, with each line's start offset.

    ``names`` is an object array of strings, ``lengths`` their lengths, ``clean`` whether
    none holds a line break (:meth:`of` works them out from a plain list).
    """

    def __init__(self, names: np.ndarray, lengths: np.ndarray, clean: bool) -> None:
        self.names = names
        self.clean = clean
        self.text = "\n".join(names.tolist()) + "\n"
        self.starts = np.zeros(len(names) + 1, np.int64)
        np.cumsum(lengths + 1, out=self.starts[1:])

    @classmethod
    def of(cls, names: Sequence[str]) -> JoinedNames:
        lengths = np.fromiter(map(len, names), np.int64, len(names))
        array = np.empty(len(names), object)
        array[:] = names
        return cls(array, lengths, not any("\n" in n for n in names))

    def matching(self, pattern: Pattern, budget: RegexBudget) -> np.ndarray:
        """Indices of the names ``pattern`` finds a match in (within ``budget``)."""
        compiled = pattern.compiled
        if not self.clean or not linewise(compiled.pattern):
            keep = [i for i, name in enumerate(self.names) if budget.search(pattern, name)]
            return np.array(keep, np.int64)
        multiline = regex.compile(compiled.pattern, compiled.flags | regex.MULTILINE)
        lines = self._candidate_lines(pattern, budget, multiline)
        keep = [i for i in lines.tolist() if budget.search(pattern, self.names[i])]
        return np.array(keep, np.int64)

    def _candidate_lines(
        self, pattern: Pattern, budget: RegexBudget, multiline: regex.Pattern[str]
    ) -> np.ndarray:
        end = int(self.starts[-1])
        spans = [s for s in budget.spans(pattern, multiline, self.text, 0) if s[0] < end]
        if not spans:
            return np.zeros(0, np.int64)
        at = np.array(spans, np.int64)
        lines = np.searchsorted(self.starts, at[:, 0], side="right") - 1
        crossed = at[:, 1] >= self.starts[lines + 1]
        if not crossed.any():
            return distinct(lines)
        found: list[int] = []
        pos = 0
        while pos < end:
            first = budget.spans(pattern, multiline, self.text, pos, first_only=True)
            if not first or first[0][0] >= end:
                break
            line = int(np.searchsorted(self.starts, first[0][0], side="right") - 1)
            found.append(line)
            pos = int(self.starts[line + 1])
        return np.array(found, np.int64)

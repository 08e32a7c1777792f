"""Bounding a user's regex before it is ever compiled.

The ``regex`` module expands counted repetitions when it compiles a pattern: ``x{n}``
becomes ``n`` copies, so ``x{1000000000}`` or ``((x{1000}){1000}){1000}`` allocates
gigabytes before any matching (and its time bound) starts. :func:`check_pattern` reads
the pattern with a small parser of its own and refuses, with the limit it broke:

- a pattern longer than :data:`MAX_PATTERN_LENGTH` characters;
- a counted repetition (``{n}``, ``{n,}``, ``{,m}``, ``{n,m}``) above
  :data:`MAX_REPEAT`;
- a pattern whose size with every counted repetition expanded (each atom counts 1, a
  repeated group its size times the count, so nested counts multiply) is above
  :data:`MAX_EXPANDED`;
- groups nested deeper than :data:`MAX_DEPTH`;
- constructs the parser does not bound: a ``{`` that does not start a counted
  repetition (fuzzy matching; write ``\\{`` for the character), recursion and
  subroutine calls (``(?R)``, ``(?1)``, ``(?&name)``, ``(?P>name)``), and the inline
  flags that change how the rest is read (``x`` verbose, ``V0``/``V1`` versions).

Everything it accepts compiles in well under a second and a few megabytes.
"""

from __future__ import annotations

import regex

MAX_PATTERN_LENGTH = 256
MAX_REPEAT = 1000
MAX_EXPANDED = 10_000
MAX_DEPTH = 32

_COUNTED = regex.compile(r"\{(\d*)(,?)(\d*)\}")
_SAFE_FLAGS = frozenset("aimsuLwf-")
_CALL = regex.compile(r"\(\?(?:R|[+-]?\d|&|P>)")


class _Group:
    """A group being read: the size of its finished branches and of the current one."""

    def __init__(self) -> None:
        self.branches = 0
        self.current = 0
        self.last = 0  # the size of the last atom of the current branch (what a quantifier repeats)

    def add(self, size: int) -> None:
        self.current += size
        self.last = size

    def repeat(self, count: int) -> None:
        self.current += self.last * (count - 1)
        self.last *= count

    def size(self) -> int:
        return max(self.branches, self.current)


class _Reader:
    def __init__(self, pattern: str) -> None:
        self.text = pattern
        self.pos = 0
        self.stack = [_Group()]

    def fail(self, reason: str) -> ValueError:
        return ValueError(f"{reason} (at character {self.pos + 1})")

    def read(self) -> int:
        """The expanded size of the whole pattern."""
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char == "\\":
                self._escape()
            elif char == "[":
                self._set()
            elif char == "(":
                self._open()
            elif char == ")":
                self._close()
            elif char == "|":
                group = self.stack[-1]
                group.branches = max(group.branches, group.current)
                group.current = group.last = 0
                self.pos += 1
            elif char == "{":
                self._counted()
            else:
                if char not in "*+?":  # a quantifier repeats the last atom, keeping its size
                    self.stack[-1].add(1)
                self.pos += 1
            self._check_size()
        while len(self.stack) > 1:  # unclosed: the compiler says so
            self._close()
        return self.stack[0].size()

    def _check_size(self) -> None:
        total = sum(g.size() for g in self.stack)
        if total > MAX_EXPANDED:
            raise self.fail(
                f"the pattern expands to more than {MAX_EXPANDED} elements with its counted "
                "repetitions; use smaller counts or fewer nested ones"
            )

    def _escape(self) -> None:
        text = self.text
        self.pos += 2
        braced = text[self.pos - 1 : self.pos] in ("p", "P", "N", "x")
        if braced and text[self.pos : self.pos + 1] == "{":
            end = text.find("}", self.pos)
            self.pos = len(text) if end < 0 else end + 1
        self.stack[-1].add(1)

    def _set(self) -> None:
        """A character class: one atom, read to its closing ``]``."""
        text = self.text
        pos = self.pos + 1
        if text[pos : pos + 1] == "^":
            pos += 1
        if text[pos : pos + 1] == "]":
            pos += 1
        while pos < len(text) and text[pos] != "]":
            pos += 2 if text[pos] == "\\" else 1
        self.pos = pos + 1
        self.stack[-1].add(1)

    def _open(self) -> None:
        text = self.text
        if _CALL.match(text, self.pos):
            raise self.fail("recursion and subroutine calls are not supported")
        if text.startswith("(?#", self.pos):  # a comment
            end = text.find(")", self.pos)
            self.pos = len(text) if end < 0 else end + 1
            return
        if text.startswith("(*", self.pos):  # a backtracking verb such as (*SKIP)
            end = text.find(")", self.pos)
            self.pos = len(text) if end < 0 else end + 1
            return
        flags = regex.match(r"\(\?([a-zA-Z0-9-]*)([:)])", text, pos=self.pos)
        if flags and flags.group(1):
            unsafe = "".join(c for c in flags.group(1) if c not in _SAFE_FLAGS)
            if unsafe:
                raise self.fail(f"the inline flag {unsafe!r} is not supported")
            if flags.group(2) == ")":  # flags for the rest of the pattern, not a group
                self.pos = flags.end()
                return
        if len(self.stack) > MAX_DEPTH:
            raise self.fail(f"groups are nested more than {MAX_DEPTH} deep")
        self.stack.append(_Group())
        self.pos += 1
        if text.startswith("?(", self.pos):  # a conditional: skip its condition
            end = text.find(")", self.pos)
            self.pos = len(text) if end < 0 else end + 1
        elif text.startswith("?", self.pos):
            self.pos += 1

    def _close(self) -> None:
        if len(self.stack) > 1:  # else a stray ')': the compiler says so
            size = self.stack.pop().size()
            self.stack[-1].add(max(size, 1))
        self.pos += 1

    def _counted(self) -> None:
        found = _COUNTED.match(self.text, self.pos)
        if found is None:
            raise self.fail(
                "a '{' must start a counted repetition such as {2,5}; write \\{ for the character"
            )
        low, comma, high = found.groups()
        counts = [int(n) for n in (low, high) if n]
        count = max(counts, default=0)
        if count > MAX_REPEAT:
            raise self.fail(f"the counted repetition {found.group()} is above {MAX_REPEAT}")
        if not comma and not low:
            raise self.fail("an empty counted repetition '{}'")
        self.stack[-1].repeat(max(count, 1))
        self.pos = found.end()


def check_pattern(pattern: str) -> None:
    """Raise ``ValueError`` naming the limit when ``pattern`` is too long or too large
    to compile safely (see the module documentation); return when it is within them."""
    if not pattern:
        raise ValueError("the pattern is empty")
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise ValueError(
            f"the pattern is {len(pattern)} characters long; at most {MAX_PATTERN_LENGTH}"
        )
    _Reader(pattern).read()


def compile_pattern(pattern: str, *, ignore_case: bool) -> regex.Pattern[str]:
    """The compiled regex, once :func:`check_pattern` accepted it; a ``ValueError``
    saying why it is refused otherwise."""
    check_pattern(pattern)
    flags = regex.V0 | (regex.IGNORECASE if ignore_case else 0)
    try:
        return regex.compile(pattern, flags)
    except (regex.error, OverflowError, RecursionError) as exc:
        raise ValueError(f"invalid regular expression: {exc}") from None

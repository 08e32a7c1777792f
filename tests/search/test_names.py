"""Regexes over joined file names give exactly what searching each name gives."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curata.models.search import compile_pattern
from curata.search.names import JoinedNames, linewise
from curata.search.query import Pattern
from curata.search.regexes import RegexBudget

PATTERNS = [
    "^a",
    "b$",
    "a.b",
    "[^x]*b",
    "\\s",
    "(?s)a.*b",
    "^$",
    "\\d{2}\\.png$",
    "(?i)CAT",
    "\\bdog\\b",
    "a|^b",
    "\\Aa",
    "a\\Z",
    "(?<=a)b",
    "a(?!b)",
    "[ab]*+b",
    "(?>a+)b",
    "(?-i:a)",
    "x*",
    "\\W",
]
NAME = st.text(alphabet="ab x.\n\t_CATdog0123", max_size=8)


@settings(max_examples=300, deadline=None)
@given(names=st.lists(NAME, max_size=12), pattern=st.sampled_from(PATTERNS))
def test_joined_search_equals_searching_each_name(names: list[str], pattern: str) -> None:
    compiled = compile_pattern(pattern, ignore_case=False)
    expected = [i for i, n in enumerate(names) if compiled.search(n)]
    found = JoinedNames.of(names).matching(
        Pattern("filters.filename_pattern", compiled), RegexBudget()
    )
    assert found.tolist() == expected


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [("^img_\\d+\\.png$", True), ("a\\Z", False), ("(?<=x)y", False), ("a++", False)],
)
def test_linewise_patterns(pattern: str, expected: bool) -> None:
    assert linewise(pattern) is expected


def test_a_match_running_across_names_does_not_hide_the_next_name() -> None:
    compiled = compile_pattern("a[^z]*b", ignore_case=False)
    pattern = Pattern("filters.filename_pattern", compiled)
    assert JoinedNames.of(["a", "xab", "b"]).matching(pattern, RegexBudget()).tolist() == [1]

"""The folder rules, as properties: ``under`` respects folder boundaries, and
``child_folders`` splits the terms below a folder into its subfolders exactly."""

from __future__ import annotations

from pathlib import PurePosixPath

from hypothesis import given
from hypothesis import strategies as st

from curata.models.fields import folder_path, under
from curata.search.folders import child_folders

PARTS = st.sampled_from(["a", "b", "ab", "a b", "é"])
FOLDERS = st.lists(PARTS, max_size=4).map(lambda parts: "/" + "/".join(parts))


@given(FOLDERS, FOLDERS)
def test_under_is_containment_by_parts(path: str, folder: str) -> None:
    assert under(path, folder) == PurePosixPath(path).is_relative_to(folder)


@given(st.lists(FOLDERS, max_size=12), FOLDERS)
def test_children_split_the_terms_below_a_folder(terms: list[str], folder: str) -> None:
    children = child_folders(folder, terms)
    placed = sorted(p for positions in children.values() for p in positions)
    below = [i for i, t in enumerate(terms) if t != folder and under(t, folder)]
    assert placed == below  # each term below the folder is in exactly one child
    for child, positions in children.items():
        assert PurePosixPath(child).parent == PurePosixPath(folder)
        assert all(under(terms[p], child) for p in positions)


@given(st.lists(st.sampled_from(["a", "b", ".", "..", ""]), max_size=6))
def test_a_folder_path_is_normalized_and_stays_absolute(parts: list[str]) -> None:
    text = folder_path("/" + "/".join(parts))
    assert text.startswith("/") and "//" not in text
    assert all(p not in (".", "..") for p in text.split("/"))
    assert text == "/" or not text.endswith("/")

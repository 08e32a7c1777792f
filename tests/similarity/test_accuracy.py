"""The issue's accuracy cases on the shared near-duplicate photos, through a real scan."""

from __future__ import annotations

from pathlib import Path

from curata import Curata
from tests.similarity.conftest import COPIES, MIRRORED, ORIGINAL, ROTATED, UNRELATED


def names(result: object) -> dict[str, tuple[int, str]]:
    return {
        Path(m.asset.file_path).name: (m.distance, m.orientation.value)
        for m in result.results  # type: ignore[attr-defined]
    }


def test_grayscale_and_resized_copies_are_found_at_the_default_threshold(
    scanned: Curata, photos: Path
) -> None:
    found = names(scanned.find_similar({"target": str(photos / ORIGINAL)}).data)
    assert set(found) == set(COPIES.values())
    assert all(orientation == "original" for _d, orientation in found.values())


def test_mirrored_copy_only_with_invariant(scanned: Curata, photos: Path) -> None:
    plain = names(scanned.find_similar({"target": str(photos / ORIGINAL)}).data)
    assert MIRRORED not in plain
    turned = names(scanned.find_similar({"target": str(photos / ORIGINAL), "invariant": True}).data)
    assert set(turned) == {*COPIES.values(), MIRRORED}
    assert turned[MIRRORED][1] == "mirror"
    assert ROTATED not in turned  # turned by an arbitrary angle, not a multiple of 90


def test_unrelated_photos_are_never_grouped(scanned: Curata, photos: Path) -> None:
    result = scanned.find_duplicates().data
    assert result is not None
    grouped = [Path(m.path).name for g in result.groups for m in g.members]
    assert not set(grouped) & set(UNRELATED)
    assert [sorted(Path(m.path).name for m in g.members) for g in result.groups] == [
        sorted([ORIGINAL, *COPIES.values()])
    ]
    for name in UNRELATED:
        assert names(scanned.find_similar({"target": str(photos / name)}).data) == {}
        mirrored = names(
            scanned.find_similar({"target": str(photos / name), "invariant": True}).data
        )
        assert not set(mirrored) & set(UNRELATED)

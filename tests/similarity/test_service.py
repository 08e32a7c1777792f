"""find_similar and find_duplicates over a real SQLite catalog filled by the real scanner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image

from curata import Curata
from curata.errors import InvalidRequest, NotFound
from tests.similarity.conftest import COPIES, MIRRORED, ORIGINAL


def paths(result: object) -> list[str]:
    return [Path(m.asset.file_path).name for m in result.results]  # type: ignore[attr-defined]


def test_target_by_hash_prefix_and_raw_hash_agree(scanned: Curata, photos: Path) -> None:
    by_path = scanned.find_similar({"target": str(photos / ORIGINAL)}).data
    assert by_path is not None and by_path.target.kind == "asset"
    by_prefix = scanned.find_similar({"target": by_path.target.content_hash[:10]}).data  # type: ignore[index]
    assert by_prefix is not None and paths(by_prefix) == paths(by_path)
    raw = scanned.find_similar({"target": f"phash:{by_path.target.phash}"}).data
    assert raw is not None and raw.target.kind == "hash"
    # a raw hash is no asset: the original itself is among the results
    assert sorted(paths(raw)) == sorted([ORIGINAL, *COPIES.values()])
    assert (
        scanned.find_similar({"target": by_path.target.content_hash, "threshold": 10}).data.total
        == 2
    )  # type: ignore[union-attr, arg-type]


def test_results_carry_distance_similarity_and_asset(scanned: Curata, photos: Path) -> None:
    result = scanned.find_similar(
        {"target": str(photos / ORIGINAL), "threshold": 64, "limit": 3}
    ).data
    assert result is not None
    assert result.total == 8 and len(result.results) == 3
    distances = [m.distance for m in result.results]
    assert distances == sorted(distances)
    for m in result.results:
        assert m.similarity == pytest.approx(1 - m.distance / 64)
        assert m.asset.media_type.value == "image"


def test_include_target_lists_the_asset_itself(scanned: Curata, photos: Path) -> None:
    result = scanned.find_similar({"target": str(photos / ORIGINAL), "include_target": True}).data
    assert result is not None and ORIGINAL in paths(result)


def test_external_image_file_and_copy_of_a_cataloged_file(
    scanned: Curata, photos: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    smaller = outside / "small.png"
    with Image.open(photos / ORIGINAL) as im:
        im.resize((200, 150)).save(smaller)
    result = scanned.find_similar({"target": str(smaller)}).data
    assert result is not None and result.target.kind == "file"
    assert sorted(paths(result)) == sorted([ORIGINAL, *COPIES.values()])
    same_bytes = outside / "same.jpg"
    shutil.copyfile(photos / MIRRORED, same_bytes)
    again = scanned.find_similar({"target": str(same_bytes), "invariant": True}).data
    assert again is not None and again.target.kind == "asset"
    assert MIRRORED not in paths(again) and ORIGINAL in paths(again)


def test_rotated_by_90_degrees_found_only_with_invariant(
    scanned: Curata, photos: Path, tmp_path: Path
) -> None:
    extra = tmp_path / "extra"
    extra.mkdir()
    with Image.open(photos / ORIGINAL) as im:
        im.transpose(Image.Transpose.ROTATE_90).save(extra / "turned.jpg", quality=90)
    scanned.scan(extra)
    assert "turned.jpg" not in paths(scanned.find_similar({"target": str(photos / ORIGINAL)}).data)
    turned = scanned.find_similar({"target": str(photos / ORIGINAL), "invariant": True}).data
    assert turned is not None
    match = next(m for m in turned.results if m.asset.file_path.endswith("turned.jpg"))
    assert match.orientation.value == "rotate_90"


def test_index_follows_new_scans_without_reopening(
    scanned: Curata, photos: Path, tmp_path: Path
) -> None:
    assert len(paths(scanned.find_similar({"target": str(photos / ORIGINAL)}).data)) == 2
    later = tmp_path / "later"
    later.mkdir()
    with Image.open(photos / ORIGINAL) as im:
        im.convert("L").resize((320, 240)).save(later / "later.png")
    scanned.scan(later)
    assert "later.png" in paths(scanned.find_similar({"target": str(photos / ORIGINAL)}).data)


@pytest.mark.parametrize(
    ("request_value", "field"),
    [
        ({"target": "phash:xyz"}, "target"),
        ({"target": "phash:0123456789abcdef0"}, "target"),
        ({"target": "phash:ff", "invariant": True}, "invariant"),
        ({"target": "phash:ff", "threshold": 65}, "threshold"),
        ({"target": "phash:ff", "threshold": -1}, "threshold"),
        ({"target": "phash:ff", "limit": 1001}, "limit"),
        ({"target": "phash:ff", "limit": 0}, "limit"),
        ({"target": "phash:ff", "bogus": 1}, "bogus"),
    ],
)
def test_bad_requests_name_the_field(scanned: Curata, request_value: dict, field: str) -> None:
    with pytest.raises(InvalidRequest) as err:
        scanned.find_similar({**request_value})
    assert err.value.field == field


def test_unknown_target_and_non_image_file(scanned: Curata, tmp_path: Path) -> None:
    with pytest.raises(NotFound) as err:
        scanned.find_similar({"target": str(tmp_path / "nothing.jpg")})
    assert err.value.field == "target"
    text = tmp_path / "notes.txt"
    text.write_text("not a picture")
    with pytest.raises(InvalidRequest, match="not an image"):
        scanned.find_similar({"target": str(text)})
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 truncated")
    with pytest.raises(InvalidRequest) as err:
        scanned.find_similar({"target": str(broken)})
    assert err.value.field == "target"


def test_asset_without_a_perceptual_hash_is_refused(cur: Curata, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "readme.txt").write_text("plain text, cataloged without a pHash\n" * 20)
    cur.scan(folder)
    with pytest.raises(InvalidRequest, match="no perceptual hash"):
        cur.find_similar({"target": str(folder / "readme.txt")})


def test_exact_copies_are_grouped_and_missing_copies_are_not(
    scanned: Curata, photos: Path, tmp_path: Path
) -> None:
    copies = tmp_path / "copies"
    copies.mkdir()
    shutil.copyfile(photos / "ukbench09060.jpg", copies / "a.jpg")
    shutil.copyfile(photos / "ukbench09060.jpg", copies / "b.jpg")
    scanned.scan(copies)
    result = scanned.find_duplicates({"exact": True}).data
    assert result is not None and result.tiers == ["exact"]
    assert [g.kind for g in result.groups] == ["exact"]
    group = result.groups[0]
    assert group.size == 3 and group.keeper.keeper and group.members[0] == group.keeper
    assert {Path(m.path).name for m in group.members} == {"ukbench09060.jpg", "a.jpg", "b.jpg"}
    everything = scanned.find_duplicates().data
    assert everything is not None
    assert [(g.kind, g.size) for g in everything.groups] == [("exact", 3), ("near", 3)]
    (copies / "a.jpg").unlink()
    (copies / "b.jpg").unlink()
    scanned.scan(copies)
    assert scanned.find_duplicates({"exact": True}).data.groups == []  # type: ignore[union-attr]


def test_near_group_keeper_follows_the_documented_rule(scanned: Curata, photos: Path) -> None:
    groups = scanned.find_duplicates().data.groups  # type: ignore[union-attr]
    near = groups[0]
    # no ratings, no metadata: the gray and resized copies were made later from the
    # original (fixture files keep their times, the original is the earliest)
    assert Path(near.keeper.path).name == ORIGINAL and near.reason == "original"
    assert "the original" in near.explanation
    scanned.rate_assets({"assets": [str(photos / COPIES["gray"])], "rating": 5})
    near = scanned.find_duplicates().data.groups[0]  # type: ignore[union-attr]
    assert Path(near.keeper.path).name == COPIES["gray"] and near.reason == "rating"


def test_threshold_zero_groups_identical_hashes_only(scanned: Curata) -> None:
    result = scanned.find_duplicates({"threshold": 0}).data
    assert result is not None and result.threshold == 0
    assert [g.size for g in result.groups] == [3]
    assert all(m.distance == 0 for m in result.groups[0].members)

"""The defects of issue 19, each on real files scanned into a real SQLite catalog."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from typer.testing import CliRunner

from curata import Curata
from curata.cli.main import app

A, B = "ukbench09040.jpg", "ukbench09348.jpg"


def pixels(fixtures: Path, name: str) -> np.ndarray:
    im = Image.open(fixtures / "near-duplicates" / name).convert("RGB").resize((320, 240))
    return np.asarray(im).astype(float)


def a1111(prompt: str, seed: int, model: str = "realisticVision_v20") -> PngInfo:
    info = PngInfo()
    info.add_text(
        "parameters",
        f"{prompt}\nNegative prompt: blurry\nSteps: 20, Sampler: Euler a, CFG scale: 7, "
        f"Seed: {seed}, Size: 320x240, Model: {model}",
    )
    return info


def dated(path: Path, when: float) -> None:
    os.utime(path, (when, when))


def test_groups_do_not_chain(cur: Curata, tmp_path: Path, fixtures: Path) -> None:
    """A blend from one photo to another: each step within 10 bits of the next, the ends
    28 apart. Union-find made one group of all 11 with members 28 bits from the keeper."""
    a, b = pixels(fixtures, A), pixels(fixtures, B)
    folder = tmp_path / "blend"
    folder.mkdir()
    for k in range(11):
        w = k / 10
        Image.fromarray(((1 - w) * a + w * b).astype(np.uint8)).save(folder / f"step{k:02}.png")
    cur.scan(folder)
    result = cur.find_duplicates({"threshold": 10}).data
    assert result is not None and result.groups
    members = [m for g in result.groups for m in g.members]
    assert len({m.content_hash for m in members}) == len(members)  # each in one group
    for group in result.groups:
        assert group.kind == "near"
        assert all(m.distance is not None and m.distance <= 10 for m in group.members)
        assert group.members[0].keeper and group.members[0].distance == 0
        assert all(m.nearest is not None and m.nearest <= m.distance for m in group.members[1:])
    assert max(g.size for g in result.groups) < 11


def test_the_original_with_its_prompt_is_kept_over_its_upscale(
    cur: Curata, tmp_path: Path, fixtures: Path
) -> None:
    """The upscaled copy without metadata was suggested over the original."""
    folder = tmp_path / "renders"
    folder.mkdir()
    original = Image.fromarray(pixels(fixtures, A).astype(np.uint8))
    original.save(folder / "render.png", pnginfo=a1111("a lighthouse at dusk", 42))
    original.resize((1280, 960), Image.Resampling.LANCZOS).save(folder / "render_4x.png")
    original.save(folder / "render.jpg", quality=80)
    dated(folder / "render.png", 1_700_000_000)
    dated(folder / "render_4x.png", 1_700_000_100)
    dated(folder / "render.jpg", 1_700_000_200)
    cur.scan(folder)
    (group,) = cur.find_duplicates().data.groups  # type: ignore[union-attr]
    assert Path(group.keeper.path).name == "render.png"
    assert group.reason == "generation" and "generation metadata" in group.explanation
    assert group.keeper.details is not None and group.keeper.details.generation
    by_rule = cur.find_duplicates({"keeper_order": ["resolution"]}).data.groups[0]  # type: ignore[union-attr]
    assert Path(by_rule.keeper.path).name == "render_4x.png" and by_rule.reason == "resolution"


def test_flat_and_tiny_images_are_never_near_duplicates(
    cur: Curata, tmp_path: Path, fixtures: Path
) -> None:
    """1x1 crops and solid colours all hash to 8000000000000000 and made one group."""
    folder = tmp_path / "flat"
    folder.mkdir()
    colours = [(0, 0, 0), (255, 255, 255), (200, 30, 40), (20, 200, 40), (9, 9, 200), (90, 0, 90)]
    for n, colour in enumerate(colours):
        Image.new("RGB", (1, 1), colour).save(folder / f"dot{n}.png")
        Image.new("RGB", (256, 256), colour).save(folder / f"solid{n}.png")
    Image.new("RGB", (256, 256), (3, 3, 3)).save(folder / "black.png", compress_level=1)
    Image.new("RGB", (256, 256), (3, 3, 3)).save(folder / "black_again.png", compress_level=9)
    cur.scan(folder)
    result = cur.find_duplicates().data
    assert result is not None
    assert result.low_detail_count == 14
    assert {Path(a.path).name for a in result.low_detail} >= {"dot0.png", "solid5.png"}
    # only the two black files with the very same pixels are grouped, as same-pixels
    (group,) = result.groups
    assert group.kind == "same-pixels"
    assert {Path(m.path).name for m in group.members} == {"black.png", "black_again.png"}


def test_the_generator_crops_are_same_pixels_not_near(cur: Curata, fixtures: Path) -> None:
    """The six generator samples are 1x1 crops of one pixel: decoded, they are equal."""
    cur.scan(fixtures / "generators")
    (group,) = cur.find_duplicates().data.groups  # type: ignore[union-attr]
    assert group.kind == "same-pixels" and group.size == 6
    assert all(m.match == "same-pixels" for m in group.members[1:])


def test_tiers_each_say_what_they_are(cur: Curata, tmp_path: Path, fixtures: Path) -> None:
    folder = tmp_path / "tiers"
    folder.mkdir()
    a, b = pixels(fixtures, A), pixels(fixtures, B)
    shot = Image.fromarray(a.astype(np.uint8))
    shot.save(folder / "shot.png", compress_level=1)
    shot.save(folder / "shot_resaved.png", compress_level=9)  # other bytes, same pixels
    shutil.copyfile(folder / "shot.png", folder / "shot_copy.png")  # the same bytes
    shot.resize((300, 225)).save(folder / "shot_small.png")  # near
    for seed, picture in ((1, a), (2, b)):  # one prompt and model, two seeds
        Image.fromarray(picture[::-1].astype(np.uint8)).save(
            folder / f"fox_{seed}.png", pnginfo=a1111("a red fox in snow", seed)
        )
    cur.scan(folder)
    result = cur.find_duplicates({"tiers": ["exact", "same-pixels", "near", "variant"]}).data
    assert result is not None
    kinds = {g.kind.value: g for g in result.groups}
    assert set(kinds) == {"exact", "near", "variant"}
    exact = kinds["exact"]
    assert {Path(m.path).name for m in exact.members} == {"shot.png", "shot_copy.png"}
    near = kinds["near"]
    match = {Path(m.path).name: m.match.value for m in near.members if not m.keeper}
    assert match == {"shot_resaved.png": "same-pixels", "shot_small.png": "near"} or match == {
        "shot.png": "same-pixels",
        "shot_small.png": "near",
    }
    assert "exact pixels" in near.explanation
    assert {Path(m.path).name for m in kinds["variant"].members} == {"fox_1.png", "fox_2.png"}
    only_near = cur.find_duplicates({"tiers": ["near"]}).data
    assert only_near is not None and {g.kind for g in only_near.groups} == {"near"}
    (shot_small,) = [m for m in near.members if Path(m.path).name == "shot_small.png"]
    shot_small.model_dump()  # a member carries its distances
    assert shot_small.distance is not None and shot_small.nearest is not None


def test_paging_and_compact_answers(cur: Curata, tmp_path: Path, fixtures: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for name in (A, B, "ukbench09060.jpg"):
        for n in range(3):
            shutil.copyfile(fixtures / "near-duplicates" / name, folder / f"{n}_{name}")
    cur.scan(folder)
    full = cur.find_duplicates().data
    assert full is not None and full.group_count == 3
    page = cur.find_duplicates({"limit": 1, "offset": 1}).data
    assert page is not None and page.group_count == 3 and len(page.groups) == 1
    assert page.groups[0] == full.groups[1]
    compact = cur.find_duplicates({"compact": True}).data
    assert compact is not None
    assert all(m.details is None for g in compact.groups for m in g.members)
    assert len(compact.model_dump_json()) < len(full.model_dump_json())
    with pytest.raises(Exception, match="limit"):
        cur.find_duplicates({"limit": 5000})


def test_dupes_script_is_reviewable_and_deletes_nothing(
    db_path: Path, tmp_path: Path, fixtures: Path
) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    for name in ("a.jpg", "it's b.jpg", "c\nd.jpg"):
        shutil.copyfile(fixtures / "near-duplicates" / A, folder / name)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    cli = [sys.executable, "-m", "curata", "--database", str(db_path)]
    subprocess.run([*cli, "scan", str(folder), "--json"], check=True, env=env, capture_output=True)
    script = tmp_path / "dupes.sh"
    out = subprocess.run(
        [*cli, "dupes", "--json", "--report", str(script)], check=True, env=env,
        capture_output=True, text=True,
    )  # fmt: skip
    assert json.loads(out.stdout)["groups"][0]["kind"] == "exact"
    assert sorted(p.name for p in folder.iterdir()) == sorted(["a.jpg", "it's b.jpg", "c\nd.jpg"])
    text = script.read_text()
    assert text.count("\nrm -- ") == 2 and "set -eu" in text
    subprocess.run(["sh", str(script)], check=True)  # the user runs it
    (left,) = list(folder.iterdir())  # the keeper, and only it
    assert left.name in text


def test_resolve_merges_into_the_keeper_tags_others_and_undoes(
    cur: Curata, tmp_path: Path, fixtures: Path
) -> None:
    folder = tmp_path / "resolve"
    folder.mkdir()
    shot = Image.fromarray(pixels(fixtures, A).astype(np.uint8))
    shot.save(folder / "keep.png")
    shot.resize((300, 225)).save(folder / "small.png")
    shot.save(folder / "again.jpg", quality=70)
    cur.scan(folder)
    files = sorted(folder.iterdir())
    before = {p.name: p.read_bytes() for p in files}
    keep, small, again = (str(folder / n) for n in ("keep.png", "small.png", "again.jpg"))
    cur.tag_assets({"assets": [small], "tags": ["hero", "style:noir"]})
    cur.rate_assets({"assets": [again], "rating": 4})
    cur.rate_assets({"assets": [keep], "rating": 2})
    cur.create_project({"name": "q4"})
    sid = cur.create_selection({"project_id": "q4", "name": "Hero"}).data.id  # type: ignore[union-attr]
    cur.update_selection(
        {"project_id": "q4", "selection_id": sid, "action": "add_items",
         "items": [{"asset_hash": small}]}
    )  # fmt: skip
    done = cur.resolve_duplicates({"keeper": keep, "others": [small, again]}).data
    assert done is not None and done.rating == 4 and done.selections_joined == [f"q4/{sid}"]
    keeper = cur.get_asset(keep).data
    assert keeper is not None and keeper.quality_rating == 4
    assert {"hero", "style:noir"} <= set(keeper.tags)
    mark = f"duplicate-of:{keeper.content_hash[:12]}"
    for other in (small, again):
        assert mark in cur.get_asset(other).data.tags  # type: ignore[union-attr]
    holders = {m.selection_id for m in cur.selections_containing(keep).data or []}
    assert holders == {sid}
    # nothing deleted, moved or rewritten
    assert {p.name: p.read_bytes() for p in sorted(folder.iterdir())} == before
    undone = cur.undo_duplicate_resolution({"resolution_id": done.resolution_id}).data
    assert undone is not None and undone.undone
    keeper = cur.get_asset(keep).data
    assert keeper is not None and keeper.quality_rating == 2 and "hero" not in keeper.tags
    assert mark not in cur.get_asset(small).data.tags  # type: ignore[union-attr]
    assert "hero" in cur.get_asset(small).data.tags  # type: ignore[union-attr]
    assert cur.selections_containing(keep).data == []
    with pytest.raises(Exception, match="already undone"):
        cur.undo_duplicate_resolution({"resolution_id": done.resolution_id})
    with pytest.raises(Exception, match="also listed"):
        cur.resolve_duplicates({"keeper": keep, "others": [keep]})


def test_the_worked_example_of_the_docs_is_what_curata_dupes_prints(
    tmp_path: Path, fixtures: Path
) -> None:
    """docs/similarity.md's worked example, built as it says and run through the CLI: its
    summary line, group titles and rows are the ones printed (paths shortened as there)."""
    root = tmp_path / "lib"
    (root / "renders").mkdir(parents=True)
    (root / "backup").mkdir()
    original = Image.fromarray(pixels(fixtures, A).astype(np.uint8))
    original.save(root / "renders" / "render.png", pnginfo=a1111("a lighthouse at dusk", 42))
    shutil.copy(root / "renders" / "render.png", root / "backup" / "render.png")
    original.resize((1280, 960), Image.Resampling.LANCZOS).save(root / "renders" / "render_4x.png")
    original.save(root / "renders" / "render.jpg", quality=80)
    dated(root / "renders" / "render.png", 1_700_000_000)
    dated(root / "backup" / "render.png", 1_700_000_050)
    dated(root / "renders" / "render_4x.png", 1_700_000_100)
    dated(root / "renders" / "render.jpg", 1_700_000_200)
    db = tmp_path / "catalog.db"
    runner = CliRunner()
    assert runner.invoke(app, ["--database", str(db), "scan", str(root)]).exit_code == 0
    printed = runner.invoke(app, ["--database", str(db), "dupes"], env={"COLUMNS": "300"})
    assert printed.exit_code == 0, printed.output
    # Compared without the table's rules and padding (titles wrap at the table's width).
    out = " ".join(printed.stdout.replace(f"{root}/", "").replace("│", " ").split())
    doc = (Path(__file__).parents[2] / "docs" / "similarity.md").read_text()
    example = doc.split("### Worked example", 1)[1].split("```", 2)[1].strip().splitlines()
    assert len(example) == 8
    for line in example:  # the summary, both group titles and every member row
        assert " ".join(line.split()) in out, (line, out)

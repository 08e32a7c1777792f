"""Exports of real files: layout, documents, verification, atomic publication, failures."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import subprocess
import threading
import zipfile
from pathlib import Path

import pytest

from curata import Curata
from curata.errors import Conflict, Forbidden, Interrupted, InvalidRequest, NotFound
from tests.selections.conftest import PROJECT, Library, add, new_selection


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def export(cur: Curata, sid: str, target: Path, **options: object):  # type: ignore[no-untyped-def]
    return cur.export_selection(
        {"project_id": PROJECT, "selection_id": sid, "export_path": str(target), **options}
    ).data


def leftovers(target: Path) -> list[str]:
    return sorted(p.name for p in target.parent.iterdir() if p.name.startswith("."))


@pytest.fixture
def curated(cur: Curata, lib: Library) -> str:
    sid = new_selection(cur, description="For the launch", criteria={"mood": "bold"})
    add(
        cur,
        sid,
        lib.costly[0],
        role="hero",
        group="Heroes",
        selection_reason="best | light",
        create_groups=True,
    )
    add(cur, sid, lib.images[0], lib.images[1], role="supporting", quality_notes="sharp")
    add(cur, sid, lib.near[0], usage_notes="banner", tags=["photo"])
    cur.rate_assets({"assets": [str(lib.costly[0])], "rating": 5})
    cur.tag_assets({"assets": [str(lib.costly[0])], "tags": ["style:neon"]})
    return sid


def test_copy_by_group_writes_verified_files_and_documents(
    cur: Curata, lib: Library, curated: str, tmp_path: Path
) -> None:
    sources = [lib.costly[0], lib.images[0], lib.images[1], lib.near[0]]
    before = [(p.stat().st_mtime_ns, sha(p)) for p in sources]
    target = tmp_path / "out" / "delivery"
    result = export(cur, curated, target)
    assert result.exported_count == 4 and result.missing == []
    assert [i.exported_path for i in result.items] == [
        "Heroes/001_paid_0.png",
        "ungrouped/002_img_00000.png",
        "ungrouped/003_img_00001.png",
        f"ungrouped/004_{lib.near[0].stem}.jpg",
    ]
    for item, source in zip(result.items, sources, strict=True):
        copied = target / item.exported_path
        assert copied.read_bytes() == source.read_bytes() and not copied.is_symlink()
        assert item.sha256 == sha(source) == item.asset_hash
        assert item.bytes == source.stat().st_size and item.source_path == str(source)
    assert [(p.stat().st_mtime_ns, sha(p)) for p in sources] == before
    assert leftovers(target) == []

    manifest = json.loads((target / "manifest.json").read_text())
    first = manifest["items"][0]
    assert (first["role"], first["group"], first["selection_reason"]) == (
        "hero",
        "Heroes",
        "best | light",
    )
    assert manifest["counts"] == {"items": 4, "exported": 4, "missing": 0}
    assert manifest["selection"]["criteria"] == {"mood": "bold"}
    rows = list(csv.DictReader((target / "manifest.csv").open()))
    assert [r["sha256"] for r in rows] == [i.sha256 for i in result.items]
    assert rows[1]["quality_notes"] == "sharp" and rows[3]["usage_notes"] == "banner"
    assert rows[3]["tags"] == "photo" and rows[0]["exported_path"] == "Heroes/001_paid_0.png"

    sidecar = json.loads((target / "Heroes" / "001_paid_0.png.json").read_text())
    assert sidecar["prompt"] == "a paid render 0" and sidecar["rating"] == 5
    assert sidecar["generation_params"]["cost"] == 0.04 and "style:neon" in sidecar["tags"]
    assert sidecar["selection"]["role"] == "hero"

    readme = (target / "README.md").read_text()
    assert "# Hero Images Q4 2024" in readme and "For the launch" in readme
    assert "**mood:** bold" in readme and "Items: 4 (4 exported, 0 missing)" in readme
    assert "| 1 | `Heroes/001_paid_0.png` | hero | Heroes | best \\| light |  |" in readme

    sheet = (target / "contact_sheet.html").read_text()
    thumbs = re.findall(r'<img src="([^"]+)"', sheet)
    assert len(thumbs) == 4 and all((target / t).is_file() for t in thumbs)
    check = subprocess.run(
        ["sha256sum", "--strict", "-c", "checksums.sha256"],
        cwd=target,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    listed = len((target / "checksums.sha256").read_text().splitlines())
    on_disk = sum(1 for p in target.rglob("*") if p.is_file())
    assert listed == result.files_written - 2 == on_disk - 2  # not itself nor the marker
    stamp = json.loads((target / ".curata-export.json").read_text())
    assert stamp["format"] == "curata-export-marker/1" and stamp["selection_id"] == curated
    assert stamp["manifest_sha256"] == sha(target / "manifest.json")
    assert stamp["checksums_sha256"] == sha(target / "checksums.sha256")

    sel = cur.get_selection(PROJECT, curated).data
    assert sel.status.value == "exported"
    (record,) = sel.exports
    assert record.path == str(target) and record.item_count == 4
    assert record.settings["mode"] == "copy" and record.settings["layout"] == "by_group"
    (entry,) = cur.selection_history(PROJECT, curated, action="export").data
    assert entry.before == {"status": "draft"} and len(entry.asset_hashes) == 4
    assert cur.selection_stats(PROJECT, curated).data.export_count == 1


def test_flat_hardlink_symlink_and_zip(
    cur: Curata, lib: Library, curated: str, tmp_path: Path
) -> None:
    flat = export(cur, curated, tmp_path / "links", layout="flat", mode="hardlink", zip=True)
    for item in flat.items:
        path = tmp_path / "links" / item.exported_path
        assert "/" not in item.exported_path
        assert path.stat().st_ino == Path(item.source_path).stat().st_ino
    with zipfile.ZipFile(tmp_path / "links.zip") as zf:
        assert zf.testzip() is None
        names = set(zf.namelist())
    assert "links/manifest.json" in names and f"links/{flat.items[0].exported_path}" in names
    roles = export(cur, curated, tmp_path / "sym", layout="by_role", mode="symlink")
    for item in roles.items:
        path = tmp_path / "sym" / item.exported_path
        assert path.is_symlink() and os.readlink(path) == item.source_path
    assert [i.exported_path.split("/")[0] for i in roles.items] == [
        "hero",
        "supporting",
        "supporting",
        "unassigned",
    ]


def test_non_empty_target_needs_overwrite_and_an_earlier_export(
    cur: Curata, curated: str, tmp_path: Path, lib: Library
) -> None:
    target = tmp_path / "out"
    target.mkdir()
    (target / "old.txt").write_text("old")
    with pytest.raises(Conflict) as exc:
        export(cur, curated, target)
    assert exc.value.field == "export_path"
    with pytest.raises(Conflict) as exc:
        export(cur, curated, target, overwrite=True)
    assert "was not written by curata" in exc.value.message
    assert (target / "old.txt").read_text() == "old"
    assert cur.get_selection(PROJECT, curated).data.status.value == "draft"
    (target / "old.txt").unlink()
    first = export(cur, curated, target)
    second = export(cur, curated, target, overwrite=True, layout="flat")
    assert second.exported_at > first.exported_at and (target / "manifest.json").is_file()
    assert not (target / "Heroes").exists() and leftovers(target) == []
    assert len(cur.get_selection(PROJECT, curated).data.exports) == 2
    with pytest.raises(Forbidden) as exc:
        export(cur, curated, lib.root, overwrite=True)
    assert "never writes" in exc.value.message and exc.value.field == "export_path"
    (tmp_path / "file").write_text("x")
    with pytest.raises(InvalidRequest):
        export(cur, curated, tmp_path / "file")


def test_empty_target_folder_is_used(cur: Curata, curated: str, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert export(cur, curated, tmp_path / "empty").exported_count == 4


def test_archived_selection_cannot_be_exported(cur: Curata, curated: str, tmp_path: Path) -> None:
    cur.update_selection(
        {
            "project_id": PROJECT,
            "selection_id": curated,
            "action": "set_status",
            "status": "archived",
        }
    )
    with pytest.raises(Conflict):
        export(cur, curated, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_missing_sources_fail_unless_allowed(
    own_cur: Curata, own_lib: Library, tmp_path: Path
) -> None:
    sid = new_selection(own_cur)
    add(own_cur, sid, *own_lib.images[:3])
    gone = own_lib.hash_of(own_cur, own_lib.images[1])
    own_lib.images[1].unlink()
    target = tmp_path / "out"
    with pytest.raises(NotFound) as exc:
        export(own_cur, sid, target)
    assert exc.value.field == "items" and gone[:12] in exc.value.message
    assert exc.value.details[0]["asset_hash"] == gone
    assert not target.exists()
    assert not any(".curata-export-" in n for n in os.listdir(tmp_path))
    assert own_cur.get_selection(PROJECT, sid).data.status.value == "draft"
    result = export(own_cur, sid, target, allow_missing=True)
    assert result.exported_count == 2 and [m.asset_hash for m in result.missing] == [gone]
    manifest = json.loads((target / "manifest.json").read_text())
    assert [i["missing"] for i in manifest["items"]] == [False, True, False]
    assert [i.exported_path for i in result.items] == [
        "ungrouped/001_img_00000.png",
        None,
        "ungrouped/003_img_00002.png",
    ]
    assert "*missing*" in (target / "README.md").read_text()


def test_a_file_changed_since_the_scan_is_not_exported(
    own_cur: Curata, own_lib: Library, tmp_path: Path
) -> None:
    sid = new_selection(own_cur)
    add(own_cur, sid, *own_lib.images[:2])
    own_lib.images[0].write_bytes(own_lib.images[5].read_bytes())
    with pytest.raises(NotFound) as exc:
        export(own_cur, sid, tmp_path / "out")
    assert "changed on disk" in exc.value.message
    assert not (tmp_path / "out").exists()
    assert not any(".curata-export-" in n for n in os.listdir(tmp_path))


def test_renamed_files_are_found_by_hash_after_a_rescan(
    own_cur: Curata, own_lib: Library, tmp_path: Path
) -> None:
    sid = new_selection(own_cur)
    add(own_cur, sid, *own_lib.images[:3])
    hashes = [own_lib.hash_of(own_cur, p) for p in own_lib.images[:3]]
    moved = own_lib.root / "moved"
    moved.mkdir()
    for path in own_lib.images[:3]:
        path.rename(moved / f"renamed_{path.name}")
    with pytest.raises(NotFound):
        export(own_cur, sid, tmp_path / "out")
    own_cur.scan(own_lib.root, workers=1)
    result = export(own_cur, sid, tmp_path / "out", layout="flat")
    assert [i.asset_hash for i in result.items] == hashes
    assert [Path(i.source_path).parent for i in result.items] == [moved] * 3
    for item in result.items:
        assert sha(tmp_path / "out" / item.exported_path) == item.asset_hash
        assert item.exported_path.startswith(f"{item.position:03d}_renamed_img_")


def test_stop_event_interrupts_without_publishing(
    cur: Curata, curated: str, tmp_path: Path
) -> None:
    stop = threading.Event()
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        stop.set()

    with pytest.raises(Interrupted):
        cur.export_selection(
            {"project_id": PROJECT, "selection_id": curated, "export_path": str(tmp_path / "o")},
            progress=progress,
            stop=stop,
        )
    assert seen == [1] and not (tmp_path / "o").exists()
    assert leftovers(tmp_path / "o") == []
    assert cur.get_selection(PROJECT, curated).data.exports == []


def test_stale_staging_of_a_dead_process_is_removed(
    cur: Curata, curated: str, tmp_path: Path
) -> None:
    probe = subprocess.Popen(["true"])
    probe.wait()
    stale = tmp_path / f".out.curata-export-{probe.pid}-abcd1234"
    stale.mkdir()
    (stale / "partial.png").write_bytes(b"x")
    export(cur, curated, tmp_path / "out")
    assert not stale.exists() and (tmp_path / "out" / "manifest.json").is_file()

"""``curata project ...`` and ``curata selection ...`` over a real catalog."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.selections.conftest import PROJECT, Library, run, run_json


def test_projects(db: Path) -> None:
    made = run_json(
        db, "project", "create", "Client Launch", "--budget", "200", "--currency", "eur"
    )
    assert made["id"] == "client-launch" and made["budget"] == {"amount": 200.0, "currency": "EUR"}
    assert "client-launch" in run(db, "project", "list")
    run(db, "project", "update", "client-launch", "--name", "Launch", "--description", "Q4")
    shown = run_json(db, "project", "show", "client-launch")
    assert (shown["name"], shown["description"]) == ("Launch", "Q4")
    assert "remaining" in run(db, "project", "show", "client-launch")
    run(db, "project", "archive", "client-launch")
    listed = run_json(db, "project", "list", "--status", "archived")
    assert [p["id"] for p in listed] == ["client-launch"]
    run(db, "project", "archive", "client-launch", "--restore")
    run(db, "project", "show", "nope", code=3)


def test_selection_lifecycle(db: Path, lib: Library, tmp_path: Path) -> None:
    p = ["-p", PROJECT]
    made = run_json(
        db, "selection", "create", "Hero Images", *p, "--purpose", "presentation",
        "--criteria", "mood=bold", "--tag", "Q4",
    )  # fmt: skip
    sid = made["id"]
    assert made["criteria"] == {"mood": "bold"} and made["tags"] == ["q4"]
    first, second, third = (str(x) for x in lib.images[:3])
    run(db, "selection", "add", sid, first, second, *p, "--role", "hero", "--reason", "bold",
        "--group", "Leads", "--create-group", "--tag", "night", "--meta", "crop=16:9",
        "--actor", "bob")  # fmt: skip
    run(db, "selection", "add", sid, third, *p, "--notes", "one more")
    run(db, "selection", "add", sid, first, *p, code=4)
    shown = run_json(db, "selection", "show", sid, *p)
    assert [i["role"] for i in shown["items"]] == ["hero", "hero", None]
    assert shown["items"][0]["custom_metadata"] == {"crop": "16:9"}
    assert shown["items"][0]["added_by"] == "bob" and shown["items"][0]["group"] == "Leads"
    hashes = [i["asset_hash"] for i in shown["items"]]

    run(db, "selection", "update", sid, hashes[2], *p, "--role", "alternate")
    run(db, "selection", "update", sid, *p, "--name", "Heroes", "--description", "d")
    run(db, "selection", "group", sid, "rename", "Leads", *p, "--to", "Main")
    run(db, "selection", "group", sid, "move", "Main", *p, "--asset", hashes[2])
    run(db, "selection", "reorder", sid, hashes[2], *p)
    run(db, "selection", "remove", sid, hashes[1], *p, "--notes", "weak")
    run(db, "selection", "status", sid, "active", *p)
    run(db, "selection", "status", sid, "exported", *p, code=2)

    shown = run_json(db, "selection", "show", sid, *p)
    assert shown["name"] == "Heroes" and shown["status"] == "active"
    assert [(i["asset_hash"], i["role"], i["group"]) for i in shown["items"]] == [
        (hashes[2], "alternate", "Main"),
        (hashes[0], "hero", "Main"),
    ]
    history = run_json(db, "selection", "history", sid, *p)
    assert [h["action"] for h in history] == [
        "create", "add_items", "add_items", "update_items", "update", "group", "group",
        "reorder", "remove_items", "set_status",
    ]  # fmt: skip
    assert "remove_items" in run(db, "selection", "history", sid, *p)
    stats = run_json(db, "selection", "stats", sid, *p)
    assert stats["item_count"] == 2 and stats["sequence_present"] is True
    containing = run_json(db, "selection", "containing", hashes[0])
    assert [m["selection_id"] for m in containing] == [sid]
    listed = run_json(db, "selection", "list", *p, "--status", "active")
    assert [s["id"] for s in listed] == [sid]

    target = tmp_path / "delivery"
    result = run_json(db, "selection", "export", sid, str(target), *p, "--layout", "flat", "--zip")
    assert result["exported_count"] == 2 and Path(result["zip_path"]).is_file()
    assert sorted(f.name for f in target.glob("0*.png")) == [
        f"001_{lib.images[2].name}",
        f"002_{lib.images[0].name}",
    ]
    run(db, "selection", "export", sid, str(target), *p, code=4)
    out = run(db, "selection", "export", sid, str(target), *p, "--overwrite", "--no-contact-sheet")
    assert "exported 2 of 2" in out and not (target / "contact_sheet.html").exists()


def test_similar_and_export_as_a_real_command(db: Path, lib: Library, tmp_path: Path) -> None:
    original = next(x for x in lib.near if x.stem == "ukbench00120")
    sid = run_json(db, "selection", "create", "Near", "-p", PROJECT)["id"]
    run(db, "selection", "add", sid, str(original), "-p", PROJECT)
    similar = run_json(db, "selection", "similar", sid, "-p", PROJECT, "-t", "12")
    assert {Path(r["asset"]["file_path"]).name for r in similar["results"]} == {
        "ukbench00120_gray.jpg",
        "ukbench00120_resize.jpg",
    }
    assert "score" in run(db, "selection", "similar", sid, "-p", PROJECT, "-t", "12")
    env = {**os.environ, "CURATA_PROJECT": PROJECT}
    done = subprocess.run(
        [sys.executable, "-m", "curata", "--database", str(db), "selection", "export", sid,
         str(tmp_path / "out"), "--json"],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["exported_count"] == 1
    again = subprocess.run(
        [sys.executable, "-m", "curata", "--database", str(db), "selection", "export", sid,
         str(tmp_path / "out")],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert again.returncode == 4 and "not empty" in again.stderr


def test_budgets_constraints_and_groups_on_the_command_line(db: Path, lib: Library) -> None:
    p = ["-p", PROJECT]
    made = run_json(db, "selection", "create", "Paid", *p, "--budget", "0.5", "--currency",
                    "eur", "--max-items", "2", "--media-type", "image")  # fmt: skip
    assert made["budget"] == {"amount": 0.5, "currency": "EUR"}
    assert made["constraints"] == {"max_items": 2, "media_types": ["image"]}
    sid = made["id"]
    costly = [str(x) for x in lib.costly]
    run(db, "selection", "add", sid, costly[0], *p, "--group", "Leads", code=3)
    run(db, "selection", "add", sid, *costly[:2], *p, "--group", "Leads", "--create-group")
    run(db, "selection", "add", sid, costly[2], *p, code=4)  # constraints.max_items
    shown = run(db, "project", "show", PROJECT)
    assert "0.50 EUR" in shown and "0.14 USD" in shown  # budget and spend, apart
    run(db, "selection", "update", sid, *p, "--max-items", "5")
    run(db, "selection", "update", sid, *p, "--clear-budget")
    assert run_json(db, "selection", "show", sid, *p)["budget"] is None

"""Projects and selections over real HTTP: the spec's workflow, history, errors."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from curata import Curata
from tests.server.conftest import hash_of

SELECTION = "/projects/hero-q4/selections/{}"


def test_projects(http: httpx.Client) -> None:
    created = http.post("/projects", json={"name": "Client Deck", "budget": {"amount": 50}})
    assert created.status_code == 201
    project = created.json()["data"]
    assert project["id"] == "client-deck" and project["budget"]["amount"] == 50
    assert http.post("/projects", json={"name": "Client Deck"}).status_code == 409
    assert http.get("/projects/client-deck").json()["data"]["name"] == "Client Deck"
    changed = http.patch(
        "/projects", json={"project_id": "client-deck", "description": "for the pitch"}
    )
    assert changed.json()["data"]["description"] == "for the pitch"
    archived = http.post("/projects/client-deck/archive").json()["data"]
    assert archived["status"] == "archived"
    listed = http.get("/projects", params={"status": "archived"}).json()["data"]
    assert [p["id"] for p in listed] == ["client-deck"]
    restored = http.post("/projects/client-deck/archive", params={"restore": True})
    assert restored.json()["data"]["status"] == "active"
    assert http.get("/projects/nope").status_code == 404
    bad = http.get("/projects", params={"status": "sleeping"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "status"


def test_selection_workflow(
    http: httpx.Client, scanned: Curata, library_copy: Path, tmp_path: Path
) -> None:
    """The spec's workflow: create, add, find similar, add the strong matches, export."""
    photos = library_copy / "near-duplicates"
    hero = hash_of(scanned, photos / "ukbench00120.jpg")
    other = hash_of(scanned, photos / "ukbench09040.jpg")
    assert http.post("/projects", json={"name": "Hero Q4"}).status_code == 201
    created = http.post(
        "/selections",
        json={
            "project_id": "hero-q4",
            "name": "Hero Images Q4",
            "purpose": "presentation",
            "criteria": {"mood": "energetic"},
            "tags": ["hero"],
        },
    )
    assert created.status_code == 201
    sel_id = created.json()["data"]["id"]
    added = http.patch(
        "/selections",
        json={
            "project_id": "hero-q4",
            "selection_id": sel_id,
            "action": "add_items",
            "items": [
                {"asset_hash": hero, "selection_reason": "strong", "role": "hero"},
                {"asset_hash": other, "role": "supporting"},
            ],
            "notes": "first pick",
        },
    )
    assert added.status_code == 200
    assert added.json()["data"]["history"]["action"] == "add_items"
    duplicate = http.patch(
        "/selections",
        json={
            "project_id": "hero-q4",
            "selection_id": sel_id,
            "action": "add_items",
            "items": [{"asset_hash": hero}],
        },
    )
    assert duplicate.status_code == 409

    similar = http.post(
        "/selections/similar",
        json={"project_id": "hero-q4", "selection_id": sel_id, "threshold": 12},
    ).json()["data"]
    assert similar["parameters"]["threshold"] == 12
    scores = [r["similarity"]["recommendation_score"] for r in similar["results"]]
    assert scores == sorted(scores, reverse=True)
    strong = [
        r["asset"]["content_hash"]
        for r in similar["results"]
        if r["similarity"]["recommendation_score"] > 0.75
    ]
    assert hash_of(scanned, photos / "ukbench00120_gray.jpg") in strong
    http.patch(
        "/selections",
        json={
            "project_id": "hero-q4",
            "selection_id": sel_id,
            "action": "add_items",
            "items": [{"asset_hash": h, "role": "alternate"} for h in strong],
        },
    ).raise_for_status()

    selection = http.get(SELECTION.format(sel_id)).json()["data"]
    assert [i["asset_hash"] for i in selection["items"][:2]] == [hero, other]
    assert len(selection["items"]) == 2 + len(strong)
    history = http.get(SELECTION.format(sel_id) + "/history").json()["data"]
    assert [h["action"] for h in history] == ["create", "add_items", "add_items"]
    stats = http.get(SELECTION.format(sel_id) + "/stats").json()["data"]
    assert stats["item_count"] == len(selection["items"])
    memberships = http.get(f"/assets/{hero}/selections").json()["data"]
    assert [(m["selection_id"], m["role"]) for m in memberships] == [(sel_id, "hero")]
    listed = http.get("/selections", params={"project_id": "hero-q4"}).json()["data"]
    assert [s["id"] for s in listed] == [sel_id]

    target = tmp_path / "delivery"
    exported = http.post(
        "/selections/export",
        json={"project_id": "hero-q4", "selection_id": sel_id, "export_path": str(target)},
    )
    assert exported.status_code == 200, exported.text
    result = exported.json()["data"]
    assert result["exported_count"] == len(selection["items"])
    manifest = json.loads((target / "manifest.json").read_text())
    assert json.dumps(manifest).count(hero) >= 1
    assert http.get(SELECTION.format(sel_id)).json()["data"]["status"] == "exported"
    refused = http.post(
        "/selections/export",
        json={"project_id": "hero-q4", "selection_id": sel_id, "export_path": str(target)},
    )
    assert refused.status_code == 409
    assert refused.json()["error"]["field"] == "export_path"


def test_selection_errors(http: httpx.Client) -> None:
    missing = http.get("/projects/nowhere/selections/nothing")
    assert missing.status_code == 404
    bad_purpose = http.post("/selections", json={"project_id": "x", "name": "n", "purpose": "fun"})
    assert bad_purpose.status_code == 422
    assert bad_purpose.json()["error"]["field"] == "purpose"
    no_project = http.post("/selections", json={"project_id": "nowhere", "name": "n"})
    assert no_project.status_code == 404
    bad_action = http.patch(
        "/selections", json={"project_id": "x", "selection_id": "y", "action": "explode"}
    )
    assert bad_action.status_code == 422
    assert bad_action.json()["error"]["field"] == "action"

"""``POST /bulk`` and its undo over real HTTP: each undo puts back exactly what changed."""

from __future__ import annotations

import httpx
import pytest

from tests.web.conftest import asset, search


@pytest.fixture(scope="module")
def hashes(api: httpx.Client, scanned_server: object) -> list[str]:
    return [a["content_hash"] for a in search(api, filename_pattern="^ukbench")][:4]


def bulk(api: httpx.Client, *steps: dict) -> dict:
    response = api.post("/bulk", json={"label": "test", "steps": list(steps)})
    assert response.status_code == 200, response.text
    return response.json()["data"]


def undo(api: httpx.Client, action_id: str) -> httpx.Response:
    return api.post(f"/bulk/{action_id}/undo")


def test_undo_of_a_rating_restores_each_old_rating_and_none(
    api: httpx.Client, hashes: list[str]
) -> None:
    api.post("/assets/rating", json={"assets": hashes[:1], "rating": 2})
    api.post("/assets/rating", json={"assets": hashes[1:2], "rating": None})
    done = bulk(api, {"action": "rate", "assets": hashes[:2], "rating": 5})
    assert [asset(api, h)["quality_rating"] for h in hashes[:2]] == [5, 5]
    assert undo(api, done["id"]).status_code == 200
    assert [asset(api, h)["quality_rating"] for h in hashes[:2]] == [2, None]
    again = undo(api, done["id"])  # once only
    assert again.status_code == 404 and again.json()["error"]["code"] == "not_found"


def test_undo_of_tags_touches_only_what_the_action_changed(
    api: httpx.Client, hashes: list[str]
) -> None:
    api.post("/assets/tags", json={"assets": hashes[:1], "tags": ["kept"]})
    done = bulk(api, {"action": "tag", "assets": hashes[:2], "tags": ["Kept", "new"]})
    undo(api, done["id"])
    assert "kept" in asset(api, hashes[0])["tags"]  # it had the tag before
    assert {"kept", "new"}.isdisjoint(asset(api, hashes[1])["tags"])
    assert "new" not in asset(api, hashes[0])["tags"]

    removed = bulk(api, {"action": "untag", "assets": hashes[:2], "tags": ["kept"]})
    assert "kept" not in asset(api, hashes[0])["tags"]
    undo(api, removed["id"])
    assert "kept" in asset(api, hashes[0])["tags"]
    assert "kept" not in asset(api, hashes[1])["tags"]


def test_undo_of_selection_steps(api: httpx.Client, hashes: list[str]) -> None:
    api.post("/projects", json={"name": "bulk"})
    api.post("/selections", json={"project_id": "bulk", "name": "Picks"})
    ref = {"project_id": "bulk", "selection_id": "picks"}
    first = bulk(api, {"action": "add_to_selection", "assets": hashes[:1], "role": "hero", **ref})
    second = bulk(api, {"action": "add_to_selection", "assets": hashes[:3], **ref})

    def items() -> list[tuple[str, str | None]]:
        data = api.get("/projects/bulk/selections/picks").json()["data"]["items"]
        return [(i["asset_hash"], i["role"]) for i in sorted(data, key=lambda i: i["position"])]

    assert [h for h, _ in items()] == hashes[:3]
    undo(api, second["id"])  # removes only the two it added
    assert items() == [(hashes[0], "hero")]
    removed = bulk(api, {"action": "remove_from_selection", "assets": hashes[:1], **ref})
    assert items() == []
    undo(api, removed["id"])
    assert items() == [(hashes[0], "hero")]  # back with its role
    undo(api, first["id"])
    assert items() == []


def test_a_failing_step_puts_back_the_steps_before_it(api: httpx.Client, hashes: list[str]) -> None:
    before = asset(api, hashes[3])["quality_rating"]
    response = api.post(
        "/bulk",
        json={
            "steps": [
                {"action": "rate", "assets": hashes[3:], "rating": 4},
                {"action": "add_to_selection", "assets": hashes[3:], "project_id": "bulk",
                 "selection_id": "no-such-selection"},
            ]
        },
    )  # fmt: skip
    assert response.status_code == 404
    assert asset(api, hashes[3])["quality_rating"] == before


@pytest.mark.parametrize(
    ("step", "field"),
    [
        ({"action": "rate", "assets": ["abcdef"]}, "rating"),
        ({"action": "tag", "assets": ["abcdef"]}, "tags"),
        ({"action": "add_to_selection", "assets": ["abcdef"]}, "selection_id"),
        ({"action": "rate", "assets": [], "rating": 1}, "assets"),
        ({"action": "rate", "assets": ["abcdef"], "rating": 6}, "rating"),
        ({"action": "explode", "assets": ["abcdef"]}, "action"),
    ],
)
def test_bad_steps_are_422_naming_the_field(api: httpx.Client, step: dict, field: str) -> None:
    response = api.post("/bulk", json={"steps": [step]})
    assert response.status_code == 422
    error = response.json()["error"]
    assert field in (error["field"] or "") or field in error["message"]


def test_undo_ids_are_bounded_in_form(api: httpx.Client) -> None:
    assert api.post("/bulk/../undo").status_code in (404, 422)
    assert api.post("/bulk/" + "a" * 33 + "/undo").status_code == 422
    assert api.post("/bulk/" + "a" * 32 + "/undo").status_code == 404


def test_export_documents_are_read_only_from_the_recorded_export(
    api: httpx.Client, hashes: list[str], exports_root: object
) -> None:
    api.post("/projects", json={"name": "docs"})
    api.post("/selections", json={"project_id": "docs", "name": "Out"})
    ref = {"project_id": "docs", "selection_id": "out"}
    api.patch(
        "/selections", json={**ref, "action": "add_items", "items": [{"asset_hash": hashes[0]}]}
    )
    made = api.post("/selections/export", json={**ref, "export_path": f"{exports_root}/out"})
    assert made.status_code == 200, made.text
    export_id = api.get("/projects/docs/selections/out").json()["data"]["exports"][-1]["id"]
    base = f"/projects/docs/selections/out/exports/{export_id}/files/"
    manifest = api.get(base + "manifest.json")
    assert manifest.status_code == 200 and manifest.json()["items"][0]["asset_hash"] == hashes[0]
    # Encoded so that the client sends the dots as they are (httpx would normalize them).
    hostile = (
        "checksums.sha256",
        "thumbnails%2F..%2Fmanifest.json",
        "thumbnails%2F..",
        "%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "thumbnails%2F%2E%2E%2F%2E%2E%2Fcatalog.db",
    )
    for name in hostile:
        assert api.get(base + name).status_code == 404, name
    assert (
        api.get(
            f"/projects/docs/selections/out/exports/{export_id + 99}/files/manifest.json"
        ).status_code
        == 404
    )

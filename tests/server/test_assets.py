"""Asset endpoints over real HTTP: details, tags, ratings, errors with field paths."""

from __future__ import annotations

from pathlib import Path

import httpx

from curata import Curata
from tests.server.conftest import hash_of


def test_get_asset_is_the_interface_result(
    http: httpx.Client, scanned: Curata, library_copy: Path
) -> None:
    digest = hash_of(scanned, library_copy / "generators" / "automatic1111.png")
    body = http.get(f"/assets/{digest}").json()
    assert body["success"] is True
    assert body["data"] == scanned.get_asset(digest).model_dump(mode="json")["data"]
    assert body["data"]["ai_source"]


def test_get_asset_by_unique_prefix(
    http: httpx.Client, scanned: Curata, library_copy: Path
) -> None:
    digest = hash_of(scanned, library_copy / "formats" / "baboon.pgm")
    assert http.get(f"/assets/{digest[:12].upper()}").json()["data"]["content_hash"] == digest


def test_unknown_asset_is_404_naming_the_field(http: httpx.Client) -> None:
    response = http.get("/assets/" + "ab" * 32)
    assert response.status_code == 404
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == "not_found"
    assert body["error"]["field"] == "asset"


def test_malformed_hash_is_422_not_a_path(http: httpx.Client) -> None:
    for ref in ("not-a-hash", "abc", "..%2F..%2Fetc%2Fpasswd"):
        response = http.get(f"/assets/{ref}")
        assert response.status_code in (404, 422), ref
        assert response.json()["success"] is False
    response = http.get("/assets/zzzzzzzz")
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "hash"


def test_tags_added_and_removed(http: httpx.Client, scanned: Curata, library_copy: Path) -> None:
    digest = hash_of(scanned, library_copy / "near-duplicates" / "ukbench09040.jpg")
    added = http.post("/assets/tags", json={"assets": [digest], "tags": ["Portrait", "style:Noir"]})
    assert added.status_code == 200
    assert added.json()["data"] == {"assets": [digest], "added": 2, "removed": 0}
    assert {"portrait", "style:noir"} <= set(scanned.get_asset(digest).data.tags)
    removed = http.post("/assets/tags/remove", json={"assets": [digest], "tags": ["portrait"]})
    assert removed.json()["data"]["removed"] == 1
    tags = scanned.get_asset(digest).data.tags
    assert "portrait" not in tags and "style:noir" in tags


def test_tagging_with_an_unknown_asset_changes_nothing(
    http: httpx.Client, scanned: Curata, library_copy: Path
) -> None:
    digest = hash_of(scanned, library_copy / "near-duplicates" / "ukbench09060.jpg")
    response = http.post(
        "/assets/tags", json={"assets": [digest, "cd" * 32], "tags": ["never-written"]}
    )
    assert response.status_code == 404
    assert "never-written" not in scanned.get_asset(digest).data.tags


def test_rating(http: httpx.Client, scanned: Curata, library_copy: Path) -> None:
    digest = hash_of(scanned, library_copy / "near-duplicates" / "ukbench09348.jpg")
    response = http.post("/assets/rating", json={"assets": [digest], "rating": 4})
    assert response.json()["data"] == [digest]
    assert scanned.get_asset(digest).data.quality_rating == 4


def test_invalid_bodies_are_422_with_field_paths(http: httpx.Client) -> None:
    cases = {
        "rating": {"assets": ["ab" * 32], "rating": 9},
        "assets": {"assets": [], "rating": 3},
        "colour": {"assets": ["ab" * 32], "rating": 3, "colour": "red"},
    }
    for field, body in cases.items():
        response = http.post("/assets/rating", json=body)
        assert response.status_code == 422, field
        error = response.json()["error"]
        assert error["code"] == "invalid_request"
        assert error["field"] == field
        assert error["details"][0]["reason"]


def test_unparseable_body_is_422(http: httpx.Client) -> None:
    response = http.post(
        "/assets/tags", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"
    assert http.post("/assets/tags").status_code == 422


def test_tag_with_empty_value_names_the_tag(http: httpx.Client) -> None:
    response = http.post("/assets/tags", json={"assets": ["ab" * 32], "tags": ["style:"]})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "tags.0"


def test_stats_and_ingest_errors(http: httpx.Client, scanned: Curata) -> None:
    stats = http.get("/stats").json()
    assert stats["data"] == scanned.stats().model_dump(mode="json")["data"]
    assert stats["data"]["assets"] > 10
    errors = http.get("/errors").json()["data"]
    assert {Path(e["path"]).name for e in errors} >= {"empty_file.png", "plain_text.jpg"}
    everything = http.get("/errors", params={"level": "all"}).json()["data"]
    assert len(everything) >= len(errors)
    bad = http.get("/errors", params={"level": "loud"})
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "level"


def test_unknown_route_and_method_use_the_envelope(http: httpx.Client) -> None:
    missing = http.get("/no/such/thing")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    wrong = http.delete("/stats")
    assert wrong.status_code == 405
    assert wrong.json()["success"] is False

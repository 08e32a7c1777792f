"""``POST /search`` and saved searches over real HTTP."""

from __future__ import annotations

from pathlib import Path

import httpx

from curata import Curata
from tests.server.conftest import hash_of


def without_timing(body: dict) -> dict:
    data = dict(body["data"])
    data.pop("query_time_ms")
    return data


def test_search_is_the_interface_result(http: httpx.Client, scanned: Curata) -> None:
    request = {
        "filters": {"media_type": "image", "file_size": {"min": 1000}},
        "sort_by": "file_size",
        "order": "desc",
        "limit": 5,
    }
    body = http.post("/search", json=request).json()
    assert body["success"] is True
    expected = scanned.search_assets(request).model_dump(mode="json")
    assert without_timing(body) == without_timing(expected)
    sizes = [a["file_size"] for a in body["data"]["results"]]
    assert len(sizes) == 5 and sizes == sorted(sizes, reverse=True)
    assert body["data"]["total_count"] > 5
    assert body["data"]["facets"]["media_types"] == [
        {"type": "image", "count": body["data"]["total_count"]}
    ]


def test_search_by_tag_and_source(http: httpx.Client, scanned: Curata, library_copy: Path) -> None:
    digest = hash_of(scanned, library_copy / "generators" / "comfyui_img2img.png")
    http.post("/assets/tags", json={"assets": [digest], "tags": ["style:Cyberpunk"]})
    body = http.post(
        "/search", json={"filters": {"tags": ["style:cyberpunk"], "ai_source": ["comfyui"]}}
    ).json()
    assert [a["content_hash"] for a in body["data"]["results"]] == [digest]


def test_invalid_search_requests_name_the_field(http: httpx.Client) -> None:
    cases = [
        ({"filters": {}, "limit": 5000}, "limit"),
        ({"filters": {}, "offset": -1}, "offset"),
        ({"filters": {}, "sort_by": "colour"}, "sort_by"),
        ({"filters": {"media_type": "hologram"}}, "filters.media_type"),
        ({"filters": {"colour": "red"}}, "filters.colour"),
        ({"filters": {"quality_rating": {"min": 5, "max": 2}}}, "filters.quality_rating"),
        ({"filters": {"date_range": {"start": "last tuesday"}}}, "filters.date_range.start"),
    ]
    for request, field in cases:
        response = http.post("/search", json=request)
        assert response.status_code == 422, request
        error = response.json()["error"]
        assert error["code"] == "invalid_request"
        assert error["field"].startswith(field), (field, error)


def test_invalid_regex_is_422(http: httpx.Client) -> None:
    response = http.post("/search", json={"filters": {"filename_pattern": "(unclosed"}})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "filters.filename_pattern"


def test_saved_searches(http: httpx.Client, scanned: Curata) -> None:
    request = {"filters": {"file_formats": ["jpeg"]}, "sort_by": "filename", "order": "asc"}
    saved = http.post(
        "/saved-searches", json={"name": "JPEGs", "project": "fixtures", "request": request}
    )
    assert saved.status_code == 200
    assert saved.json()["data"]["name"] == "JPEGs"
    again = http.post(
        "/saved-searches", json={"name": "JPEGs", "project": "fixtures", "request": request}
    )
    assert again.status_code == 409
    replaced = http.post(
        "/saved-searches",
        json={"name": "JPEGs", "project": "fixtures", "request": request, "replace": True},
    )
    assert replaced.status_code == 200 and replaced.json()["data"]["name"] == "JPEGs"
    listed = http.get("/saved-searches", params={"project": "fixtures"}).json()["data"]
    assert [s["name"] for s in listed] == ["JPEGs"]
    ran = http.post(
        "/saved-searches/run", json={"name": "JPEGs", "project": "fixtures", "limit": 3}
    ).json()["data"]
    direct = scanned.search_assets({**request, "limit": 3}).data
    assert direct is not None
    assert [a["content_hash"] for a in ran["results"]] == [a.content_hash for a in direct.results]
    assert ran["total_count"] == direct.total_count
    renamed = http.patch(
        "/saved-searches", json={"name": "JPEGs", "project": "fixtures", "new_name": "Photos"}
    )
    assert renamed.json()["data"]["name"] == "Photos"
    gone = http.delete("/saved-searches", params={"name": "Photos", "project": "fixtures"})
    assert gone.status_code == 200
    missing = http.post("/saved-searches/run", json={"name": "Photos", "project": "fixtures"})
    assert missing.status_code == 404
    assert http.delete("/saved-searches", params={"name": "Photos"}).status_code == 404


def test_derived_generation_pairs(http: httpx.Client, scanned: Curata, library_copy: Path) -> None:
    """``base_model:<family>`` and ``scheduler:`` pairs are plain tag filters and facets."""
    request = {
        "filters": {"tag_values": {"base_model": ["sdxl"]}},
        "sort_by": "filename",
        "order": "asc",
    }
    body = http.post("/search", json=request).json()
    assert [Path(a["file_path"]).name for a in body["data"]["results"]] == [
        "fooocus.png",
        "invokeai_metadata.png",
    ]
    assert {"tag": "base_model:sdxl", "count": 2} in body["data"]["facets"]["tags"]
    body = http.post("/search", json={"filters": {"tags": ["scheduler:karras"]}}).json()
    assert [Path(a["file_path"]).name for a in body["data"]["results"]] == ["fooocus.png"]

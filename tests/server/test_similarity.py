"""``POST /similar`` and ``POST /duplicates`` over real HTTP, on the UKBench copies."""

from __future__ import annotations

from pathlib import Path

import httpx

from curata import Curata
from tests.server.conftest import hash_of


def names(matches: list[dict]) -> set[str]:
    return {Path(m["asset"]["file_path"]).name for m in matches}


def test_similar_finds_the_copies(http: httpx.Client, scanned: Curata, library_copy: Path) -> None:
    original = library_copy / "near-duplicates" / "ukbench00120.jpg"
    digest = hash_of(scanned, original)
    body = http.post("/similar", json={"target": digest[:12]}).json()
    assert body["success"] is True
    found = names(body["data"]["results"])
    assert {"ukbench00120_gray.jpg", "ukbench00120_resize.jpg"} <= found
    assert "ukbench00120_hflip.jpg" not in found
    invariant = http.post("/similar", json={"target": digest, "invariant": True}).json()
    assert "ukbench00120_hflip.jpg" in names(invariant["data"]["results"])
    same = scanned.find_similar({"target": digest}).model_dump(mode="json")["data"]
    assert body["data"]["results"] == same["results"]


def test_similar_to_a_raw_phash_with_filters(
    http: httpx.Client, scanned: Curata, library_copy: Path
) -> None:
    detail = scanned.get_asset(str(library_copy / "near-duplicates" / "ukbench00120.jpg")).data
    assert detail is not None and detail.phash
    body = http.post(
        "/similar",
        json={
            "target": f"phash:{detail.phash}",
            "include_target": True,
            "filters": {"file_formats": ["jpeg"], "file_size": {"min": 50000}},
        },
    ).json()
    found = names(body["data"]["results"])
    assert "ukbench00120.jpg" in found
    assert "ukbench00120_resize.jpg" not in found  # 23 kB: filtered out


def test_similar_never_takes_a_server_path(http: httpx.Client, library_copy: Path) -> None:
    for target in (str(library_copy / "near-duplicates" / "ukbench00120.jpg"), "/etc/passwd"):
        response = http.post("/similar", json={"target": target})
        assert response.status_code == 422
        assert response.json()["error"]["field"] == "target"


def test_similar_errors(http: httpx.Client) -> None:
    assert http.post("/similar", json={"target": "ab" * 32}).status_code == 404
    response = http.post("/similar", json={"target": "ab" * 32, "threshold": 65})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "threshold"


def test_duplicates(http: httpx.Client, scanned: Curata) -> None:
    body = http.post("/duplicates", json={"threshold": 10}).json()
    groups = body["data"]["groups"]
    assert body["data"]["group_count"] == len(groups) >= 1
    sizes = [g["size"] for g in groups]
    assert sizes == sorted(sizes, reverse=True)
    (ukbench,) = [
        g for g in groups if "ukbench00120.jpg" in {Path(m["path"]).name for m in g["members"]}
    ]
    assert "ukbench00120_gray.jpg" in {Path(m["path"]).name for m in ukbench["members"]}
    assert ukbench["members"][0]["keeper"] is True
    expected = scanned.find_duplicates({"threshold": 10}).model_dump(mode="json")["data"]
    assert body["data"] == expected
    exact = http.post("/duplicates", json={"exact": True}).json()["data"]
    assert all(g["kind"] == "exact" for g in exact["groups"])


def test_resolve_and_undo_over_http(
    http: httpx.Client, scanned: Curata, library_copy: Path
) -> None:
    folder = library_copy / "near-duplicates"
    keeper, other = (
        hash_of(scanned, folder / n) for n in ("ukbench00120.jpg", "ukbench00120_gray.jpg")
    )
    done = http.post("/duplicates/resolve", json={"keeper": keeper, "others": [other]})
    assert done.status_code == 200, done.text
    resolution = done.json()["data"]
    assert resolution["keeper"] == keeper and resolution["others"] == [other]
    assert f"duplicate-of:{keeper[:12]}" in scanned.get_asset(other).data.tags  # type: ignore[union-attr]
    undone = http.post("/duplicates/undo", json={"resolution_id": resolution["resolution_id"]})
    assert undone.status_code == 200
    assert f"duplicate-of:{keeper[:12]}" not in scanned.get_asset(other).data.tags  # type: ignore[union-attr]
    again = http.post("/duplicates/undo", json={"resolution_id": resolution["resolution_id"]})
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    bad = http.post("/duplicates/resolve", json={"keeper": keeper, "others": []})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "others"


def test_scan_roots_over_http(http: httpx.Client, scanned: Curata, library_copy: Path) -> None:
    roots = http.get("/scan-roots").json()["data"]
    assert roots == scanned.scan_roots().model_dump(mode="json")["data"]
    assert str(library_copy.resolve()) in {r["path"] for r in roots}

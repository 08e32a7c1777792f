"""Scan jobs over HTTP: start, poll, server-sent events, stop, and conflicts."""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from curata import Curata
from curata.roots import Confinement
from curata.server import create_app
from tests.server.conftest import LiveServer


@pytest.fixture
def empty_catalog(tmp_path: Path) -> Iterator[tuple[Curata, Path]]:
    db = tmp_path / "scans.db"
    with Curata(database=db) as cur:
        yield cur, db


@pytest.fixture
def api(
    empty_catalog: tuple[Curata, Path], tmp_path: Path, fixtures: Path
) -> Iterator[httpx.Client]:
    """A server whose clients may scan the shared test files and this test's folder."""
    cur, _db = empty_catalog
    confined = cur.confined(Confinement.of([fixtures, tmp_path]))
    with (
        LiveServer(create_app(confined, cache_dir=tmp_path / "cache")) as live,
        httpx.Client(base_url=live.url, timeout=60) as client,
    ):
        yield client


def wait_finished(api: httpx.Client, job_id: str) -> dict:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job = api.get(f"/scans/{job_id}").json()["data"]
        if job["state"] not in ("running", "stopping"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"scan {job_id} did not finish")


def sse_events(api: httpx.Client, job_id: str) -> list[tuple[str, dict]]:
    events: list[tuple[str, dict]] = []
    name = ""
    with api.stream("GET", f"/scans/{job_id}/events") as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        for line in stream.iter_lines():
            if line.startswith("event: "):
                name = line.removeprefix("event: ")
            elif line.startswith("data: "):
                events.append((name, json.loads(line.removeprefix("data: "))))
    return events


def test_scan_job_runs_to_completion(
    api: httpx.Client, empty_catalog: tuple[Curata, Path], fixtures: Path
) -> None:
    cur, _db = empty_catalog
    started = api.post(
        "/scans", json={"paths": [str(fixtures / "generators")], "project": "renders"}
    )
    assert started.status_code == 202
    job = started.json()["data"]
    assert job["state"] in ("running", "completed") and job["paths"]
    events = sse_events(api, job["id"])
    names = [name for name, _ in events]
    assert names[-1] == "end" and names.count("end") == 1
    assert set(names[:-1]) == {"progress"}
    final = events[-1][1]
    assert final["state"] == "completed"
    assert final["summary"]["new"] == 6
    assert final["progress"]["phase"] == "done"
    polled = wait_finished(api, job["id"])
    assert polled["summary"] == final["summary"]
    assert cur.stats().data.assets == 6
    assert [j["id"] for j in api.get("/scans").json()["data"]] == [job["id"]]


def test_scan_of_a_missing_path_is_422(api: httpx.Client, tmp_path: Path) -> None:
    response = api.post("/scans", json={"paths": [str(tmp_path / "nowhere")]})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "paths"
    assert api.get("/scans").json()["data"] == []
    assert api.post("/scans", json={"paths": []}).json()["error"]["field"] == "paths"


def test_unknown_job_is_404(api: httpx.Client) -> None:
    for method, url in (("GET", "/scans/nope"), ("DELETE", "/scans/nope")):
        response = api.request(method, url)
        assert response.status_code == 404
        assert response.json()["error"]["field"] == "job_id"
    assert api.get("/scans/nope/events").status_code == 404


def test_second_scan_conflicts_and_stop_interrupts(
    api: httpx.Client, empty_catalog: tuple[Curata, Path], fixtures: Path, tmp_path: Path
) -> None:
    """Another connection holds the catalog's write lock, so the scan cannot finish
    its first batch while the test checks the conflict and asks it to stop."""
    cur, db = empty_catalog
    folder = tmp_path / "photos"
    shutil.copytree(fixtures / "near-duplicates", folder)
    blocker = sqlite3.connect(db, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        job = api.post("/scans", json={"paths": [str(folder)]}).json()["data"]
        assert job["state"] == "running"
        again = api.post("/scans", json={"paths": [str(folder)]})
        assert again.status_code == 409
        assert job["id"] in again.json()["message"]
        stopping = api.delete(f"/scans/{job['id']}").json()["data"]
        assert stopping["state"] == "stopping"
    finally:
        blocker.rollback()
        blocker.close()
    final = wait_finished(api, job["id"])
    assert final["state"] == "interrupted"
    assert final["summary"]["interrupted"] is True
    resumed = api.post("/scans", json={"paths": [str(folder)]}).json()["data"]
    assert wait_finished(api, resumed["id"])["state"] == "completed"
    assert cur.stats().data.assets == 9

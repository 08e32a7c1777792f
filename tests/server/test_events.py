"""``GET /events`` over real HTTP: live changes from ``serve --watch`` and scans, bounded."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from curata import Curata
from curata.roots import Confinement
from curata.server import create_app
from curata.server.events import EventHub
from tests.ingest.test_watch import EVENTUAL, eventually, noise_png
from tests.server.conftest import LiveServer

SRC = Path(__file__).resolve().parents[2] / "src"


class EventReader:
    """Reads an event stream in a thread; ``events`` holds ``(name, data)`` as they come."""

    def __init__(self, url: str, headers: dict[str, str] | None = None) -> None:
        self.client = httpx.Client(base_url=url, timeout=httpx.Timeout(EVENTUAL, read=None))
        self.headers = headers or {}
        self.events: list[tuple[str, object]] = []
        self.status: int | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        eventually(lambda: self.status is not None, "the event stream's answer")

    def _run(self) -> None:
        name = "message"
        try:
            with self.client.stream("GET", "/events", headers=self.headers) as stream:
                self.status = stream.status_code
                for line in stream.iter_lines():
                    if line.startswith("event: "):
                        name = line.removeprefix("event: ")
                    elif line.startswith("data: "):
                        self.events.append((name, json.loads(line.removeprefix("data: "))))
        except httpx.HTTPError:
            pass  # closed by the test
        finally:
            if self.status is None:
                self.status = -1

    def changes(self, kind: str) -> list[dict]:
        return [
            c
            for name, data in list(self.events)
            if name == "changes"
            for c in data["changes"]  # type: ignore[index]
            if c["kind"] == kind
        ]

    def close(self) -> None:
        self.client.close()
        self.thread.join(EVENTUAL)


@contextmanager
def reading(url: str, headers: dict[str, str] | None = None) -> Iterator[EventReader]:
    reader = EventReader(url, headers)
    try:
        yield reader
    finally:
        reader.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def watched_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """``curata serve --watch LIB`` as its own process (no --root)."""
    lib = tmp_path / "lib"
    lib.mkdir()
    noise_png(lib / "first.png", 100)
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(SRC), "CURATA_HOME": str(tmp_path / "home")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "curata", "--database", str(tmp_path / "c.db"), "serve",
         "--port", str(port), "--watch", str(lib), "--log-level", "warning"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            return httpx.get(url + "/stats", timeout=5).status_code == 200
        except httpx.TransportError:
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            return False

    eventually(up, "curata serve --watch answering")
    try:
        yield url, lib
    finally:
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=EVENTUAL)
        assert "Traceback" not in output, output


def test_serve_watch_streams_new_moved_and_missing_assets(
    watched_server: tuple[str, Path],
) -> None:
    url, lib = watched_server
    with reading(url) as events, httpx.Client(base_url=url, timeout=EVENTUAL) as http:
        assert events.status == 200
        eventually(lambda: events.events[:1] and events.events[0][0] == "ready", "ready")
        eventually(
            lambda: http.post("/search", json={}).json()["data"]["total_count"] == 1,
            "the first scan of the watched folder",
        )
        noise_png(lib / "new.png", 101)

        def new_ones() -> list[dict]:
            return [c for c in events.changes("new") if c["path"] == str(lib / "new.png")]

        eventually(new_ones, "a 'new' change event")
        (new,) = new_ones()
        asset = http.get(f"/assets/{new['content_hash']}").json()["data"]
        assert asset["file_path"] == str(lib / "new.png")

        os.rename(lib / "new.png", lib / "renamed.png")
        eventually(lambda: events.changes("moved"), "a 'moved' change event")
        assert [c["content_hash"] for c in events.changes("moved")] == [new["content_hash"]]
        assert http.post("/search", json={}).json()["data"]["total_count"] == 2

        (lib / "first.png").unlink()
        eventually(lambda: events.changes("missing"), "a 'missing' change event")
        assert [c["path"] for c in events.changes("missing")] == [str(lib / "first.png")]

        # --watch folders are the server's roots: a client may scan them, nothing else.
        outside = http.post("/scans", json={"paths": [str(lib.parent)]})
        assert outside.status_code == 403
        assert outside.json()["error"]["field"] == "paths"
        inside = http.post("/scans", json={"paths": [str(lib)]})
        assert inside.status_code == 202, inside.text
        eventually(
            lambda: any(n == "scan" and d["id"] == inside.json()["data"]["id"]  # type: ignore[index]
                        for n, d in list(events.events)),
            "the scan job's end event",
        )  # fmt: skip
        names = {n for n, _ in events.events}
        assert {"progress", "scan"} <= names


@pytest.fixture
def small_server(cur: Curata, tmp_path: Path) -> Iterator[tuple[LiveServer, EventHub]]:
    confined = cur.confined(Confinement.of([tmp_path]))
    app = create_app(confined, cache_dir=tmp_path / "cache", event_clients=2, token="s3cret")
    with LiveServer(app) as live:
        yield live, app.state.events


AUTH = {"Authorization": "Bearer s3cret"}


def test_event_streams_are_limited_and_a_closed_one_frees_its_place(
    small_server: tuple[LiveServer, EventHub],
) -> None:
    live, hub = small_server
    with reading(live.url, AUTH) as one, reading(live.url, AUTH) as two:
        assert (one.status, two.status) == (200, 200)
        eventually(lambda: hub.clients == 2, "two streams subscribed")
        third = httpx.get(live.url + "/events", headers=AUTH, timeout=EVENTUAL)
        assert third.status_code == 503
        assert third.json()["error"]["code"] == "busy"
        hub.publish("changes", {"scan": "test", "changes": []})
        eventually(lambda: len(one.events) == 2 and len(two.events) == 2, "fan-out to both")
    eventually(lambda: hub.clients == 0, "closed streams unsubscribed")
    with reading(live.url, AUTH) as again:
        assert again.status == 200


def test_events_follow_the_token_host_and_origin_rules(
    small_server: tuple[LiveServer, EventHub],
) -> None:
    live, hub = small_server
    with httpx.Client(base_url=live.url, timeout=EVENTUAL) as http:
        assert http.get("/events").status_code == 401
        assert http.get("/events", headers={"Authorization": "Bearer wrong"}).status_code == 401
        rebound = http.get("/events", headers={**AUTH, "Host": "evil.example"})
        assert rebound.status_code == 403 and rebound.json()["error"]["field"] == "host"
    assert hub.clients == 0


def test_a_client_that_does_not_read_is_dropped_not_buffered(
    small_server: tuple[LiveServer, EventHub],
) -> None:
    live, hub = small_server
    host, port = live.url.removeprefix("http://").split(":")
    stalled = socket.create_connection((host, int(port)))
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    try:
        stalled.sendall(
            f"GET /events HTTP/1.1\r\nHost: {host}\r\nAuthorization: {AUTH['Authorization']}"
            "\r\n\r\n".encode()
        )
        eventually(lambda: hub.clients == 1, "the stalled stream subscribed")
        with reading(live.url, AUTH) as reader:
            eventually(lambda: hub.clients == 2, "the reading stream subscribed")
            payload = "x" * 20_000
            for i in range(hub.backlog * 4):
                hub.publish("changes", {"scan": str(i), "changes": [], "pad": payload})
                if i % 32 == 0:
                    time.sleep(0.05)
            eventually(
                lambda: any(s.dropped for s in hub.subscribers()), "the stalled stream dropped"
            )
            assert all(len(s.waiting) <= hub.backlog for s in hub.subscribers())
            last = str(hub.backlog * 4 - 1)
            eventually(
                lambda: any(d.get("scan") == last for _, d in list(reader.events)),  # type: ignore[union-attr]
                "every event at the client that reads",
            )
            assert len([n for n, _ in reader.events if n == "changes"]) == hub.backlog * 4
    finally:
        stalled.close()

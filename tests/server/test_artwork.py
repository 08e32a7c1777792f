"""Artwork endpoints over real HTTP: pick, score, strategy, priorities, fetch, locks.

``fetch`` talks to the loopback provider server of the auto-selection tests (TMDB-shaped
JSON and real images), so nothing leaves the machine.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PIL import Image

from curata import Curata
from curata.roots import Confinement
from curata.server import create_app
from tests.autoselect.conftest import providers, worked_example  # noqa: F401 (fixtures)
from tests.autoselect.provider_server import ProviderServer
from tests.server.conftest import LiveServer


@pytest.fixture
def fetching(
    providers: ProviderServer,  # noqa: F811
    db_path: Path,
    tmp_path: Path,
) -> Iterator[httpx.Client]:
    """A server opened once the provider settings are in the environment (a server
    reads its settings when its catalog opens)."""
    with Curata(database=db_path) as cur:
        app = create_app(cur.confined(Confinement.of((), [tmp_path])), cache_dir=tmp_path / "c")
        with LiveServer(app) as live, httpx.Client(base_url=live.url, timeout=60) as client:
            yield client


def test_select_is_the_interface_result(
    http: httpx.Client,
    scanned: Curata,
    worked_example: dict,  # noqa: F811
) -> None:
    request = {"provider_results": worked_example, "media_type": "movie"}
    body = http.post("/artwork/select", json=request).json()
    poster = body["data"]["results"]["poster"]
    assert poster["winner"]["candidate"]["url"].endswith("/poster1.jpg")
    assert poster["winner"]["tier"] == 1
    assert len(poster["runners_up"]) == 2
    assert body["data"] == scanned.select_best_assets(request).model_dump(mode="json")["data"]


def test_score(http: httpx.Client) -> None:
    request = {
        "asset": {"url": "https://x/p.jpg", "asset_type": "poster", "width": 2000,
                  "height": 3000, "language": "en", "votes": 42},
        "provider_name": "tmdb",
    }  # fmt: skip
    score = http.post("/artwork/score", json=request).json()["data"]
    assert score["tier"] == 1 and score["hd"] is True and score["reason"]
    bad = http.post("/artwork/score", json={**request, "asset": {"url": "u"}})
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "asset.asset_type"


def test_strategy_and_priorities(http: httpx.Client) -> None:
    assert http.get("/artwork/strategy").json()["data"] == {
        "strategy": "balanced",
        "balanced": True,
    }
    custom = http.put(
        "/artwork/priorities",
        json={"media_type": "movie", "asset_type": "poster", "providers": ["tmdb", "local"]},
    ).json()["data"]
    assert custom["strategy"] == "custom"
    assert http.get("/artwork/strategy/balanced").json()["data"] is False
    table = http.get("/artwork/priorities", params={"media_type": "movie"}).json()["data"]
    poster = [e for e in table["entries"] if e["asset_type"] == "poster"]
    assert poster[0]["providers"] == ["tmdb", "local"] and poster[0]["source"] == "custom"
    reset = http.post("/artwork/priorities/reset", json={"media_type": "movie"}).json()["data"]
    assert all(e["source"] == "balanced" for e in reset["entries"])
    assert http.put("/artwork/strategy", json={"strategy": "balanced"}).json()["data"]["balanced"]
    bad = http.put("/artwork/strategy", json={"strategy": "random"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "strategy"
    wrong = http.get("/artwork/priorities", params={"media_type": "podcast"})
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "media_type"


def test_fetch_and_locks(fetching: httpx.Client, tmp_path: Path) -> None:
    http = fetching
    folder = tmp_path / "Fight Club (1999)"
    missing = http.post("/artwork/locks", json={"folder": str(folder), "asset_types": ["fanart"]})
    assert missing.status_code == 404
    folder.mkdir()
    locked = http.post("/artwork/locks", json={"folder": str(folder), "asset_types": ["fanart"]})
    assert locked.json()["data"]["locked"] == ["fanart"]
    fetched = http.post(
        "/artwork/fetch", json={"into": str(folder), "tmdb_id": 550, "asset_types": ["poster"]}
    )
    assert fetched.status_code == 200, fetched.text
    items = {i["asset_type"]: i["action"] for i in fetched.json()["data"]["items"]}
    assert items == {"poster": "downloaded"}
    with Image.open(folder / "poster.jpg") as poster:
        assert poster.size == (2000, 3000)
    unnamed = http.post("/artwork/fetch", json={"into": str(folder)})
    assert unnamed.status_code == 422


def test_fetch_without_a_provider_key_is_a_gateway_error(
    providers: ProviderServer,  # noqa: F811
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TMDB_API_KEY")
    with Curata(database=db_path) as cur:
        app = create_app(cur.confined(Confinement.of((), [tmp_path])), cache_dir=tmp_path / "c")
        with LiveServer(app) as live, httpx.Client(base_url=live.url, timeout=60) as http:
            response = http.post(
                "/artwork/fetch",
                json={"into": str(tmp_path / "m"), "tmdb_id": 550, "dry_run": True},
            )
    assert response.status_code == 502
    assert response.json()["error"]["field"] == "providers.tmdb.api_key"

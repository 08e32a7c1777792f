"""Bearer-token authentication when the server has a token."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from curata import Curata
from curata.server import create_app
from tests.server.conftest import LiveServer

TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def guarded(scanned: Curata, cache_dir: Path) -> Iterator[str]:
    with LiveServer(create_app(scanned, token=TOKEN, cache_dir=cache_dir)) as live:
        yield live.url


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}],
    ids=["none", "wrong", "not-bearer"],
)
def test_api_needs_the_token(guarded: str, headers: dict[str, str]) -> None:
    for method, url in (("GET", "/stats"), ("GET", "/scans"), ("POST", "/assets/rating")):
        response = httpx.request(method, guarded + url, headers=headers, json={})
        assert response.status_code == 401, url
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["error"]["code"] == "unauthorized"


def test_right_token_is_accepted(guarded: str, scanned: Curata) -> None:
    response = httpx.get(guarded + "/stats", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.json()["data"]["assets"] == scanned.stats().data.assets


def test_page_and_api_description_hold_no_data_and_stay_open(guarded: str) -> None:
    assert httpx.get(guarded + "/").status_code == 200
    schema = httpx.get(guarded + "/openapi.json").json()
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"

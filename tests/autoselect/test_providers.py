"""Provider clients against a real HTTP server on loopback, and their adapters."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from curata.autoselect import select_best_assets
from curata.autoselect.providers.fanarttv import FanartClient, fanart_candidates
from curata.autoselect.providers.http import (
    ProviderClient,
    ProviderError,
    RateLimiter,
    provider_config,
)
from curata.autoselect.providers.theaudiodb import AudioDBClient
from curata.autoselect.providers.tmdb import TMDBClient, tmdb_candidates
from curata.autoselect.providers.tvdb import TVDBClient, language_2
from curata.config import Settings
from curata.errors import NotFound
from tests.autoselect.provider_server import ProviderServer, Scripted


def _client(kind: type[ProviderClient], name: str, sleeps: list[float], **overrides):
    return kind(provider_config(name, Settings.load(), **overrides), sleep=sleeps.append)


def test_tmdb_images_become_candidates(providers: ProviderServer) -> None:
    with TMDBClient(provider_config("tmdb", Settings.load())) as tmdb:
        found = tmdb.images(550, "movie", ["de", "en"])
    (seen,) = providers.hits("/3/movie/550/images")
    assert seen.query["include_image_language"] == ["de,en,null"]
    by_type: dict[str, list] = {}
    for c in found:
        by_type.setdefault(c.asset_type, []).append(c)
    assert {k: len(v) for k, v in by_type.items()} == {
        "poster": 4, "keyart": 1, "fanart": 2, "clearlogo": 1
    }  # fmt: skip
    poster = by_type["poster"][0]
    assert poster.url == f"{providers.base}/t/p/original/poster1-2000x3000.jpg"
    assert (poster.width, poster.height, poster.votes, poster.language) == (2000, 3000, 42, "en")
    assert poster.vote_average == 5.5 and poster.provider == "tmdb"
    assert by_type["keyart"][0].url.endswith("poster-clean-1000x1500.jpg")
    assert by_type["fanart"][1].language is None  # iso_639_1 null: no text


def test_fanart_tv_movie_art_with_nominal_sizes(providers: ProviderServer) -> None:
    with FanartClient(provider_config("fanart_tv", Settings.load())) as fanart:
        found = fanart.artwork(550, "movie")
    types = sorted(c.asset_type for c in found)
    assert types == ["clearart", "clearlogo", "clearlogo", "discart", "discart", "fanart",
                     "landscape", "poster"]  # fmt: skip
    poster = next(c for c in found if c.asset_type == "poster")
    assert (poster.width, poster.height, poster.nominal_size, poster.votes) == (
        1000, 1426, True, 125
    )  # fmt: skip
    background = next(c for c in found if c.asset_type == "fanart")
    assert background.language == "" and background.votes == 4
    disc = next(c for c in found if c.asset_type == "discart")
    assert disc.metadata["disc_type"] == "bluray"


def test_fanart_tv_disc_size_is_read(providers: ProviderServer) -> None:
    # Issue 15: fanart.tv's ``size`` of a disc was ignored (every disc was 1000x1000), so a
    # 450 px disc passed a 500x500 minimum.
    with FanartClient(provider_config("fanart_tv", Settings.load())) as fanart:
        found = fanart.artwork(550, "movie")
    discs = {c.url.rsplit("/", 1)[1]: c for c in found if c.asset_type == "discart"}
    small = discs["disc-450x450.png"]
    assert (small.width, small.height, small.nominal_size) == (450, 450, False)
    assert (discs["disc-1000x1000.png"].width, discs["disc-1000x1000.png"].height) == (1000, 1000)
    kodi = select_best_assets({"fanart_tv": found}, "movie", policy="kodi")["discart"]
    assert kodi.winner is not None and kodi.winner.url.endswith("disc-1000x1000.png")
    assert [s.reason for s in kodi.skipped] == ["below the minimum size 500x500 (450x450)"]


def test_fanart_music_albums() -> None:
    payload = {
        "name": "Coldplay",
        "artistthumb": [{"id": "1", "url": "https://a/t.jpg", "likes": "3", "lang": ""}],
        "albums": {
            "rg-1": {"albumcover": [{"id": "2", "url": "https://a/c.jpg", "likes": "1"}],
                     "cdart": [{"id": "3", "url": "https://a/d.png", "likes": "0"}]},
            "rg-2": {"albumcover": [{"id": "4", "url": "https://a/c2.jpg", "likes": "9"}]},
        },
    }  # fmt: skip
    assert len(fanart_candidates(payload, "music")) == 4
    only = fanart_candidates(payload, "music", album="rg-1")
    assert sorted(c.asset_type for c in only) == ["albumcover", "artistthumb", "discart"]


def test_tvdb_login_and_artworks(providers: ProviderServer) -> None:
    with TVDBClient(provider_config("tvdb", Settings.load())) as tvdb:
        found = tvdb.artworks(121361, "tv")
        tvdb.artworks(121361, "tv")
    assert len(providers.hits("/v4/login")) == 1  # the token is reused
    assert sorted(c.asset_type for c in found) == ["banner", "clearlogo", "fanart", "poster",
                                                   "poster"]  # fmt: skip
    languages = {c.url.rsplit("/", 1)[1]: c.language for c in found}
    assert languages["poster-eng-680x1000.jpg"] == "en"
    assert languages["poster-deu-680x1000.jpg"] == "de"
    assert languages["background-1920x1080.jpg"] is None  # includesText false
    assert found[0].votes is None and found[0].metadata["tvdb_score"] == 100001
    assert language_2("ger") == "de" and language_2(None) is None


def test_theaudiodb_artist(providers: ProviderServer) -> None:
    with AudioDBClient(provider_config("theaudiodb", Settings.load())) as adb:
        found = adb.artist(111239)
        with pytest.raises(NotFound):
            adb.artist(1)
    assert sorted(c.asset_type for c in found) == [
        "artistthumb", "banner", "clearlogo", "fanart", "fanart", "landscape"
    ]  # fmt: skip
    assert all(c.width is None and c.votes is None for c in found)  # missing data


def test_real_world_data_selects_across_providers(providers: ProviderServer) -> None:
    with (
        TMDBClient(provider_config("tmdb", Settings.load())) as tmdb,
        FanartClient(provider_config("fanart_tv", Settings.load())) as fanart,
    ):
        results = {"tmdb": tmdb.images(550, "movie"), "fanart_tv": fanart.artwork(550, "movie")}
    outcome = select_best_assets(results, "movie", "en")
    winners = {t: (s.winner.provider, s.winner.url.rsplit("/", 1)[1]) for t, s in outcome.items()}
    # The worked example's situation with real shapes: TMDB's 2000x3000 English poster is
    # tier 1; fanart.tv's 1000x1426 poster (125 likes) is tier 2 and cannot win.
    assert winners["poster"] == ("tmdb", "poster1-2000x3000.jpg")
    # The spec: the English backdrop's 30 votes drop the others in tier 1.
    assert winners["fanart"] == ("tmdb", "backdrop-text-1920x1080.jpg")
    # kodi: textless first; fanart.tv's 4 likes vs TMDB's 12 votes is significant.
    kodi = select_best_assets(results, "movie", "en", policy="kodi")
    assert kodi["fanart"].winner is not None
    assert kodi["fanart"].winner.url.endswith("backdrop-clean-3840x2160.jpg")
    assert winners["clearlogo"] == ("fanart_tv", "hdlogo-800x310.png")
    assert winners["discart"] == ("fanart_tv", "disc-1000x1000.png")
    assert outcome["keyart"].winner.provider == "tmdb"


# ---- errors, retries, rate limits ---------------------------------------------------


def test_bad_key_is_a_clear_error(providers: ProviderServer, monkeypatch) -> None:
    monkeypatch.setenv("TMDB_API_KEY", "wrong")
    config = provider_config("tmdb", Settings.load())
    with TMDBClient(config) as tmdb, pytest.raises(ProviderError) as err:
        tmdb.images(550, "movie")
    assert "tmdb rejected the API key (401): Invalid API key" in str(err.value)
    assert "$TMDB_API_KEY" in str(err.value)
    assert len(providers.hits("/3/")) == 1  # not retried


def test_missing_key_names_where_to_set_it(providers: ProviderServer, monkeypatch) -> None:
    monkeypatch.delenv("FANART_TV_API_KEY")
    config = provider_config("fanart_tv", Settings.load())
    with FanartClient(config) as fanart, pytest.raises(ProviderError) as e:
        fanart.artwork(550, "movie")
    assert "$FANART_TV_API_KEY" in str(e.value) and "config.toml" in str(e.value)
    assert providers.hits("/v3/") == []


def test_unknown_item_is_not_found(providers: ProviderServer) -> None:
    config = provider_config("tmdb", Settings.load())
    with TMDBClient(config) as tmdb, pytest.raises(NotFound) as err:
        tmdb.images(999999, "movie")
    assert "could not be found" in str(err.value)


def test_429_is_retried_after_the_servers_delay(providers: ProviderServer) -> None:
    providers.script(
        "/3/movie/550/images",
        Scripted(429, {"Retry-After": "2"}),
        Scripted(429, {"Retry-After": "1"}),
    )
    sleeps: list[float] = []
    with _client(TMDBClient, "tmdb", sleeps, rate_per_second=0) as tmdb:
        assert len(tmdb.images(550, "movie")) == 8
    assert sleeps == [2.0, 1.0]
    assert len(providers.hits("/3/movie/550/images")) == 3


def test_429_until_retries_run_out(providers: ProviderServer) -> None:
    providers.script("/3/movie/550/images", *[Scripted(429) for _ in range(3)])
    sleeps: list[float] = []
    client = _client(TMDBClient, "tmdb", sleeps, retries=2, backoff=0.25, rate_per_second=0)
    with client as tmdb, pytest.raises(ProviderError) as err:
        tmdb.images(550, "movie")
    assert "rate limit exceeded" in str(err.value) and "3 attempts" in str(err.value)
    assert sleeps == [0.25, 0.5]  # exponential backoff without Retry-After


def test_server_errors_are_retried(providers: ProviderServer) -> None:
    providers.script("/v3/movies/550", Scripted(503), Scripted(500))
    sleeps: list[float] = []
    with _client(FanartClient, "fanart_tv", sleeps, rate_per_second=0) as fanart:
        assert fanart.artwork(550, "movie")
    assert sleeps == [0.5, 1.0]


def test_timeouts_are_retried_then_reported(providers: ProviderServer) -> None:
    providers.script("/v3/movies/550", Scripted(200, delay=0.6), Scripted(200, delay=0.6))
    sleeps: list[float] = []
    client = _client(FanartClient, "fanart_tv", sleeps, timeout=0.2, retries=1)
    with client as fanart, pytest.raises(ProviderError) as err:
        fanart.artwork(550, "movie")
    assert "no answer within 0.2 s" in str(err.value)
    assert sleeps[-1] == 0.5


def test_unreachable_server(monkeypatch) -> None:
    monkeypatch.setenv("TMDB_API_KEY", "k")
    sleeps: list[float] = []
    config = provider_config("tmdb", Settings.load(), base_url="http://127.0.0.1:9/3", retries=1)
    with TMDBClient(config, sleep=sleeps.append) as tmdb, pytest.raises(ProviderError) as err:
        tmdb.images(1, "movie")
    assert "cannot reach" in str(err.value)


def test_rate_limiter_spaces_requests() -> None:
    now = [100.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(4.0, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        limiter.wait()
    assert sleeps == [0.25, 0.25]
    now[0] += 10  # idle: no wait
    limiter.wait()
    assert sleeps == [0.25, 0.25]


def test_configuration_sources(tmp_path: Path, monkeypatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text(
        '[providers.tmdb]\napi_key = "from-file"\nretries = 5\nrate_per_second = 2\n'
        '[providers.fanart_tv]\nbase_url = "http://fanart.local/v3"\n'
    )
    monkeypatch.setenv("CURATA_HOME", str(home))
    monkeypatch.delenv("TMDB_API_KEY", raising=False)
    monkeypatch.delenv("CURATA_TMDB_API_KEY", raising=False)
    monkeypatch.delenv("CURATA_FANART_TV_URL", raising=False)
    config = provider_config("tmdb", Settings.load())
    assert (config.api_key, config.retries, config.rate_per_second) == ("from-file", 5, 2.0)
    monkeypatch.setenv("TMDB_API_KEY", "from-env")
    assert provider_config("tmdb", Settings.load()).api_key == "from-env"
    assert provider_config("tmdb", Settings.load(), api_key="explicit").api_key == "explicit"
    assert provider_config("fanart_tv", Settings.load()).base_url == "http://fanart.local/v3"
    (home / "config.toml").write_text("[providers\n")
    with pytest.raises(ProviderError, match="cannot read"):
        provider_config("tmdb", Settings.load())


def test_bad_provider_data_names_the_entry() -> None:
    payload = {"posters": [{"file_path": "/a.jpg", "width": -5, "height": 10}]}
    with pytest.raises(ProviderError, match=r"tmdb: unexpected data at posters\[0\]\.width"):
        tmdb_candidates(payload, "https://img")


def test_transport_is_httpx(providers: ProviderServer) -> None:
    with ProviderClient(provider_config("tmdb", Settings.load())) as client:
        assert isinstance(client.http, httpx.Client)
        response = client.request("GET", f"{providers.base}/img/x-10x10.png")
    assert response.headers["content-type"] == "image/png"

"""Providers as plugins: the table, Cover Art Archive on loopback, a third-party provider
added through the ``curata.art_providers`` entry point group (a real installed
distribution on ``sys.path``), and merged candidates."""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from curata import Curata
from curata.autoselect import providers as table
from curata.autoselect.fetch import asked_providers, item_of
from curata.autoselect.priorities import balanced_order
from curata.autoselect.providers.coverartarchive import caa_candidates
from curata.autoselect.providers.http import provider_config
from curata.cli.main import app
from curata.config import Settings
from curata.errors import InvalidRequest, NotFound, ProviderError
from curata.models.autoselect import FetchRequest
from tests.autoselect.provider_server import CAA_RELEASE_GROUP, ProviderServer

runner = CliRunner()


def test_the_table_holds_every_builtin_provider() -> None:
    names = set(table.providers())
    assert names == {"tmdb", "fanart_tv", "tvdb", "theaudiodb", "musicbrainz"}
    for provider in table.providers().values():
        assert provider_config(provider.name, Settings.load()).name == provider.name
    # the spec's music order names musicbrainz: now a real provider with album art
    assert balanced_order("music", "albumcover") == ("theaudiodb", "musicbrainz", "local")
    assert balanced_order("music", "artistthumb") == ("theaudiodb", "local")
    with pytest.raises(ProviderError) as err:
        table.provider("nope")
    assert "known: tmdb" in err.value.message


def test_which_providers_are_asked() -> None:
    def asked(**fields: object) -> list[str]:
        request = FetchRequest.model_validate({"into": "/tmp/x", **fields})
        return [p.name for p in asked_providers(request, item_of(request))]

    assert asked(tmdb_id=550) == ["tmdb"]  # fanart.tv is opt-in
    assert asked(tmdb_id=550, use_fanart=True) == ["tmdb", "fanart_tv"]
    assert asked(media_type="tv", tvdb_id=1, tmdb_id=2) == ["tmdb", "tvdb"]
    music = asked(media_type="music", musicbrainz_id="a", ids={"musicbrainz_release_group": "b"})
    assert music == ["theaudiodb", "musicbrainz"]
    assert asked(tmdb_id=550, providers=[]) == []
    with pytest.raises(ProviderError):
        asked(tmdb_id=550, providers=["nope"])


def test_cover_art_archive_adapter() -> None:
    payload = {
        "images": [
            {"image": "https://caa/f.jpg", "types": ["Front"], "front": True, "approved": True},
            {"image": "https://caa/b.jpg", "types": ["Back"], "front": False, "approved": True},
            {"image": "https://caa/m.png", "types": ["Medium"], "front": False},
            {"image": "https://caa/x.jpg", "types": ["Front"], "front": True, "approved": False},
            "not an image",
        ],
        "release": "https://musicbrainz.org/release/r",
    }
    found = caa_candidates(payload)
    assert [(c.asset_type, c.url) for c in found] == [
        ("albumcover", "https://caa/f.jpg"), ("discart", "https://caa/m.png")
    ]  # fmt: skip
    assert found[0].provider == "musicbrainz" and found[0].width is None
    with pytest.raises(ProviderError) as err:
        caa_candidates({"images": {"not": "a list"}})
    assert "images is not a list" in err.value.message


def test_fetch_album_art_from_cover_art_archive(
    providers: ProviderServer, cur: Curata, tmp_path: Path
) -> None:
    folder = tmp_path / "Parachutes"
    ids = {"musicbrainz_release_group": CAA_RELEASE_GROUP}
    result = cur.fetch_artwork({"into": str(folder), "media_type": "music", "ids": ids}).data
    written = {i.asset_type.value: Path(i.path).name for i in result.items if i.path}
    assert written == {"albumcover": "cover.jpg", "discart": "discart.png"}
    with Image.open(folder / "cover.jpg") as im:
        assert im.size == (1200, 1200)  # the approved front, not the unapproved one
    assert providers.hits(f"/caa/release-group/{CAA_RELEASE_GROUP}")
    with pytest.raises(NotFound):
        cur.fetch_artwork({"into": str(tmp_path / "none"), "media_type": "music",
                           "ids": {"musicbrainz_release_group": "00000000-0000-0000-0000-"
                                   "000000000000"}})  # fmt: skip
    with pytest.raises(InvalidRequest) as err:
        cur.fetch_artwork({"into": str(tmp_path / "bad"), "media_type": "music",
                           "ids": {"musicbrainz_release_group": "../../etc"}})  # fmt: skip
    assert err.value.field == "ids.musicbrainz_release_group"


PLUGIN = '''
"""A third-party art source: banners by IMDb id from a JSON endpoint."""

from types import MappingProxyType

from curata.autoselect.providers.base import asset_types
from curata.autoselect.providers.http import ProviderClient, ProviderConfig
from curata.models.autoselect import ArtMediaType, AssetCandidate


class BannerSource:
    name = "bannerhub"
    media_types = frozenset({ArtMediaType.MOVIE})
    defaults = ProviderConfig("bannerhub", "https://bannerhub.invalid/api")
    offers = MappingProxyType({ArtMediaType.MOVIE: asset_types("banner")})
    opt_in = False

    def client(self, config):
        return ProviderClient(config)

    def finds(self, item):
        return "imdb" in item.ids

    def candidates(self, client, item):
        for entry in client.get_json(f"banners/{item.ids['imdb']}")["banners"]:
            yield AssetCandidate(provider=self.name, url=entry["url"], asset_type="banner",
                                 width=entry["w"], height=entry["h"], votes=entry["likes"])
'''


@pytest.fixture
def plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """An installed distribution (dist-info with an entry point) on sys.path."""
    site = tmp_path / "site"
    (site / "bannerhub_art").mkdir(parents=True)
    (site / "bannerhub_art" / "__init__.py").write_text(textwrap.dedent(PLUGIN))
    info = site / "bannerhub_art-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: bannerhub-art\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        "[curata.art_providers]\nbannerhub = bannerhub_art:BannerSource\n"
    )
    monkeypatch.syspath_prepend(str(site))
    table.providers.cache_clear()
    yield
    table.providers.cache_clear()
    sys.modules.pop("bannerhub_art", None)


def test_a_plugin_provider_is_one_module(
    plugin: None,
    providers: ProviderServer,
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert "bannerhub" in table.providers()
    monkeypatch.setenv("CURATA_BANNERHUB_URL", f"{providers.base}/bannerhub")
    cur = Curata(database=db_path)  # reads the environment as it opens
    art = f"{providers.base}/bannerhub/img"
    providers.script_json(
        "/bannerhub/banners/tt0137523",
        {"banners": [{"url": f"{art}/wide-1000x185.jpg", "w": 1000, "h": 185, "likes": 3}]},
    )
    folder = tmp_path / "Fight Club"
    result = cur.fetch_artwork(
        {"into": str(folder), "tmdb_id": 550, "ids": {"imdb": "tt0137523"}}
    ).data
    # One item, candidates of both providers merged and ranked together.
    winners = {k: v.winner.provider for k, v in result.selection.results.items() if v.winner}
    assert winners["banner"] == "bannerhub" and winners["poster"] == "tmdb"
    with Image.open(folder / "banner.jpg") as im:
        assert im.size == (1000, 185)
    # A custom order can put it anywhere; unlisted it ranks after the listed providers.
    assert result.selection.results["banner"].provider_order == ["fanart_tv", "local"]
    cur.close()


def test_a_plugin_cannot_take_a_builtin_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site2"
    (site / "evil_art").mkdir(parents=True)
    (site / "evil_art" / "__init__.py").write_text(
        textwrap.dedent(PLUGIN).replace('name = "bannerhub"', 'name = "tmdb"')
    )
    info = site / "evil_art-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: evil-art\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[curata.art_providers]\nevil = evil_art:BannerSource\n")
    monkeypatch.syspath_prepend(str(site))
    table.providers.cache_clear()
    try:
        with pytest.raises(ProviderError) as err:
            table.providers()
        assert "'tmdb', which is taken" in err.value.message
    finally:
        table.providers.cache_clear()
        sys.modules.pop("evil_art", None)


def test_cli_fetch_with_other_ids_and_a_dry_run(
    providers: ProviderServer, db_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "album"
    args = ["--database", str(db_path), "artwork", "fetch", "--into", str(folder), "-m", "music",
            "--id", f"musicbrainz_release_group={CAA_RELEASE_GROUP}", "--provider", "musicbrainz",
            "--dry-run", "--json"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    actions = {i["asset_type"]: i["action"] for i in json.loads(result.stdout)["items"]}
    assert actions == {"albumcover": "would be downloaded", "discart": "would be downloaded"}
    assert not folder.exists()
    bad = runner.invoke(app, [*args[:-4], "--id", "imdb"])
    assert bad.exit_code == 2 and "KEY=VALUE" in bad.output

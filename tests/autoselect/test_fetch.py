"""artwork fetch end to end: real HTTP on loopback, real files, Kodi names, locks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from curata import Curata
from curata.autoselect.fetch import MANIFEST
from curata.autoselect.kodi import asset_type_of, existing_art
from curata.autoselect.providers.local import local_candidates
from curata.cli.main import app
from curata.errors import InvalidRequest, NotFound
from tests.autoselect.provider_server import ProviderServer

runner = CliRunner()


def _image(path: Path, width: int, height: int, colour: tuple[int, int, int] = (10, 120, 200)):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (width, height), colour).save(path)
    return path


def _actions(result) -> dict[str, str]:
    return {i.asset_type.value: i.action for i in result.items}


def test_kodi_names_and_local_files_measured(tmp_path: Path) -> None:
    folder = tmp_path / "Fight Club (1999)"
    _image(folder / "poster.jpg", 1000, 1500)
    _image(folder / "Fight Club (1999)-fanart.jpg", 1920, 1080)
    _image(folder / "logo.png", 800, 310)
    _image(folder / "random.jpg", 100, 100)
    (folder / "banner.jpg").write_bytes(b"not an image")
    assert asset_type_of("Fight Club-poster.jpg", "movie") == "poster"
    assert asset_type_of("cover.jpg", "music") == "albumcover"
    assert asset_type_of("poster.txt", "movie") is None
    assert set(existing_art(folder, "movie")) == {"poster", "fanart", "clearlogo", "banner"}
    found = {c.asset_type: c for c in local_candidates(folder, "movie")}
    assert set(found) == {"poster", "fanart", "clearlogo"}  # the broken banner is skipped
    poster = found["poster"]
    assert (poster.width, poster.height, poster.provider) == (1000, 1500, "local")
    assert poster.file_size == (folder / "poster.jpg").stat().st_size
    assert poster.perceptual_hash is not None and len(poster.perceptual_hash) == 16


def test_fetch_downloads_winners_under_kodi_names(
    providers: ProviderServer, cur: Curata, tmp_path: Path
) -> None:
    folder = tmp_path / "movie"
    result = cur.fetch_artwork({"into": str(folder), "tmdb_id": 550, "use_fanart": True}).data
    actions = _actions(result)
    assert actions == {
        "poster": "downloaded", "fanart": "downloaded", "clearlogo": "downloaded",
        "clearart": "downloaded", "landscape": "downloaded", "discart": "downloaded",
        "keyart": "downloaded",
    }  # fmt: skip
    files = sorted(p.name for p in folder.iterdir())
    assert files == [MANIFEST, "clearart.png", "clearlogo.png", "discart.png", "fanart.jpg",
                     "keyart.jpg", "landscape.jpg", "poster.jpg"]  # fmt: skip
    with Image.open(folder / "poster.jpg") as im:
        assert im.size == (2000, 3000)  # TMDB poster 1, the rules' winner
    with Image.open(folder / "fanart.jpg") as im:
        # The spec: in tier 1 the English backdrop's 30 votes drop the textless 3840x2160
        # one (12) and fanart.tv's (4). The kodi policy prefers textless fanart (below).
        assert im.size == (1920, 1080)
    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["fetched"]["fanart"]["url"].endswith("backdrop-text-1920x1080.jpg")
    assert manifest["fetched"]["poster"]["provider"] == "tmdb"
    assert len(manifest["fetched"]["poster"]["sha256"]) == 64
    assert not list(folder.glob(".curata-download-*"))

    # A second run finds everything there: nothing is downloaded again.
    downloads = len(providers.hits("/t/p/original/"))
    again = cur.fetch_artwork({"into": str(folder), "tmdb_id": 550, "use_fanart": True}).data
    assert set(_actions(again).values()) == {"kept"}
    assert len(providers.hits("/t/p/original/")) == downloads
    assert again.selection is not None and again.selection.policy.name == "spec"

    kodi = tmp_path / "kodi"
    chosen = cur.fetch_artwork({"into": str(kodi), "tmdb_id": 550, "policy": "kodi"}).data
    assert chosen.selection is not None and chosen.selection.policy.name == "kodi"
    with Image.open(kodi / "fanart.jpg") as im:
        assert im.size == (3840, 2160)  # textless first


def test_fetch_never_replaces_the_users_art_or_locked_art(
    providers: ProviderServer, cur: Curata, tmp_path: Path
) -> None:
    folder = tmp_path / "movie"
    own = _image(folder / "fanart.jpg", 1280, 720, (1, 2, 3))
    before = own.read_bytes()
    state = cur.lock_artwork({"folder": str(folder), "asset_types": ["poster"]}).data
    assert [t.value for t in state.locked] == ["poster"]
    result = cur.fetch_artwork(
        {"into": str(folder), "tmdb_id": 550, "replace": True, "asset_types": ["poster", "fanart"]}
    ).data
    items = {i.asset_type.value: i for i in result.items}
    assert items["poster"].action == "locked"
    assert items["fanart"].action == "kept"
    assert "your own" in items["fanart"].reason
    assert own.read_bytes() == before
    assert not (folder / "poster.jpg").exists()
    assert result.selection.results["poster"].locked
    # Unlocked, the poster is fetched; the user's fanart still stays.
    cur.lock_artwork({"folder": str(folder), "asset_types": ["poster"], "locked": False})
    result = cur.fetch_artwork({"into": str(folder), "tmdb_id": 550, "replace": True}).data
    assert _actions(result)["poster"] == "downloaded"
    assert own.read_bytes() == before


def test_replace_only_touches_what_curata_wrote(
    providers: ProviderServer, cur: Curata, tmp_path: Path
) -> None:
    folder = tmp_path / "movie"
    request = {"into": str(folder), "tmdb_id": 550, "asset_types": ["poster"]}
    cur.fetch_artwork(request)
    # fanart.tv now offers nothing better for posters, so replace keeps the same file.
    kept = cur.fetch_artwork({**request, "replace": True}).data.items[0]
    assert (kept.action, kept.reason) == ("kept", "already the best")
    # Pretend curata had written a different poster: replace swaps it for the winner.
    manifest = json.loads((folder / MANIFEST).read_text())
    manifest["fetched"]["poster"]["url"] = "https://old.example/poster.jpg"
    (folder / MANIFEST).write_text(json.dumps(manifest))
    assert cur.fetch_artwork(request).data.items[0].action == "kept"  # no replace asked
    assert cur.fetch_artwork({**request, "replace": True}).data.items[0].action == "replaced"
    # Once the user edits the file, it is theirs.
    _image(folder / "poster.jpg", 1000, 1500, (9, 9, 9))
    mine = cur.fetch_artwork({**request, "replace": True}).data.items[0]
    assert mine.action == "kept" and "your own" in mine.reason


def test_dry_run_writes_nothing(providers: ProviderServer, cur: Curata, tmp_path: Path) -> None:
    folder = tmp_path / "new-movie"
    result = cur.fetch_artwork({"into": str(folder), "tmdb_id": 550, "dry_run": True}).data
    assert set(_actions(result).values()) == {"would be downloaded"}
    assert not folder.exists()


def test_a_download_that_is_not_an_image_leaves_nothing(
    providers: ProviderServer, cur: Curata, tmp_path: Path
) -> None:
    providers.broken_images.add("/t/p/original/poster1-2000x3000.jpg")
    folder = tmp_path / "movie"
    result = cur.fetch_artwork(
        {"into": str(folder), "tmdb_id": 550, "asset_types": ["poster", "fanart"]}
    ).data
    items = {i.asset_type.value: i for i in result.items}
    assert items["poster"].action == "failed"
    assert "not a readable image" in items["poster"].reason
    assert items["fanart"].action == "downloaded"
    assert sorted(p.name for p in folder.iterdir()) == [MANIFEST, "fanart.jpg"]


def test_fetch_errors(providers: ProviderServer, cur: Curata, tmp_path: Path) -> None:
    with pytest.raises(NotFound):
        cur.fetch_artwork({"into": str(tmp_path / "m"), "tmdb_id": 999})
    with pytest.raises(InvalidRequest) as err:
        cur.fetch_artwork({"into": str(tmp_path / "m")})
    assert "tmdb_id" in str(err.value)
    (tmp_path / "file").write_text("x")
    with pytest.raises(InvalidRequest) as err:
        cur.fetch_artwork({"into": str(tmp_path / "file"), "tmdb_id": 550})
    assert err.value.field == "into"
    with pytest.raises(NotFound):
        cur.lock_artwork({"folder": str(tmp_path / "missing"), "asset_types": ["poster"]})


def test_fanart_tv_missing_item_is_a_note(
    providers: ProviderServer, cur: Curata, tmp_path: Path
) -> None:
    result = cur.fetch_artwork(
        {"into": str(tmp_path / "tv"), "media_type": "tv", "tvdb_id": 121361, "use_fanart": True,
         "dry_run": True}
    ).data  # fmt: skip
    assert result.notes == ["fanart_tv: fanart_tv: not found: "
                            f"{providers.base}/v3/tv/121361 (Not found)"]  # fmt: skip
    winners = {k: v.winner.provider for k, v in result.selection.results.items() if v.winner}
    assert winners == {"poster": "tvdb", "fanart": "tvdb", "banner": "tvdb", "clearlogo": "tvdb"}


def test_cli_pick_fetch_strategy_priority_lock(
    providers: ProviderServer, db_path: Path, tmp_path: Path
) -> None:
    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(app, ["--database", str(db_path), *args])
        assert result.exit_code == code, result.output
        return result.stdout

    run("init")  # the commands refuse a catalog that does not exist
    candidates = tmp_path / "candidates.json"
    candidates.write_text(json.dumps({
        "tmdb": [{"url": "t1", "asset_type": "poster", "width": 2000, "height": 3000,
                  "language": "de"}],
        "fanart_tv": [{"url": "f1", "asset_type": "poster", "width": 1000, "height": 1426,
                       "language": "de", "votes": 125}],
    }))  # fmt: skip
    picked = json.loads(run("artwork", "pick", str(candidates), "--language", "de", "--json"))
    assert picked["results"]["poster"]["winner"]["candidate"]["url"] == "t1"
    assert "Best quality in preferred language" in run("artwork", "pick", str(candidates),
                                                        "-l", "de")  # fmt: skip
    assert "strategy: balanced" in run("artwork", "strategy")
    run("artwork", "priority", "set", "movie", "poster", "fanart_tv", "--disable", "tmdb")
    assert json.loads(run("artwork", "strategy", "--json"))["strategy"] == "custom"
    picked = json.loads(run("artwork", "pick", str(candidates), "-l", "de", "--json"))
    assert picked["results"]["poster"]["winner"]["candidate"]["url"] == "f1"
    shown = json.loads(run("artwork", "priority", "show", "movie", "--json"))
    poster = next(e for e in shown["entries"] if e["asset_type"] == "poster")
    assert (poster["providers"], poster["disabled"]) == (["fanart_tv"], ["tmdb"])
    run("artwork", "priority", "reset")
    run("artwork", "strategy", "balanced")
    folder = tmp_path / "Fight Club"
    assert "locked poster" in run("artwork", "lock", str(tmp_path), "poster")
    fetched = json.loads(run("artwork", "fetch", "--tmdb", "550", "--fanart", "--into",
                             str(folder), "--type", "poster", "--json"))  # fmt: skip
    assert fetched["items"][0]["action"] == "downloaded"
    assert (folder / "poster.jpg").is_file()
    assert "kept" in run("artwork", "fetch", "--tmdb", "550", "--into", str(folder),
                         "--type", "poster")  # fmt: skip
    err = runner.invoke(app, ["--database", str(db_path), "artwork", "pick", str(tmp_path / "x")])
    assert err.exit_code == 2 and "no such file" in err.output
    bad = runner.invoke(app, ["--database", str(db_path), "artwork", "strategy", "best"])
    assert bad.exit_code == 2


def test_fetch_music_artist_art(providers: ProviderServer, cur: Curata, tmp_path: Path) -> None:
    folder = tmp_path / "Coldplay"
    result = cur.fetch_artwork(
        {"into": str(folder), "media_type": "music", "theaudiodb_id": 111239}
    ).data
    written = {i.asset_type.value: Path(i.path).name for i in result.items if i.path}
    assert written == {
        "artistthumb": "thumb.jpg", "fanart": "fanart.jpg", "clearlogo": "clearlogo.png",
        "landscape": "landscape.jpg", "banner": "banner.jpg",
    }  # fmt: skip
    # Two fanart candidates, no sizes and no votes: provider priority ties, the stable
    # key decides, and the same one wins every time.
    assert result.selection.results["fanart"].winner.reason.endswith("first by stable key")


def test_cli_policy_flags(db_path: Path, tmp_path: Path) -> None:
    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(app, ["--database", str(db_path), *args])
        assert result.exit_code == code, result.output
        return result.stdout

    candidates = tmp_path / "candidates.json"
    candidates.write_text(json.dumps({
        "tmdb": [{"url": "small-en", "asset_type": "poster", "width": 300, "height": 450,
                  "language": "en"},
                 {"url": "big-fr", "asset_type": "poster", "width": 2000, "height": 3000,
                  "language": "fr"}],
    }))  # fmt: skip

    def winner(*flags: str) -> tuple[str, str]:
        out = json.loads(run("artwork", "pick", str(candidates), "-l", "de", *flags, "--json"))
        poster = out["results"]["poster"]["winner"]
        return out["policy"]["name"], poster["candidate"]["url"] if poster else None

    assert winner() == ("spec", "big-fr")  # tier 3 beats tier 4; no minimum
    assert winner("--policy", "kodi") == ("kodi", "big-fr")  # small-en is below 500x700
    assert winner("--policy", "kodi", "--no-min-size") == ("custom", "small-en")  # fallback en
    assert winner("--fallback", "en") == ("custom", "small-en")
    assert winner("--min-size", "poster=2500x0") == ("custom", None)
    assert winner("-p", "kodi", "--no-fallback", "--no-min-size") == ("custom", "big-fr")
    assert "policy: spec" in run("artwork", "policy")
    run("artwork", "policy", "custom", "--fallback", "en", "--no-textless")
    stored = json.loads(run("artwork", "policy", "--json"))
    assert (stored["name"], stored["fallback_languages"]) == ("custom", ["en"])
    assert winner() == ("custom", "small-en")
    bad = runner.invoke(app, ["--database", str(db_path), "artwork", "pick", str(candidates),
                              "--min-size", "poster:500"])  # fmt: skip
    assert bad.exit_code == 2 and "TYPE=WIDTHxHEIGHT" in bad.output
    bad = runner.invoke(app, ["--database", str(db_path), "artwork", "policy", "kodi",
                              "--textless"])  # fmt: skip
    assert bad.exit_code == 2 and "prefer_textless" in bad.output

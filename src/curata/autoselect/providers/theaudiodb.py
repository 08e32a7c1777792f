"""TheAudioDB API v1: ``artist.php`` / ``artist-mb.php`` and ``album.php`` /
``album-mb.php``. Art comes as URL fields of the artist or album record; there are
no sizes and no votes, so those are missing data (the spec's table applies)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

from curata.autoselect.providers.adapt import candidate
from curata.autoselect.providers.base import Item, asset_types
from curata.autoselect.providers.http import ProviderClient, ProviderConfig
from curata.errors import NotFound
from curata.models.autoselect import ArtMediaType, AssetCandidate

NAME = "theaudiodb"

ARTIST_FIELDS = {
    "strArtistThumb": "artistthumb",
    "strArtistLogo": "clearlogo",
    "strArtistClearart": "clearart",
    "strArtistWideThumb": "landscape",
    "strArtistFanart": "fanart",
    "strArtistFanart2": "fanart",
    "strArtistFanart3": "fanart",
    "strArtistFanart4": "fanart",
    "strArtistBanner": "banner",
}
ALBUM_FIELDS = {
    "strAlbumThumb": "albumcover",
    "strAlbumThumbHQ": "albumcover",
    "strAlbumCDart": "discart",
}


def audiodb_candidates(payload: Mapping[str, Any]) -> list[AssetCandidate]:
    """Candidates from an artist (``artists``) or album (``album``) response."""
    out = []
    for key, fields in (("artists", ARTIST_FIELDS), ("album", ALBUM_FIELDS)):
        records = payload.get(key) if isinstance(payload, Mapping) else None
        for i, record in enumerate(records or []):
            if not isinstance(record, Mapping):
                continue
            for field, asset_type in fields.items():
                url = record.get(field)
                if isinstance(url, str) and url.startswith(("http://", "https://")):
                    out.append(
                        candidate(
                            NAME,
                            f"{key}[{i}].{field}",
                            asset_type,
                            {"url": url, "metadata": {"field": field}},
                        )
                    )
    return out


class AudioDBClient(ProviderClient):
    """TheAudioDB (the key is part of the path; "2" is its public test key)."""

    def artist(self, artist_id: int | None = None, mbid: str | None = None) -> list[AssetCandidate]:
        return self._lookup("artist", "artists", artist_id, mbid)

    def album(self, album_id: int | None = None, mbid: str | None = None) -> list[AssetCandidate]:
        return self._lookup("album", "album", album_id, mbid)

    def _lookup(
        self, kind: str, key: str, item_id: int | None, mbid: str | None
    ) -> list[AssetCandidate]:
        api_key = self.config.require_key()
        if mbid:
            payload = self.get_json(f"{api_key}/{kind}-mb.php", {"i": mbid})
        else:
            payload = self.get_json(
                f"{api_key}/{kind}.php", {"i" if kind == "artist" else "m": item_id}
            )
        if not isinstance(payload, Mapping) or not payload.get(key):
            raise NotFound(f"theaudiodb: no {kind} {mbid or item_id}")
        return audiodb_candidates(payload)


class TheAudioDB:
    """TheAudioDB: artists by TheAudioDB id or MusicBrainz artist id."""

    name = NAME
    media_types = frozenset({ArtMediaType.MUSIC})
    defaults = ProviderConfig(
        NAME,
        "https://www.theaudiodb.com/api/v1/json",
        rate_per_second=2.0,
        env_names=("CURATA_THEAUDIODB_API_KEY", "THEAUDIODB_API_KEY"),
    )
    offers = MappingProxyType(
        {
            ArtMediaType.MUSIC: asset_types(
                "albumcover artistthumb fanart clearlogo clearart banner landscape discart"
            )
        }
    )
    opt_in = False

    def client(self, config: ProviderConfig) -> AudioDBClient:
        return AudioDBClient(config)

    def finds(self, item: Item) -> bool:
        return "theaudiodb" in item.ids or "musicbrainz" in item.ids

    def candidates(self, client: ProviderClient, item: Item) -> Iterator[AssetCandidate]:
        assert isinstance(client, AudioDBClient)
        audiodb = item.ids.get("theaudiodb")
        yield from client.artist(int(audiodb) if audiodb else None, item.ids.get("musicbrainz"))

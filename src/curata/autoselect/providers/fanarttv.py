"""fanart.tv API v3: ``/movies/{id}``, ``/tv/{id}``, ``/music/{mbid}``.

Entries have ``id``, ``url``, ``lang`` and ``likes`` (numbers as strings) and no
dimensions: fanart.tv enforces a fixed size per type, so candidates carry that size
with ``nominal_size`` set. Disc art (``moviedisc``, ``cdart``) also says its edge in
``size`` ("1000", "450"): that is its real size. ``lang`` "" or "00" means no text
(language-neutral).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

from curata.autoselect.providers.adapt import candidate, entries, to_int
from curata.autoselect.providers.base import Item, asset_types
from curata.autoselect.providers.http import ProviderClient, ProviderConfig
from curata.errors import InvalidRequest
from curata.models.autoselect import ArtMediaType, AssetCandidate

NAME = "fanart_tv"

# response key -> (asset type, fixed width, fixed height)
MOVIE_TYPES = {
    "movieposter": ("poster", 1000, 1426),
    "moviebackground": ("fanart", 1920, 1080),
    "hdmovielogo": ("clearlogo", 800, 310),
    "movielogo": ("clearlogo", 400, 155),
    "hdmovieclearart": ("clearart", 1000, 562),
    "movieart": ("clearart", 500, 281),
    "moviebanner": ("banner", 1000, 185),
    "moviethumb": ("landscape", 1000, 562),
    "moviedisc": ("discart", 1000, 1000),
}
TV_TYPES = {
    "tvposter": ("poster", 1000, 1426),
    "showbackground": ("fanart", 1920, 1080),
    "hdtvlogo": ("clearlogo", 800, 310),
    "clearlogo": ("clearlogo", 400, 155),
    "hdclearart": ("clearart", 1000, 562),
    "clearart": ("clearart", 500, 281),
    "tvbanner": ("banner", 1000, 185),
    "tvthumb": ("landscape", 500, 281),
    "characterart": ("characterart", 512, 512),
}
MUSIC_TYPES = {
    "artistbackground": ("fanart", 1920, 1080),
    "artistthumb": ("artistthumb", 1000, 1000),
    "hdmusiclogo": ("clearlogo", 800, 310),
    "musiclogo": ("clearlogo", 400, 155),
    "musicbanner": ("banner", 1000, 185),
}
ALBUM_TYPES = {
    "albumcover": ("albumcover", 1000, 1000),
    "cdart": ("discart", 1000, 1000),
}
_KNOWN = {"id", "url", "lang", "likes"}
_SQUARE = {"discart"}  # types whose ``size`` is the edge of a square image


def _from(payload: Mapping[str, Any], types: Mapping[str, tuple[str, int, int]], prefix: str = ""):
    out = []
    for key, (asset_type, width, height) in types.items():
        for where, item in entries(NAME, payload, key):
            extra = {k: v for k, v in item.items() if k not in _KNOWN and v not in (None, "")}
            edge = to_int(item.get("size")) if asset_type in _SQUARE else None
            fields = {
                "url": item.get("url"),
                "width": edge or width,
                "height": edge or height,
                "nominal_size": not edge,
                "language": item.get("lang"),
                "votes": to_int(item.get("likes")),
                "metadata": {"fanart_id": str(item.get("id", "")), "type": key, **extra},
            }
            out.append(candidate(NAME, prefix + where, asset_type, fields))
    return out


def fanart_candidates(
    payload: Mapping[str, Any], media_type: ArtMediaType | str, album: str | None = None
) -> list[AssetCandidate]:
    """Candidates from a fanart.tv v3 response. For music, album art is included for
    ``album`` (a MusicBrainz release-group id), or for every album of an album response."""
    media = ArtMediaType(media_type)
    if media is ArtMediaType.MOVIE:
        return _from(payload, MOVIE_TYPES)
    if media is ArtMediaType.TV:
        return _from(payload, TV_TYPES)
    out = _from(payload, MUSIC_TYPES)
    albums = payload.get("albums") if isinstance(payload, Mapping) else None
    if isinstance(albums, Mapping):
        for mbid, art in albums.items():
            if isinstance(art, Mapping) and (album is None or mbid == album):
                out += _from(art, ALBUM_TYPES, f"albums.{mbid}.")
    return out


class FanartClient(ProviderClient):
    """fanart.tv: movies by TMDB or IMDb id, TV by TVDB id, music by MusicBrainz id."""

    def artwork(
        self, item_id: str | int, media_type: ArtMediaType | str, album: str | None = None
    ) -> list[AssetCandidate]:
        key = self.config.require_key()
        media = ArtMediaType(media_type)
        if media is ArtMediaType.MUSIC and album and not item_id:
            path = f"music/albums/{album}"
        elif media is ArtMediaType.MUSIC:
            path = f"music/{item_id}"
        else:
            path = f"{'movies' if media is ArtMediaType.MOVIE else 'tv'}/{item_id}"
        if not str(item_id or album or "").strip():
            raise InvalidRequest("fanart.tv needs an id", field="id")
        payload = self.get_json(path, {"api_key": key})
        return fanart_candidates(payload, media, album)


class FanartTV:
    """fanart.tv (opt-in: it needs a project key): movies by TMDB (or IMDb) id, TV by
    TVDB id, music by MusicBrainz artist id."""

    name = NAME
    media_types = frozenset(ArtMediaType)
    defaults = ProviderConfig(
        NAME,
        "https://webservice.fanart.tv/v3",
        rate_per_second=5.0,
        env_names=("CURATA_FANART_TV_API_KEY", "FANART_TV_API_KEY", "FANARTTV_API_KEY"),
    )
    offers = MappingProxyType(
        {
            ArtMediaType.MOVIE: asset_types(
                "poster fanart clearlogo clearart banner landscape discart"
            ),
            ArtMediaType.TV: asset_types(
                "poster fanart clearlogo clearart banner landscape characterart"
            ),
            ArtMediaType.MUSIC: asset_types(
                "fanart artistthumb clearlogo banner albumcover discart"
            ),
        }
    )
    opt_in = True
    _ID = MappingProxyType({ArtMediaType.MOVIE: ("tmdb", "imdb"), ArtMediaType.TV: ("tvdb",),
           ArtMediaType.MUSIC: ("musicbrainz",)})  # fmt: skip

    def _id(self, item: Item) -> str | None:
        return next((item.ids[k] for k in self._ID[item.media_type] if k in item.ids), None)

    def client(self, config: ProviderConfig) -> FanartClient:
        return FanartClient(config)

    def finds(self, item: Item) -> bool:
        return self._id(item) is not None

    def candidates(self, client: ProviderClient, item: Item) -> Iterator[AssetCandidate]:
        assert isinstance(client, FanartClient)
        yield from client.artwork(self._id(item) or "", item.media_type)

"""TMDB: ``/movie/{id}/images`` and ``/tv/{id}/images`` (posters, backdrops, logos).

Entries carry ``file_path``, ``width``, ``height``, ``aspect_ratio``, ``iso_639_1``
(null = no text), ``vote_average`` and ``vote_count``. Posters become ``poster``
(and, when textless, ``keyart`` too), backdrops ``fanart``, logos ``clearlogo``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

from curata.autoselect.providers.adapt import candidate, entries
from curata.autoselect.providers.base import Item, asset_types
from curata.autoselect.providers.http import ProviderClient, ProviderConfig
from curata.models.autoselect import ArtMediaType, AssetCandidate

NAME = "tmdb"
_TYPES = (("posters", "poster"), ("backdrops", "fanart"), ("logos", "clearlogo"))


def tmdb_candidates(payload: Mapping[str, Any], image_base_url: str) -> list[AssetCandidate]:
    """Candidates from a TMDB images response."""
    out = []
    base = image_base_url.rstrip("/")
    for key, asset_type in _TYPES:
        for where, item in entries(NAME, payload, key):
            path = item.get("file_path")
            if not isinstance(path, str) or not path:
                continue
            fields = {
                "url": base + path,
                "width": item.get("width"),
                "height": item.get("height"),
                "aspect_ratio": item.get("aspect_ratio") or None,
                "language": item.get("iso_639_1"),
                "votes": item.get("vote_count"),
                "vote_average": item.get("vote_average"),
                "metadata": {"file_path": path},
            }
            out.append(candidate(NAME, where, asset_type, fields))
            if asset_type == "poster" and item.get("iso_639_1") is None:
                out.append(candidate(NAME, where, "keyart", fields))
    return out


class TMDBClient(ProviderClient):
    """TMDB API v3 (a v3 API key, or a v4 read access token used as a bearer token)."""

    def images(
        self, tmdb_id: int, media_type: ArtMediaType | str, languages: Iterable[str] = ()
    ) -> list[AssetCandidate]:
        key = self.config.require_key()
        kind = "tv" if ArtMediaType(media_type) is ArtMediaType.TV else "movie"
        langs = [lang for lang in dict.fromkeys(languages) if lang]
        params: dict[str, Any] = {"include_image_language": ",".join([*langs, "null"])}
        headers = {}
        if key.startswith("eyJ"):  # a v4 read access token (a JWT)
            headers["Authorization"] = f"Bearer {key}"
        else:
            params["api_key"] = key
        payload = self.get_json(f"{kind}/{tmdb_id}/images", params, headers=headers)
        return tmdb_candidates(payload, self.config.image_base_url or "")


class TMDB:
    """Movies and TV by TMDB id."""

    name = NAME
    media_types = frozenset({ArtMediaType.MOVIE, ArtMediaType.TV})
    defaults = ProviderConfig(
        NAME,
        "https://api.themoviedb.org/3",
        image_base_url="https://image.tmdb.org/t/p/original",
        rate_per_second=20.0,
        env_names=("CURATA_TMDB_API_KEY", "TMDB_API_KEY"),
    )
    offers = MappingProxyType(
        dict.fromkeys(media_types, asset_types("poster fanart clearlogo keyart"))
    )
    opt_in = False

    def client(self, config: ProviderConfig) -> TMDBClient:
        return TMDBClient(config)

    def finds(self, item: Item) -> bool:
        return "tmdb" in item.ids

    def candidates(self, client: ProviderClient, item: Item) -> Iterator[AssetCandidate]:
        assert isinstance(client, TMDBClient)
        yield from client.images(int(item.ids["tmdb"]), item.media_type, item.languages)

"""TheTVDB API v4: ``POST /login`` for a token, then ``/series/{id}/artworks`` or
``/movies/{id}/extended`` (``data.artworks``).

Artworks have ``image``, ``language`` (ISO 639-2, e.g. ``eng``), ``type`` (an id, see
:data:`TYPES`), ``width``, ``height``, ``score`` and ``includesText``. Art without
text counts as language-neutral. ``score`` is TheTVDB's ranking, not a vote count:
it is kept in the metadata, not used as votes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

from curata.autoselect.providers.adapt import candidate, entries, to_int
from curata.autoselect.providers.base import Item, asset_types
from curata.autoselect.providers.http import ProviderClient, ProviderConfig, ProviderError
from curata.models.autoselect import ArtMediaType, AssetCandidate

NAME = "tvdb"

# artwork type id -> asset type (series and movie types; season/episode types skipped)
TYPES = {
    1: "banner",
    2: "poster",
    3: "fanart",
    22: "clearart",
    23: "clearlogo",
    14: "poster",
    15: "fanart",
    16: "banner",
    24: "clearart",
    25: "clearlogo",
}

ISO_639_2 = {
    "eng": "en", "deu": "de", "ger": "de", "fra": "fr", "fre": "fr", "spa": "es",
    "ita": "it", "jpn": "ja", "por": "pt", "rus": "ru", "zho": "zh", "chi": "zh",
    "kor": "ko", "nld": "nl", "dut": "nl", "swe": "sv", "nor": "no", "dan": "da",
    "fin": "fi", "pol": "pl", "tur": "tr", "ces": "cs", "cze": "cs", "hun": "hu",
    "ell": "el", "gre": "el", "heb": "he", "ara": "ar", "hin": "hi", "tha": "th",
}  # fmt: skip


def language_2(code: str | None) -> str | None:
    """ISO 639-2 (TheTVDB) to the two-letter codes the other providers use."""
    if not code:
        return None
    code = code.strip().lower()
    return ISO_639_2.get(code, code)


def tvdb_candidates(payload: Mapping[str, Any]) -> list[AssetCandidate]:
    """Candidates from a v4 artworks (or extended record) response."""
    data = payload.get("data") if isinstance(payload, Mapping) else None
    if not isinstance(data, Mapping):
        raise ProviderError("tvdb: the answer has no data object")
    out = []
    for where, item in entries(NAME, data, "artworks"):
        asset_type = TYPES.get(to_int(item.get("type")) or -1)
        if asset_type is None or not item.get("image"):
            continue
        textless = item.get("includesText") is False
        fields = {
            "url": item.get("image"),
            "width": to_int(item.get("width")) or None,
            "height": to_int(item.get("height")) or None,
            "language": None if textless else language_2(item.get("language")),
            "metadata": {
                "tvdb_id": str(item.get("id", "")),
                "tvdb_type": str(item.get("type")),
                "tvdb_score": to_int(item.get("score")),
                "includes_text": item.get("includesText"),
            },
        }
        out.append(candidate(NAME, f"data.{where}", asset_type, fields))
    return out


class TVDBClient(ProviderClient):
    """TheTVDB v4 with a project API key (and a subscriber PIN when the key needs one)."""

    _token: str | None = None

    def login(self) -> str:
        if self._token is None:
            body: dict[str, Any] = {"apikey": self.config.require_key()}
            if self.config.pin:
                body["pin"] = self.config.pin
            payload = self.request("POST", "login", json=body).json()
            token = (payload.get("data") or {}).get("token") if isinstance(payload, dict) else None
            if not isinstance(token, str) or not token:
                raise ProviderError("tvdb: login answered without a token")
            self._token = token
        return self._token

    def artworks(self, tvdb_id: int, media_type: ArtMediaType | str) -> list[AssetCandidate]:
        headers = {"Authorization": f"Bearer {self.login()}"}
        if ArtMediaType(media_type) is ArtMediaType.MOVIE:
            payload = self.get_json(f"movies/{tvdb_id}/extended", headers=headers)
        else:
            payload = self.get_json(f"series/{tvdb_id}/artworks", headers=headers)
        return tvdb_candidates(payload)


class TheTVDB:
    """TheTVDB v4: TV (and movies) by TVDB id."""

    name = NAME
    media_types = frozenset({ArtMediaType.TV, ArtMediaType.MOVIE})
    defaults = ProviderConfig(
        NAME,
        "https://api4.thetvdb.com/v4",
        rate_per_second=10.0,
        env_names=("CURATA_TVDB_API_KEY", "TVDB_API_KEY"),
    )
    offers = MappingProxyType(
        dict.fromkeys(media_types, asset_types("poster fanart banner clearlogo clearart"))
    )
    opt_in = False

    def client(self, config: ProviderConfig) -> TVDBClient:
        return TVDBClient(config)

    def finds(self, item: Item) -> bool:
        return "tvdb" in item.ids and item.media_type is ArtMediaType.TV

    def candidates(self, client: ProviderClient, item: Item) -> Iterator[AssetCandidate]:
        assert isinstance(client, TVDBClient)
        yield from client.artworks(int(item.ids["tvdb"]), item.media_type)

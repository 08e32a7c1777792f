"""Cover Art Archive (MusicBrainz): ``GET /release-group/{mbid}`` or ``/release/{mbid}``.

The answer (https://musicbrainz.org/doc/Cover_Art_Archive/API) is ``{"images": [...],
"release": "https://musicbrainz.org/release/<mbid>"}``; each image has ``image`` (the
original file), ``types`` (``Front``, ``Back``, ``Medium``, ...), ``front``, ``approved``,
``comment``, ``edit``, ``id`` and ``thumbnails`` (``250``, ``500``, ``1200``). There are no
sizes and no votes. Front images become ``albumcover``, ``Medium`` (the disc) ``discart``;
unapproved images are left out. No API key; 404 means no art for that id.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

from curata.autoselect.providers.adapt import candidate, entries
from curata.autoselect.providers.base import Item, asset_types
from curata.autoselect.providers.http import ProviderClient, ProviderConfig
from curata.errors import InvalidRequest
from curata.models.autoselect import ArtMediaType, AssetCandidate

NAME = "musicbrainz"
_MBID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
TYPES = {"Front": "albumcover", "Medium": "discart"}


def caa_candidates(payload: Mapping[str, Any]) -> list[AssetCandidate]:
    """Candidates from a Cover Art Archive release or release-group answer."""
    out = []
    for where, image in entries(NAME, payload, "images"):
        url = image.get("image")
        kinds = image.get("types")
        if (
            not isinstance(url, str)
            or not isinstance(kinds, list)
            or image.get("approved") is False
        ):
            continue
        for kind in kinds:
            asset_type = TYPES.get(kind) if isinstance(kind, str) else None
            if asset_type is None or (asset_type == "albumcover" and image.get("front") is False):
                continue
            fields = {
                "url": url,
                "metadata": {
                    "caa_id": str(image.get("id", "")),
                    "types": [k for k in kinds if isinstance(k, str)],
                    "comment": str(image.get("comment") or ""),
                    "release": str(payload.get("release") or ""),
                },
            }
            out.append(candidate(NAME, where, asset_type, fields))
    return out


class CoverArtArchive:
    """Album art by MusicBrainz release-group (or release) id."""

    name = NAME
    media_types = frozenset({ArtMediaType.MUSIC})
    defaults = ProviderConfig(
        NAME,
        "https://coverartarchive.org",
        rate_per_second=1.0,
        env_names=(),
    )
    offers = MappingProxyType({ArtMediaType.MUSIC: asset_types("albumcover discart")})
    opt_in = False
    _KINDS = (("musicbrainz_release_group", "release-group"), ("musicbrainz_release", "release"))

    def client(self, config: ProviderConfig) -> ProviderClient:
        return ProviderClient(config)

    def finds(self, item: Item) -> bool:
        return any(key in item.ids for key, _ in self._KINDS)

    def candidates(self, client: ProviderClient, item: Item) -> Iterator[AssetCandidate]:
        key, path = next((k, p) for k, p in self._KINDS if k in item.ids)
        mbid = item.ids[key].strip().lower()
        if not _MBID.fullmatch(mbid):
            raise InvalidRequest(f"{mbid!r} is not a MusicBrainz id (a UUID)", field=f"ids.{key}")
        yield from caa_candidates(client.get_json(f"{path}/{mbid}"))

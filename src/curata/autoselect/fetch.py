"""``artwork fetch``: the best art for one item, downloaded into its folder under Kodi names.

What curata knows about a folder is kept in ``.curata-artwork.json`` inside it:

```json
{"version": 1,
 "locked": ["poster"],
 "fetched": {"fanart": {"file": "fanart.jpg", "url": "...", "provider": "tmdb",
                        "sha256": "..."}}}
```

- **Locked** asset types (``curata artwork lock FOLDER poster``, or edit the list) are
  never selected nor written.
- Art curata did not write (a Kodi-named file not in ``fetched``, or whose bytes no
  longer match the recorded SHA-256) is the user's own choice: never replaced.
- Art curata wrote is kept unless ``replace`` is asked for and a different winner exists.

A download goes to a hidden temporary file in the folder, is checked to be a readable
image, and only then renamed to its Kodi name; a failed download leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from curata import imaging
from curata.autoselect.kodi import existing_art, target_name
from curata.autoselect.policy import named, with_overrides
from curata.autoselect.priorities import ProviderPriorities
from curata.autoselect.providers import ArtProvider, Item, provider, providers
from curata.autoselect.providers.http import ProviderClient, ProviderError, provider_config
from curata.autoselect.providers.local import local_candidates
from curata.autoselect.select import Pick, select_best_assets
from curata.autoselect.service import to_result
from curata.config import Settings
from curata.errors import CurataError, Forbidden, InvalidRequest, NotFound
from curata.models.autoselect import (
    ArtMediaType,
    AssetCandidate,
    FetchedArt,
    FetchRequest,
    FetchResult,
    LockRequest,
    LockState,
    SelectionPolicy,
)
from curata.roots import Confinement, containing_root, real

MANIFEST = ".curata-artwork.json"
_VERSION = 1


class Manifest:
    """The folder's record of locked types and of the art curata wrote."""

    def __init__(self, folder: Path, locked: set[str], fetched: dict[str, dict[str, Any]]):
        self.folder = folder
        self.locked = locked
        self.fetched = fetched

    @property
    def path(self) -> Path:
        return self.folder / MANIFEST

    @classmethod
    def load(cls, folder: Path) -> Manifest:
        path = folder / MANIFEST
        if not path.is_file():
            return cls(folder, set(), {})
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            locked = data.get("locked", [])
            fetched = data.get("fetched", {})
            if not isinstance(locked, list) or not isinstance(fetched, dict):
                raise ValueError("'locked' must be a list and 'fetched' an object")
        except (OSError, ValueError, AttributeError) as exc:
            raise InvalidRequest(f"cannot read {path}: {exc}", field="into") from None
        return cls(folder, {str(t) for t in locked}, fetched)

    def save(self) -> None:
        data = {"version": _VERSION, "locked": sorted(self.locked), "fetched": self.fetched}
        tmp = self.folder / f"{MANIFEST}.tmp"
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(tmp, self.path)

    def written_by_curata(self, asset_type: str, path: Path) -> bool:
        """True when ``path`` is the file curata wrote for the type, bytes unchanged."""
        record = self.fetched.get(asset_type)
        if not record or record.get("file") != path.name:
            return False
        return record.get("sha256") == _sha256(path)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _folder(
    value: str,
    create: bool,
    must_exist: bool = True,
    *,
    confinement: Confinement | None = None,
    field: str = "into",
) -> Path:
    """The item folder; a confined caller (a server's client) may write only into a
    folder under one of its scan or export roots (resolved), ``Forbidden`` otherwise."""
    if confinement is not None:
        roots = (*confinement.scan_roots, *confinement.export_roots)
        if containing_root(value, roots) is None:
            raise Forbidden(
                f"{value!r} is outside the server's scan and export roots; artwork is "
                "written only into folders under them",
                field=field,
            )
        value = str(real(value))
    folder = Path(value).expanduser()
    if folder.exists() and not folder.is_dir():
        raise InvalidRequest(f"{folder} is not a folder", field="into")
    if not folder.exists():
        if create:
            folder.mkdir(parents=True)
        elif must_exist:
            raise NotFound(f"no such folder: {folder}", details={"field": "folder"})
    return folder


def set_locks(request: LockRequest, confinement: Confinement | None = None) -> LockState:
    """Lock or unlock asset types of the item in ``request.folder``."""
    folder = _folder(request.folder, create=False, confinement=confinement, field="folder")
    manifest = Manifest.load(folder)
    types = {t.value for t in request.asset_types}
    manifest.locked = manifest.locked | types if request.locked else manifest.locked - types
    manifest.save()
    return LockState(folder=str(folder), locked=sorted(manifest.locked))


def client_of(settings: Settings, name: str) -> ProviderClient:
    """The client of provider ``name`` of the table, configured by ``settings``."""
    return provider(name).client(provider_config(name, settings))


def item_of(request: FetchRequest) -> Item:
    """The item a request names: its media type, ids and languages."""
    ids = {k: str(v) for k, v in request.ids.items()}
    for key, value in (
        ("tmdb", request.tmdb_id),
        ("tvdb", request.tvdb_id),
        ("musicbrainz", request.musicbrainz_id),
        ("theaudiodb", request.theaudiodb_id),
    ):
        if value:
            ids[key] = str(value)
    languages = [request.preferred_language, request.original_language or "",
                 *(request.fallback_languages or ())]  # fmt: skip
    return Item(request.media_type, ids, tuple(dict.fromkeys(lang for lang in languages if lang)))


def asked_providers(request: FetchRequest, item: Item) -> list[ArtProvider]:
    """The providers of the table to ask: those the request names (``providers``; an
    opt-in one like fanart.tv also with ``use_fanart``), else every one that serves the
    media type and can find the item."""
    named = set(request.providers or ())
    if request.use_fanart:
        named.add("fanart_tv")
    for name in named:
        provider(name)  # an unknown name is an error naming the known ones
    asked = []
    for found in providers().values():
        if item.media_type not in found.media_types or not found.finds(item):
            continue
        if found.name in named or (request.providers is None and not found.opt_in):
            asked.append(found)
    return asked


def _gather(
    request: FetchRequest, client: Callable[[str], Any], notes: list[str]
) -> dict[str, list[AssetCandidate]]:
    """Candidates of every asked provider, merged. A provider that does not know the item
    is a note; when none knows it, NotFound."""
    item = item_of(request)
    asked = asked_providers(request, item)
    if not asked:
        able = [p.name for p in providers().values() if item.media_type in p.media_types]
        raise InvalidRequest(
            f"no provider can look up this {item.media_type.value} with the ids given "
            f"({', '.join(sorted(item.ids)) or 'none'}); providers: {', '.join(able)} - give "
            "tmdb_id, tvdb_id, musicbrainz_id, theaudiodb_id or ids",
            field="tmdb_id",
        )
    results: dict[str, list[AssetCandidate]] = {}
    missing: list[NotFound] = []
    for found in asked:
        try:
            results[found.name] = list(found.candidates(client(found.name), item))
        except NotFound as exc:
            missing.append(exc)
            notes.append(f"{found.name}: {exc.message}")
    if not results:
        raise missing[0]
    return results


def _download(client: ProviderClient, pick: Pick, folder: Path, media: ArtMediaType) -> Path:
    """Download to a temporary file, check it is an image, rename to the Kodi name."""
    tmp = folder / f".curata-download-{pick.candidate.asset_type}.part"
    try:
        client.download(pick.url, tmp)
        try:
            with imaging.opened(tmp) as im:
                image_format = im.format or "JPEG"
                im.verify()
        except imaging.UnreadableImage as exc:
            raise ProviderError(
                f"{pick.provider}: {pick.url} is not a readable image: {exc}"
            ) from None
        final = folder / target_name(pick.candidate.asset_type, media, image_format)
        os.replace(tmp, final)
        return final
    finally:
        tmp.unlink(missing_ok=True)


def fetch_artwork(
    request: FetchRequest,
    priorities: ProviderPriorities | None = None,
    *,
    settings: Settings,
    confinement: Confinement | None = None,
    policy: SelectionPolicy | None = None,
) -> FetchResult:
    """Select the best art for the item and write the winners the folder lacks.
    ``policy`` None is the request's named policy (``spec`` if none) with its overrides."""
    folder = _folder(
        request.into, create=not request.dry_run, must_exist=False, confinement=confinement
    )
    media = request.media_type
    manifest = Manifest.load(folder) if folder.exists() else Manifest(folder, set(), {})
    notes: list[str] = []
    with ExitStack() as stack:
        clients: dict[str, ProviderClient] = {}

        def client(name: str) -> Any:
            if name not in clients:
                clients[name] = stack.enter_context(client_of(settings, name))
            return clients[name]

        results: dict[str, Any] = _gather(request, client, notes)
        results["local"] = local_candidates(folder, media)
        outcome = select_best_assets(
            results,
            media,
            request.preferred_language,
            asset_types=request.asset_types,
            priorities=priorities,
            policy=policy or with_overrides(named(request.policy or "spec"), request),
            original_language=request.original_language,
            locked_asset_types=sorted(manifest.locked),
        )
        on_disk = existing_art(folder, media)
        items = []
        for asset_type, selection in outcome.items():
            items.append(
                _apply(request, selection, on_disk.get(asset_type), manifest, client, folder)
            )
        if not request.dry_run and any(i.action in ("downloaded", "replaced") for i in items):
            manifest.save()
    return FetchResult(
        folder=str(folder),
        items=items,
        selection=to_result(outcome, media, request.preferred_language),
        notes=notes,
    )


def _apply(
    request: FetchRequest,
    selection: Any,
    present: Path | None,
    manifest: Manifest,
    client: Callable[[str], Any],
    folder: Path,
) -> FetchedArt:
    asset_type = selection.asset_type
    pick = selection.winner
    if selection.locked:
        return FetchedArt(
            asset_type=asset_type,
            action="locked",
            path=str(present) if present else None,
            reason="locked by the user: never replaced",
        )
    if pick is None:
        return FetchedArt(asset_type=asset_type, action="none", reason="no usable candidate")
    art = {"asset_type": asset_type, "provider": pick.provider, "url": pick.url}
    if pick.provider == "local":
        return FetchedArt(**art, action="kept", path=pick.url, reason=pick.reason)
    if present is not None:
        record = manifest.fetched.get(asset_type, {})
        if not manifest.written_by_curata(asset_type, present):
            return FetchedArt(
                **art,
                action="kept",
                path=str(present),
                reason="the art already there is your own: never replaced",
            )
        if not request.replace:
            return FetchedArt(
                **art, action="kept", path=str(present), reason="already there (use replace)"
            )
        if record.get("url") == pick.url:
            return FetchedArt(**art, action="kept", path=str(present), reason="already the best")
    action = "replaced" if present is not None else "downloaded"
    if request.dry_run:
        return FetchedArt(**art, action=f"would be {action}", reason=pick.reason)
    try:
        final = _download(client(pick.provider), pick, folder, request.media_type)
    except CurataError as exc:
        return FetchedArt(**art, action="failed", reason=str(exc))
    if present is not None and present != final:
        present.unlink(missing_ok=True)
    manifest.fetched[asset_type] = {
        "file": final.name,
        "url": pick.url,
        "provider": pick.provider,
        "sha256": _sha256(final),
    }
    return FetchedArt(**art, action=action, path=str(final), reason=pick.reason)

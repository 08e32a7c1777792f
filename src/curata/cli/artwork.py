"""``curata artwork pick|fetch|policy|strategy|priority|lock|unlock``: best artwork per type."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from curata.cli.app import JSON_OPTION, app, console, emit, handle_errors, open_curata
from curata.errors import InvalidRequest
from curata.models.autoselect import (
    AutoSelectResult,
    FetchResult,
    LockState,
    PriorityTable,
    SelectionPolicy,
    StrategyInfo,
)

artwork_app = typer.Typer(
    help="Artwork auto-selection: pick the best poster, fanart, logo... from providers.",
    no_args_is_help=True,
)
app.add_typer(artwork_app, name="artwork")

MEDIA_OPTION = typer.Option("movie", "--media-type", "-m", help="movie, tv or music.")
LANGUAGE_OPTION = typer.Option("en", "--language", "-l", help="Preferred language (ISO 639-1).")
TYPE_OPTION = typer.Option(None, "--type", "-t", help="Only this asset type (repeat).")
POLICY_OPTION = typer.Option(
    None, "--policy", "-p", help="spec (the default), kodi or custom; omit for the stored one."
)
FALLBACK_OPTION = typer.Option(
    None,
    "--fallback",
    help="Fallback language when nothing is in the preferred one or neutral (repeat).",
)
NO_FALLBACK_OPTION = typer.Option(False, "--no-fallback", help="No fallback languages.")
MIN_SIZE_OPTION = typer.Option(
    None, "--min-size", help="Minimum size of a type, TYPE=WIDTHxHEIGHT (repeat)."
)
NO_MIN_SIZE_OPTION = typer.Option(False, "--no-min-size", help="No minimum sizes.")
TEXTLESS_OPTION = typer.Option(
    None, "--textless/--no-textless", help="Fanart and landscape: textless art first."
)
ORIGINAL_OPTION = typer.Option(
    None,
    "--prefer-original/--no-prefer-original",
    help="The item's original language is the first fallback.",
)
ORIGINAL_LANGUAGE_OPTION = typer.Option(
    None, "--original-language", help="The item's original language (ISO 639-1)."
)


def _min_sizes(values: list[str]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for value in values:
        asset_type, _, size = value.partition("=")
        width, _, height = size.lower().partition("x")
        if not (asset_type.strip() and width.isdigit() and height.isdigit()):
            raise InvalidRequest(
                f"{value!r} is not TYPE=WIDTHxHEIGHT (e.g. poster=500x700)", field="min_resolution"
            )
        out[asset_type.strip()] = [int(width), int(height)]
    return out


def _ids(values: list[str]) -> dict[str, str]:
    out = {}
    for value in values:
        key, sep, found = value.partition("=")
        if not (sep and key.strip() and found.strip()):
            raise InvalidRequest(f"{value!r} is not KEY=VALUE (e.g. imdb=tt0137523)", field="ids")
        out[key.strip()] = found.strip()
    return out


def policy_options(
    fallback: list[str] | None,
    no_fallback: bool,
    min_size: list[str] | None,
    no_min_size: bool,
    textless: bool | None,
    prefer_original: bool | None,
) -> dict[str, Any]:
    """The policy extras given on the command line, as request fields (unset: absent)."""
    out: dict[str, Any] = {}
    if no_fallback or fallback:
        out["fallback_languages"] = [] if no_fallback else fallback
    if no_min_size or min_size:
        out["min_resolution"] = {} if no_min_size else _min_sizes(min_size or [])
    if textless is not None:
        out["prefer_textless"] = textless
    if prefer_original is not None:
        out["prefer_original_language"] = prefer_original
    return out


def _render_selection(result: AutoSelectResult) -> None:
    table = Table("type", "provider", "tier", "score", "reason", "url",
                  title=f"policy: {result.policy.name.value}")  # fmt: skip
    for asset_type, entry in result.results.items():
        if entry.winner is None:
            why = "locked" if entry.locked else "no usable candidate"
            table.add_row(asset_type, "-", "-", "-", why, "")
            continue
        w = entry.winner
        table.add_row(asset_type, w.provider, str(w.tier), f"{w.score:.2f}", w.reason,
                      w.candidate.url)  # fmt: skip
    console.print(table)


def _read_candidates(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidRequest(f"no such file: {path}", field="candidates") from None
    except (OSError, ValueError) as exc:
        raise InvalidRequest(f"{path} is not readable JSON: {exc}", field="candidates") from None
    if not isinstance(data, dict):
        raise InvalidRequest(
            f"{path}: expected an object of provider name -> candidates", field="candidates"
        )
    return data if "provider_results" in data else {"provider_results": data}


@artwork_app.command("pick")
@handle_errors
def pick(
    ctx: typer.Context,
    candidates: Path = typer.Argument(
        ...,
        help="JSON: provider name -> list of candidates, or a full request with "
        "provider_results and existing_assets.",
    ),
    media_type: str = MEDIA_OPTION,
    language: str = LANGUAGE_OPTION,
    asset_type: list[str] | None = TYPE_OPTION,
    policy: str | None = POLICY_OPTION,
    fallback: list[str] | None = FALLBACK_OPTION,
    no_fallback: bool = NO_FALLBACK_OPTION,
    min_size: list[str] | None = MIN_SIZE_OPTION,
    no_min_size: bool = NO_MIN_SIZE_OPTION,
    textless: bool | None = TEXTLESS_OPTION,
    prefer_original: bool | None = ORIGINAL_OPTION,
    original_language: str | None = ORIGINAL_LANGUAGE_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Pick the best candidate per asset type (tier, votes, size, provider priority)."""
    request = _read_candidates(candidates)
    request.update({"media_type": media_type, "preferred_language": language})
    request.update(
        policy_options(fallback, no_fallback, min_size, no_min_size, textless, prefer_original)
    )
    if policy is not None:
        request["policy"] = policy
    if original_language is not None:
        request["original_language"] = original_language
    if asset_type:
        request["asset_types"] = asset_type
    result = open_curata(ctx, create=True).select_best_assets(request)
    emit(result.data, as_json, _render_selection)


def _render_fetch(result: FetchResult) -> None:
    table = Table("type", "action", "provider", "file", "reason", title=result.folder)
    for item in result.items:
        table.add_row(item.asset_type, item.action, item.provider or "",
                      Path(item.path).name if item.path else "", item.reason)  # fmt: skip
    console.print(table)
    for note in result.notes:
        console.print(f"note: {note}", highlight=False)


@artwork_app.command("fetch")
@handle_errors
def fetch(
    ctx: typer.Context,
    into: Path = typer.Option(..., "--into", help="The item's folder (created if missing)."),
    tmdb: int | None = typer.Option(None, "--tmdb", help="TMDB id of the movie or show."),
    tvdb: int | None = typer.Option(None, "--tvdb", help="TheTVDB id (TV)."),
    musicbrainz: str | None = typer.Option(None, "--musicbrainz", help="MusicBrainz artist id."),
    audiodb: int | None = typer.Option(None, "--audiodb", help="TheAudioDB artist id."),
    fanart: bool = typer.Option(False, "--fanart", help="Also ask fanart.tv."),
    ids: list[str] | None = typer.Option(
        None, "--id", help="Another id, KEY=VALUE (imdb=tt0137523, musicbrainz_release_group=...)."
    ),
    only: list[str] | None = typer.Option(
        None, "--provider", help="Ask only this provider (repeat)."
    ),
    media_type: str = MEDIA_OPTION,
    language: str = LANGUAGE_OPTION,
    asset_type: list[str] | None = TYPE_OPTION,
    policy: str | None = POLICY_OPTION,
    fallback: list[str] | None = FALLBACK_OPTION,
    no_fallback: bool = NO_FALLBACK_OPTION,
    min_size: list[str] | None = MIN_SIZE_OPTION,
    no_min_size: bool = NO_MIN_SIZE_OPTION,
    textless: bool | None = TEXTLESS_OPTION,
    prefer_original: bool | None = ORIGINAL_OPTION,
    original_language: str | None = ORIGINAL_LANGUAGE_OPTION,
    replace: bool = typer.Option(
        False, "--replace", help="Replace art curata fetched before (never yours, never locked)."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would be written."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Download the best art into FOLDER under Kodi names, skipping art already there."""
    request: dict[str, Any] = {
        "into": str(into),
        "media_type": media_type,
        "tmdb_id": tmdb,
        "tvdb_id": tvdb,
        "musicbrainz_id": musicbrainz,
        "theaudiodb_id": audiodb,
        "use_fanart": fanart,
        "ids": _ids(ids or []),
        "providers": only or None,
        "preferred_language": language,
        "replace": replace,
        "dry_run": dry_run,
        "policy": policy,
        "original_language": original_language,
        **policy_options(fallback, no_fallback, min_size, no_min_size, textless, prefer_original),
    }
    if asset_type:
        request["asset_types"] = asset_type
    result = open_curata(ctx, create=True).fetch_artwork(request)
    emit(result.data, as_json, _render_fetch)


def _render_policy(policy: SelectionPolicy) -> None:
    sizes = ", ".join(f"{t}={r.width}x{r.height}" for t, r in policy.min_resolution.items())
    console.print(
        f"policy: {policy.name.value}\n"
        f"  min_resolution: {sizes or 'none'}\n"
        f"  fallback_languages: {', '.join(policy.fallback_languages) or 'none'}\n"
        f"  prefer_textless: {'on' if policy.prefer_textless else 'off'}\n"
        f"  prefer_original_language: {'on' if policy.prefer_original_language else 'off'}",
        highlight=False,
    )


@artwork_app.command("policy")
@handle_errors
def policy_command(
    ctx: typer.Context,
    name: str | None = typer.Argument(None, help="spec, kodi or custom; omit to show."),
    fallback: list[str] | None = FALLBACK_OPTION,
    no_fallback: bool = NO_FALLBACK_OPTION,
    min_size: list[str] | None = MIN_SIZE_OPTION,
    no_min_size: bool = NO_MIN_SIZE_OPTION,
    textless: bool | None = TEXTLESS_OPTION,
    prefer_original: bool | None = ORIGINAL_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Show or store the selection policy (extras are set on the custom policy)."""
    cur = open_curata(ctx, create=True)
    extras = policy_options(fallback, no_fallback, min_size, no_min_size, textless, prefer_original)
    if name is None and extras:
        raise InvalidRequest("name the policy to set: custom", field="name")
    result = cur.get_policy() if name is None else cur.set_policy({"name": name, **extras})
    emit(result.data, as_json, _render_policy)


def _render_strategy(info: StrategyInfo) -> None:
    console.print(f"strategy: {info.strategy.value}", highlight=False)


@artwork_app.command("strategy")
@handle_errors
def strategy(
    ctx: typer.Context,
    value: str | None = typer.Argument(None, help="balanced or custom; omit to show."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Show or set the provider strategy (balanced defaults, or your custom orders)."""
    cur = open_curata(ctx, create=True)
    result = cur.get_strategy() if value is None else cur.set_strategy(value)
    emit(result.data, as_json, _render_strategy)


priority_app = typer.Typer(help="Provider order per media type and asset type.")
artwork_app.add_typer(priority_app, name="priority")


def _render_priorities(table_data: PriorityTable) -> None:
    table = Table("media", "type", "order", "disabled", "source",
                  title=f"strategy: {table_data.strategy.value}")  # fmt: skip
    for entry in table_data.entries:
        table.add_row(entry.media_type.value, entry.asset_type, " > ".join(entry.providers),
                      ", ".join(entry.disabled), entry.source)  # fmt: skip
    console.print(table)


def _names(value: str) -> list[str]:
    return [n.strip() for n in value.split(",") if n.strip()]


@priority_app.command("show")
@handle_errors
def priority_show(
    ctx: typer.Context,
    media_type: str | None = typer.Argument(None, help="movie, tv or music (default: all)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Show the effective provider order for each asset type."""
    emit(open_curata(ctx, create=True).get_priorities(media_type).data, as_json, _render_priorities)


@priority_app.command("set")
@handle_errors
def priority_set(
    ctx: typer.Context,
    media_type: str = typer.Argument(..., help="movie, tv or music."),
    asset_type: str = typer.Argument(..., help="An asset type, or * for all of them."),
    providers: str = typer.Argument(..., help="Comma-separated, best first: fanart_tv,tmdb."),
    disable: str = typer.Option("", "--disable", help="Comma-separated providers to skip."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Set a custom order (switches the strategy to custom)."""
    result = open_curata(ctx, create=True).set_priority(
        {
            "media_type": media_type,
            "asset_type": asset_type,
            "providers": _names(providers),
            "disabled": _names(disable),
        }
    )
    emit(result.data, as_json, _render_priorities)


@priority_app.command("reset")
@handle_errors
def priority_reset(
    ctx: typer.Context,
    media_type: str | None = typer.Argument(None, help="Only this media type."),
    asset_type: str | None = typer.Argument(None, help="Only this asset type (or *)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Remove custom orders (all, or a media type's, or one asset type's)."""
    result = open_curata(ctx, create=True).reset_priorities(
        {"media_type": media_type, "asset_type": asset_type}
    )
    emit(result.data, as_json, _render_priorities)


def _render_locks(state: LockState) -> None:
    locked = ", ".join(t.value for t in state.locked) or "nothing"
    console.print(f"{state.folder}: locked {locked}", highlight=False)


def _lock(ctx: typer.Context, folder: Path, types: list[str], locked: bool, as_json: bool) -> None:
    result = open_curata(ctx, create=True).lock_artwork(
        {"folder": str(folder), "asset_types": types, "locked": locked}
    )
    emit(result.data, as_json, _render_locks)


@artwork_app.command("lock")
@handle_errors
def lock(
    ctx: typer.Context,
    folder: Path = typer.Argument(..., help="The item's folder."),
    types: list[str] = typer.Argument(..., help="Asset types to lock (poster fanart ...)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Lock asset types in FOLDER: fetch never replaces them."""
    _lock(ctx, folder, types, True, as_json)


@artwork_app.command("unlock")
@handle_errors
def unlock(
    ctx: typer.Context,
    folder: Path = typer.Argument(..., help="The item's folder."),
    types: list[str] = typer.Argument(..., help="Asset types to unlock."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Unlock asset types in FOLDER."""
    _lock(ctx, folder, types, False, as_json)
